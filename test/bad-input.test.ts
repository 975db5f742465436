// A corpus of bad inputs sent to the gateway over HTTP: every one gets a client error (4xx, or a
// GraphQL error with a client code), never a 500; what the gateway refuses reaches no subgraph;
// injection-looking filters are plain values; the hub is healthy and its data intact afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import type { GraphqlBody } from './support/faulty-proxy.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub?.stop());

const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'PAGE_SIZE_LIMIT',
  'COST_LIMIT_EXCEEDED',
  'OPERATION_RESOLUTION_FAILURE',
]);

interface Answer {
  status: number;
  text: string;
  json?: GraphqlBody;
}

async function send(init: {
  method?: string;
  path?: string;
  body?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
}): Promise<Answer> {
  const url = new URL(init.path ?? '/graphql', hub.gatewayUrl);
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.contentType !== null) headers['content-type'] = init.contentType ?? 'application/json';
  const response = await fetch(url, { method: init.method ?? 'POST', headers, body: init.body });
  const text = await response.text();
  let json: GraphqlBody | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

const gql = (query: string, variables?: unknown, extra: Record<string, unknown> = {}) =>
  send({ body: JSON.stringify({ query, variables, ...extra }) });
const b64 = (text: string) => Buffer.from(text).toString('base64url');

interface Case {
  name: string;
  run: () => Promise<Answer>;
  /** Expected HTTP status (default 400). */
  status?: number;
  /** Expected code of the first error; undefined = any client code. */
  code?: string;
  /** Refused by the gateway: no subgraph may receive anything. */
  atGateway: boolean;
  message?: RegExp;
}

const TERRITORIES = `query($first: Int, $after: String, $search: String, $region: String, $phase: Phase) {
  territories(first: $first, after: $after, search: $search, region: $region, phase: $phase) { totalCount nodes { id } pageInfo { endCursor } } }`;

/** What the tests read of a TERRITORIES answer. */
type Counted = { territories: { totalCount: number } };

