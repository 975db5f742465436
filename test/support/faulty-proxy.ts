// A proxy in front of one subgraph whose behaviour can be switched at run time, to inject faults
// between the gateway and a subgraph; and a helper starting an extra gateway over a test hub.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { createGateway, type Gateway } from '../../gateway/gateway.ts';
import { listen } from '../../subgraphs/runtime/http.ts';
import type { TestHub } from './hub.ts';

/**
 * - `pass`: forwards everything to the target;
 * - `down`: the listener is closed (connection refused) and open sockets destroyed;
 * - `slow`: waits `delayMs` before forwarding;
 * - `garbage`: answers 200 with a body that is not JSON;
 * - `http500`: answers 500 with an HTML page;
 * - `sqlError`: answers 200 with a GraphQL error leaking SQL text and a stack trace, as an unmasked subgraph would.
 */
export type FaultMode = 'pass' | 'down' | 'slow' | 'garbage' | 'http500' | 'sqlError';

export interface FaultyProxy {
  /** GraphQL URL of the proxy (same path as the target). */
  url: string;
  mode: FaultMode;
  /** Switches the behaviour; `down` closes the listener, leaving `down` listens again on the same port. */
  setMode(mode: FaultMode, options?: { delayMs?: number }): Promise<void>;
  /** Requests that reached the proxy (any mode but `down`). */
  received: number;
  stop(): Promise<void>;
}

export const SQL_LEAK =
  'select "amount_eur" from "financing" where "territory_id" = ? - SQLITE_ERROR: no such table: financing';

export async function startFaultyProxy(
  targetUrl: string,
  options: { mode?: FaultMode; delayMs?: number } = {},
): Promise<FaultyProxy> {
  const target = new URL(targetUrl);
  let delayMs = options.delayMs ?? 2000;
  const sockets = new Set<Socket>();

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    proxy.received++;
    switch (proxy.mode) {
      case 'pass':
        return forward(req, res);
      case 'slow': {
        const timer = setTimeout(() => forward(req, res), delayMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'garbage':
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"data": {"_entities": [ this is not json');
      case 'http500':
        req.resume();
        res.writeHead(500, { 'content-type': 'text/html' });
        return void res.end(
          '<html><body>Internal Server Error: connection pool exhausted at db.internal:5432</body></html>',
        );
      case 'sqlError': {
        req.resume();
        const body = JSON.stringify({
          data: null,
          errors: [
            {
              message: SQL_LEAK,
              extensions: {
                code: 'INTERNAL_SERVER_ERROR',
                stacktrace: [
                  `SqliteError: ${SQL_LEAK}`,
                  '    at Database.prepare (/srv/hub/node_modules/better-sqlite3/lib/methods/wrappers.js:5:21)',
                ],
              },
            },
          ],
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(body);
      }
      default:
        return void res.destroy();
    }
  };

  let server: Server = createServer(handler);
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  const port = await listen(server, 0);

  const proxy: FaultyProxy = {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    mode: options.mode ?? 'pass',
    received: 0,
    async setMode(mode, opts = {}) {
      if (opts.delayMs !== undefined) delayMs = opts.delayMs;
      if (mode === proxy.mode) return;
      const wasDown = proxy.mode === 'down';
      proxy.mode = mode;
      if (mode === 'down') {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
      } else if (wasDown) {
        server = createServer(handler);
        server.on('connection', track);
        await listen(server, port);
      }
    },
    async stop() {
      if (proxy.mode === 'down') return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}

export interface ExtraGateway {
  url: string;
  gateway: Gateway;
  stop(): Promise<void>;
}

/**
 * Another gateway over the subgraphs of a running test hub (cheap: no data loaded), with its own
 * environment and, optionally, some subgraphs routed elsewhere (e.g. through a faulty proxy).
 */
export async function startExtraGateway(
  hub: TestHub,
  env: NodeJS.ProcessEnv = {},
  overrides: Record<string, string> = {},
): Promise<ExtraGateway> {
  const subgraphUrls = { ...Object.fromEntries([...hub.subgraphs].map(([name, s]) => [name, s.url])), ...overrides };
  const gateway = await createGateway({ subgraphUrls, env: { ...env } });
  const port = await listen(gateway.http, 0);
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    gateway,
    async stop() {
      if (stopped) return;
      stopped = true;
      await gateway.stop();
    },
  };
}

/** A GraphQL answer's body as tests read it. */
export interface GraphqlBody<T = unknown> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

/** Raw POST (any body, any content type): status, headers and the parsed body when it is JSON. */
export async function rawPost<T = unknown>(
  url: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let json: GraphqlBody<T> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
