// Minimal HTTP front for Apollo Server (its documented integration API), shared by the
// subgraphs and the gateway: GraphQL on one path, plain JSON routes beside it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface HttpOptions<Ctx extends BaseContext> {
  apollo: ApolloServer<Ctx>;
  context: (req: IncomingMessage) => Promise<Ctx>;
  graphqlPath?: string;
  /** Other GET routes by exact path; GET on the GraphQL path can be taken by `get` (e.g. GraphiQL). */
  routes?: Record<string, Route>;
  /** Called for GET on the GraphQL path before Apollo; returns true when it answered. */
  getGraphql?: (req: IncomingMessage, res: ServerResponse) => boolean;
  maxBodyBytes?: number;
  /** Answer 503 REQUEST_TIMEOUT when a GraphQL request takes longer (0 = no limit). */
  requestTimeoutMs?: number;
  /** Origins allowed by CORS (`*` for any); none = same-origin only. */
  corsOrigins?: string[];
  onRequest?: () => void;
  /** Extra check before GraphQL runs (e.g. the gateway's shared secret); returns an error to refuse. */
  guard?: (req: IncomingMessage) => { status: number; code: string; message: string } | undefined;
}

const CLOSING = Symbol('closing');
type ClosableServer = Server & { [CLOSING]?: boolean };

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function clientError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

class BodyTooLarge extends Error {
  constructor(readonly abort: boolean) {
    super('request body too large');
  }
}

/** Whether any string (or key) of a parsed JSON value contains U+0000; iterative, so deep nesting is fine. */
function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return true;
    } else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\u0000')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/**
 * Reads the body up to `limit` bytes. Past it, the rest is read and dropped (up to as much again, at
 * least 1 MB) so that the client, still sending, gets the 413 instead of a reset connection; a body
 * larger than that is cut (`abort`), the answer then closing the connection.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const drainLimit = limit + Math.max(limit, 1_000_000);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > drainLimit) return reject(new BodyTooLarge(true));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > drainLimit) {
        req.removeAllListeners('data');
        req.removeAllListeners('end');
        reject(new BodyTooLarge(true));
      }
    });
    req.on('end', () =>
      size > limit ? reject(new BodyTooLarge(false)) : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

export function createGraphqlHttpServer<Ctx extends BaseContext>(options: HttpOptions<Ctx>): Server {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const maxBody = options.maxBodyBytes ?? Number(process.env.MAX_BODY_BYTES ?? 1_000_000);

  const cors = options.corsOrigins ?? [];

  /** Sets the CORS headers of an allowed origin; returns whether it is allowed. */
  function applyCors(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (!origin || cors.length === 0) return false;
    if (cors.includes('*') || cors.includes(origin)) {
      res.setHeader('access-control-allow-origin', cors.includes('*') ? '*' : origin);
      res.setHeader('vary', 'Origin');
      return true;
    }
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // While shutting down, finish this request but do not keep its connection alive.
    if ((server as ClosableServer)[CLOSING]) res.setHeader('connection', 'close');
    const allowedOrigin = applyCors(req, res);
    if (req.method === 'OPTIONS' && cors.length) {
      // A foreign origin's preflight gets no CORS header at all (the browser then refuses the request).
      res.writeHead(
        204,
        !allowedOrigin
          ? {}
          : {
              'access-control-allow-methods': 'GET, POST, OPTIONS',
              'access-control-allow-headers':
                'content-type, authorization, apollo-require-preflight, x-apollo-operation-name',
              'access-control-max-age': '600',
            },
      );
      return void res.end();
    }
    if (url.pathname !== graphqlPath) {
      const route = options.routes?.[url.pathname];
      if (route && (req.method === 'GET' || req.method === 'HEAD')) return route(req, res, url);
      return clientError(
        res,
        404,
        'NOT_FOUND',
        `no route ${req.method} ${url.pathname}; GraphQL is served at ${graphqlPath}`,
      );
    }
    if (req.method === 'GET' && options.getGraphql?.(req, res)) return;
    const refusal = options.guard?.(req);
    if (refusal) return clientError(res, refusal.status, refusal.code, refusal.message);
    options.onRequest?.();

    let body: unknown;
    if (req.method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, maxBody);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          // Not read to its end: the connection cannot carry another request.
          if (error.abort) res.setHeader('connection', 'close');
          return clientError(res, 413, 'PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${maxBody} bytes`);
        }
        throw error;
      }
      const type = String(req.headers['content-type'] ?? '');
      if (type.includes('json')) {
        try {
          body = text.length ? JSON.parse(text) : {};
        } catch (error) {
          return clientError(res, 400, 'BAD_REQUEST', `request body is not valid JSON: ${(error as Error).message}`);
        }
        // PostgreSQL cannot store or compare text containing U+0000: refuse it here rather than fail in SQL.
        if (text.includes('\\u0000') && containsNul(body)) {
          return clientError(res, 400, 'BAD_USER_INPUT', 'strings may not contain the NUL character (\\u0000)');
        }
      } else body = text;
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const execution = options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => options.context(req),
    });
    const timeoutMs = options.requestTimeoutMs ?? 0;
    let timer: NodeJS.Timeout | undefined;
    const response =
      timeoutMs > 0
        ? await Promise.race([
            execution,
            new Promise<'timeout'>((resolve) => {
              timer = setTimeout(() => resolve('timeout'), timeoutMs);
            }),
          ])
        : await execution;
    clearTimeout(timer);
    // Shutdown may have begun while this request ran: close its connection once answered, or
    // server.close() would wait for the client to drop the idle keep-alive connection.
    if ((server as ClosableServer)[CLOSING]) res.setHeader('connection', 'close');
    if (response === 'timeout') {
      return clientError(
        res,
        503,
        'REQUEST_TIMEOUT',
        `request took longer than the limit of ${timeoutMs} ms and was abandoned`,
      );
    }
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Never leak internals: log here, answer with a generic error.
      console.error('http handler error:', error);
      if (!res.headersSent) clientError(res, 500, 'INTERNAL_SERVER_ERROR', 'internal error');
      else res.end();
    });
  });
  // An idle keep-alive connection is closed by the client first (Node's fetch after 4 s, load balancers after about
  // 60 s), never by the server: when both timers fall together (a busy event loop fires them late), a client would
  // send its request on a socket the server is closing, and get ECONNRESET for a request that never arrived.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

export function listen(server: Server, port: number, host = process.env.HOST ?? '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Graceful shutdown: stop accepting connections, let in-flight requests finish (their
 * connections then close), and cut whatever is still open after `graceMs`.
 */
export function closeServer(server: Server, graceMs = Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000)): Promise<void> {
  (server as ClosableServer)[CLOSING] = true;
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