const corpus: Case[] = [
  // Malformed documents.
  {
    name: 'unclosed argument list',
    run: () => gql(`{ territory(id: "x" { name } }`),
    code: 'GRAPHQL_PARSE_FAILED',
    atGateway: true,
    message: /^Syntax Error/,
  },
  {
    name: 'truncated document',
    run: () => gql(`{ territories(first: 2) { nodes { id `),
    code: 'GRAPHQL_PARSE_FAILED',
    atGateway: true,
  },
  {
    name: 'NUL character in the document',
    run: () => gql(`{ phases\u0000 { phase } }`),
    code: 'BAD_USER_INPUT',
    atGateway: true,
    message: /NUL character/,
  },
  {
    name: 'control characters in the document',
    run: () => gql(`{ phases\u0001\u0007 { phase } }`),
    code: 'GRAPHQL_PARSE_FAILED',
    atGateway: true,
  },
  {
    name: 'not GraphQL at all',
    run: () => gql(`SELECT * FROM territory; --`),
    code: 'GRAPHQL_PARSE_FAILED',
    atGateway: true,
  },
  {
    name: 'unknown field',
    run: () => gql(`{ territory(id: "2023-2027:ti-8402") { password } }`),
    code: 'GRAPHQL_VALIDATION_FAILED',
    atGateway: true,
  },
  {
    name: 'argument of the wrong literal type',
    run: () => gql(`{ territory(id: true) { name } }`),
    code: 'GRAPHQL_VALIDATION_FAILED',
    atGateway: true,
  },
  {
    name: 'subscription on a graph without subscriptions',
    run: () => gql(`subscription { phases { phase } }`),
    code: 'GRAPHQL_VALIDATION_FAILED',
    atGateway: true,
  },
  {
    name: 'two operations and no operationName',
    run: () => gql(`query A { phases { phase } } query B { regions { code } }`),
    code: 'OPERATION_RESOLUTION_FAILURE',
    atGateway: true,
  },
  {
    name: 'unknown operationName',
    run: () => gql(`query A { phases { phase } }`, undefined, { operationName: 'Nope' }),
    code: 'OPERATION_RESOLUTION_FAILURE',
    atGateway: true,
  },
  // Bodies that are not a GraphQL request.
  {
    name: 'invalid JSON body',
    run: () => send({ body: '{"query": "{ phases { phase } }"' }),
    code: 'BAD_REQUEST',
    atGateway: true,
    message: /not valid JSON/,
  },
  { name: 'JSON null body', run: () => send({ body: 'null' }), code: 'BAD_REQUEST', atGateway: true },
  { name: 'empty JSON object', run: () => send({ body: '{}' }), code: 'BAD_REQUEST', atGateway: true },
  { name: 'query is a number', run: () => send({ body: '{"query": 42}' }), code: 'BAD_REQUEST', atGateway: true },
  {
    name: 'variables is a string',
    run: () => send({ body: JSON.stringify({ query: '{ phases { phase } }', variables: 'x' }) }),
    code: 'BAD_REQUEST',
    atGateway: true,
  },
  {
    name: 'text/plain body (CSRF protection)',
    run: () => send({ body: '{ phases { phase } }', contentType: 'text/plain' }),
    code: 'BAD_REQUEST',
    atGateway: true,
  },
  {
    name: 'no content type',
    run: () => send({ body: '{"query": "{ phases { phase } }"}', contentType: null }),
    code: 'BAD_REQUEST',
    atGateway: true,
  },
  {
    name: 'batched request (JSON array): batching is not supported',
    run: () => send({ body: JSON.stringify([{ query: '{ phases { phase } }' }, { query: '{ regions { code } }' }]) }),
    code: 'BAD_REQUEST',
    atGateway: true,
    message: /batching/i,
  },
  {
    name: 'PUT on the GraphQL path',
    run: () => send({ method: 'PUT', body: '{"query": "{ phases { phase } }"}' }),
    status: 405,
    code: 'BAD_REQUEST',
    atGateway: true,
    message: /only GET\/POST/,
  },
  {
    name: 'unknown path',
    run: () => send({ path: '/graphql/../admin', body: '{}' }),
    status: 404,
    code: 'NOT_FOUND',
    atGateway: true,
  },
  // Variables.
  {
    name: 'variable of the wrong type (object for ID)',
    run: () => gql(`query($id: ID!) { territory(id: $id) { name } }`, { id: { $gt: '' } }),
    code: 'BAD_USER_INPUT',
    atGateway: true,
  },
  {
    name: 'variable of the wrong type (string for Int)',
    run: () => gql(TERRITORIES, { first: '10; DROP TABLE territory' }),
    code: 'BAD_USER_INPUT',
    atGateway: true,
  },
  {
    name: 'missing required variable',
    run: () => gql(`query($id: ID!) { territory(id: $id) { name } }`, {}),
    code: 'BAD_USER_INPUT',
    atGateway: true,
  },
  {
    name: 'null for a required variable',
    run: () => gql(`query($id: ID!) { territory(id: $id) { name } }`, { id: null }),
    code: 'BAD_USER_INPUT',
    atGateway: true,
  },
  {
    name: 'invalid enum literal',
    run: () => gql(`{ territories(phase: PHASE_2030) { totalCount } }`),
    code: 'GRAPHQL_VALIDATION_FAILED',
    atGateway: true,
  },
  {
    name: 'invalid enum variable',
    run: () => gql(TERRITORIES, { phase: 'PHASE_2030' }),
    code: 'BAD_USER_INPUT',
    atGateway: true,
  },
  {
    name: 'enum given as a lowercase string',
    run: () => gql(TERRITORIES, { phase: 'phase_2023_2027' }),
    code: 'BAD_USER_INPUT',
    atGateway: true,
  },
  {
    name: 'huge variable list (20 000 items) for an enum',
    run: () => gql(TERRITORIES, { phase: Array.from({ length: 20_000 }, () => 0) }),
    code: 'BAD_USER_INPUT',
    atGateway: true,
  },
  {
    name: 'deeply nested lists (5 000 levels) in a variable',
    run: () =>
      send({
        body: `{"query": ${JSON.stringify(TERRITORIES)}, "variables": {"search": ${'['.repeat(5000)}${']'.repeat(5000)}}}`,
      }),
    code: 'BAD_USER_INPUT',
    atGateway: true,
  },
  // PostgreSQL cannot hold U+0000 in text: refused before any SQL, in variables and in literals.
  {
    name: 'NUL character in a variable',
    run: () => gql(TERRITORIES, { search: 'bourg\u0000; DROP TABLE territory' }),
    code: 'BAD_USER_INPUT',
    atGateway: true,
    message: /NUL character/,
  },
  {
    name: 'NUL character in a nested variable',
    run: () => gql(TERRITORIES, { search: 'x', extra: [{ deep: ['\u0000'] }] }),
    code: 'BAD_USER_INPUT',
    atGateway: true,
  },
  {
    name: 'NUL character in a string literal',
    run: () => gql(`{ territories(search: "\\u0000") { totalCount } }`),
    code: 'GRAPHQL_VALIDATION_FAILED',
    atGateway: true,
    message: /NUL character/,
  },
  {
    name: '1 MB search string',
    run: () => gql(TERRITORIES, { search: 'é'.repeat(500_000) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    atGateway: true,
  },
  {
    name: 'first over Int range',
    run: () => gql(`{ territories(first: 2147483648) { totalCount } }`),
    code: 'GRAPHQL_VALIDATION_FAILED',
    atGateway: true,
  },
  // (The page-size check runs before variable coercion, so it answers first.)
  {
    name: 'first over Int range as a variable',
    run: () => gql(TERRITORIES, { first: 1e12 }),
    code: 'PAGE_SIZE_LIMIT',
    atGateway: true,
  },
  { name: 'huge first', run: () => gql(TERRITORIES, { first: 1_000_000 }), code: 'PAGE_SIZE_LIMIT', atGateway: true },
  { name: 'fractional first', run: () => gql(TERRITORIES, { first: 2.5 }), code: 'BAD_USER_INPUT', atGateway: true },
  // Checked by the subgraphs (HTTP 200, GraphQL error with a client code).
  {
    name: 'negative first',
    run: () => gql(TERRITORIES, { first: -1 }),
    status: 200,
    code: 'BAD_USER_INPUT',
    atGateway: false,
    message: /first: must be between 1 and 200/,
  },
  {
    name: 'zero first',
    run: () => gql(TERRITORIES, { first: 0 }),
    status: 200,
    code: 'BAD_USER_INPUT',
    atGateway: false,
  },
  {
    name: 'forged cursor (garbage)',
    run: () => gql(TERRITORIES, { after: 'not-a-cursor' }),
    status: 200,
    code: 'BAD_USER_INPUT',
    atGateway: false,
    message: /after: .* is not a cursor/,
  },
  {
    name: 'forged cursor (negative position)',
    run: () => gql(TERRITORIES, { after: b64('pos:-1') }),
    status: 200,
    code: 'BAD_USER_INPUT',
    atGateway: false,
  },
  {
    name: 'forged cursor (SQL)',
    run: () => gql(TERRITORIES, { after: b64("pos:1' OR 1=1 --") }),
    status: 200,
    code: 'BAD_USER_INPUT',
    atGateway: false,
  },
  {
    name: 'forged cursor (huge position)',
    run: () => gql(TERRITORIES, { after: b64('pos:999999999999999') }),
    status: 200,
    code: 'BAD_USER_INPUT',
    atGateway: false,
  },
  {
    name: 'injection in a region code',
    run: () => gql(TERRITORIES, { region: "84' OR '1'='1" }),
    status: 200,
    code: 'BAD_USER_INPUT',
    atGateway: false,
  },
  {
    name: 'injection in a SIREN',
    run: () => gql(`query($s: String!) { territoriesByGroupement(siren: $s) { id } }`, { s: '200070555 OR 1=1' }),
    status: 200,
    code: 'BAD_USER_INPUT',
    atGateway: false,
  },
  {
    name: 'injection in an INSEE code',
    run: () => gql(`query($c: String!) { commune(insee: $c) { name } }`, { c: "'; DROP TABLE commune; --" }),
    status: 200,
    code: 'BAD_USER_INPUT',
    atGateway: false,
  },
  {
    name: 'injection in a territory id',
    run: () => gql(`query($id: ID!) { territory(id: $id) { name } }`, { id: "2023-2027:ti-8402' OR 1=1 --" }),
    status: 200,
    atGateway: false,
  },
  {
    name: 'search longer than 100 characters',
    run: () => gql(TERRITORIES, { search: 'a'.repeat(101) }),
    status: 200,
    code: 'BAD_USER_INPUT',
    atGateway: false,
  },
];

describe('bad inputs', () => {
  for (const c of corpus) {
    it(`${c.name}: ${c.status ?? 400} ${c.code ?? 'client error'}${c.atGateway ? ', refused at the gateway' : ''}`, async () => {
      hub.resetCounters();
      const answer = await c.run();
      expect(answer.status).not.toBe(500);
      expect([answer.status, answer.text.slice(0, 300)]).toEqual([c.status ?? 400, expect.any(String)]);
      expect(answer.json, `not JSON: ${answer.text.slice(0, 200)}`).toBeTruthy();
      const error = answer.json!.errors?.[0];
      expect(error, JSON.stringify(answer.json).slice(0, 300)).toBeTruthy();
      const code = error!.extensions?.code;
      if (c.code) expect([code, error!.message]).toEqual([c.code, expect.any(String)]);
      else expect(CLIENT_CODES.has(code ?? ''), `${code}: ${error!.message}`).toBe(true);
      if (c.message) expect(error!.message).toMatch(c.message);
      for (const e of answer.json!.errors!)
        expect(CLIENT_CODES.has(e.extensions?.code ?? ''), `${e.extensions?.code}: ${e.message}`).toBe(true);
      if (c.atGateway)
        expect(hub.counters()).toEqual(
          Object.fromEntries([...hub.subgraphs.keys()].map((n) => [n, { requests: 0, statements: 0 }])),
        );
    });
  }

  it('treats injection-looking and unusual filters as plain values', async () => {
    const values: [string, number][] = [
      ["'; DROP TABLE territory; --", 0],
      ["%' OR 1=1 --", 0],
      ['%', 0],
      ['_', 0],
      ['\\', 0],
      ['Robert"); DROP TABLE territory;--', 0],
      ['${process.exit()}', 0],
      ['<script>alert(1)</script>', 0],
      ['🏭 usine', 0],
      ['\u202Eesserb', 0],
    ];
    for (const [search, expected] of values) {
      const response = await post<Counted>(hub.gatewayUrl, TERRITORIES, { search, first: 50 });
      expect([search, response.status]).toEqual([search, 200]);
      expect([search, response.errors, response.data?.territories.totalCount]).toEqual([search, undefined, expected]);
    }
    for (const search of ['BOURG-EN-BRESSE', 'bourg-en-bressé', '  Bassin   de BOURG ']) {
      const response = await post<Counted>(hub.gatewayUrl, TERRITORIES, { search });
      expect([search, response.errors]).toEqual([search, undefined]);
      expect(response.data!.territories.totalCount).toBeGreaterThanOrEqual(1);
    }
  });

  it('is healthy and its data intact afterwards', async () => {
    const all = await post<Counted & { regions: { code: string }[] }>(
      hub.gatewayUrl,
      `{ territories(first: 1) { totalCount } regions { code } }`,
    );
    expect([all.status, all.errors, all.data?.territories.totalCount]).toEqual([200, undefined, 332]);
    expect(all.data!.regions.length).toBeGreaterThanOrEqual(13);
    const territory = await post<{ territory: { name: string } | null }>(
      hub.gatewayUrl,
      `{ territory(id: "2023-2027:ti-8402") { name financing { summary { operator } } } }`,
    );
    expect([territory.errors, territory.data?.territory?.name]).toEqual([undefined, 'Bassin de Bourg-en-Bresse']);
    expect((await fetch(new URL('/health', hub.gatewayUrl))).status).toBe(200);
    expect((await fetch(new URL('/ready', hub.gatewayUrl))).status).toBe(200);
  });
});
