// A stand-in for the programme subgraph's answer to operators' link checks: POST /graphql with federation's
// `_entities` over `ActionSheet` representations, as the real programme subgraph answers it (unknown or deleted
// sheets come back null). It knows every sample sheet of both phases, plus those a test adds; a test deletes sheets
// and counts the requests (each with the number of sheets asked) to prove the batching.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { sampleActionSheets } from '../../subgraphs/runtime/action-sheets.ts';
import { closeServer, listen } from '../../subgraphs/runtime/http.ts';
import { freePort } from './ports.ts';

export interface FakeProgramme {
  url: string;
  /** Sheet id → its territory. */
  sheets: Map<string, string>;
  /** One entry per `_entities` request: the number of representations it asked. */
  requests: number[];
  /** Secret values received in `x-hub-gateway-secret`, one per request (undefined when absent). */
  secrets: (string | undefined)[];
  /**
   * `up` answers; `reset` drops each connection unanswered; `error` answers HTTP 502; `silent` never answers (the
   * caller's timeout decides); `failing` answers 200 with null entities and an error (its database is down, say).
   */
  mode: 'up' | 'reset' | 'error' | 'silent' | 'failing';
  stop(): Promise<void>;
}

interface EntitiesRequest {
  query?: string;
  variables?: { r?: { __typename?: string; id?: string }[] };
}

export async function startFakeProgramme(options: { secret?: string } = {}): Promise<FakeProgramme> {
  const sheets = new Map<string, string>();
  for (const phase of ['2019-2022', '2023-2027'] as const)
    for (const sheet of sampleActionSheets(phase)) sheets.set(sheet.id, sheet.territoryId);
  const requests: number[] = [];
  const secrets: (string | undefined)[] = [];
  const held = new Set<ServerResponse>();
  const fake: FakeProgramme = {
    url: '',
    sheets,
    requests,
    secrets,
    mode: 'up',
    async stop() {
      for (const res of held) res.destroy();
      await closeServer(server, 0);
    },
  };
  const server: Server = createServer((req, res) => {
    if (fake.mode === 'reset') return void req.socket.destroy();
    if (fake.mode === 'silent') return void held.add(res);
    if (fake.mode === 'error') {
      res.writeHead(502, { 'content-type': 'text/plain' });
      return void res.end('bad gateway');
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const secret = req.headers['x-hub-gateway-secret'] as string | undefined;
      secrets.push(secret);
      const send = (status: number, answer: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      };
      if (options.secret && secret !== options.secret)
        return send(401, { errors: [{ message: 'missing or wrong x-hub-gateway-secret' }] });
      const request = JSON.parse(body) as EntitiesRequest;
      const representations = request.variables?.r;
      if (!request.query?.includes('_entities') || !Array.isArray(representations))
        return send(400, { errors: [{ message: 'the fake programme only answers _entities' }] });
      requests.push(representations.length);
      if (fake.mode === 'failing')
        return send(200, {
          data: { _entities: representations.map(() => null) },
          errors: [{ message: 'database unreachable', path: ['_entities', 0] }],
        });
      send(200, {
        data: {
          _entities: representations.map((r) => {
            const territory = r.__typename === 'ActionSheet' && r.id ? sheets.get(r.id) : undefined;
            return territory ? { id: r.id, territory: { id: territory } } : null;
          }),
        },
      });
    });
  });
  fake.url = `http://127.0.0.1:${await listen(server, 0)}/graphql`;
  return fake;
}

/** A URL where nothing listens (a free port, not bound): the programme refused. */
export async function unreachableProgrammeUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/graphql`;
}
