// Everything a subgraph process does besides its own schema and data: open the database,
// migrate, load, serve GraphQL with health and metrics routes.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import type { Kysely, Migration } from 'kysely';
import { secretMatches, verifyAuthorization, type Identity } from './auth.ts';
import { databaseSchemaFor, databaseUrlFor, openDatabase, type Database } from './database.ts';
import { writeDeadlineMs } from './deadline.ts';
import { formatError } from './errors.ts';
import { closeServer, createGraphqlHttpServer, listen, sendJson } from './http.ts';
import { ensureLoaded, migrate } from './migrations.ts';
import { changesSince } from './outbox.ts';
import type { KitDB, RecordSpec } from './records.ts';
import { subgraphEntry } from './registry.ts';

// The kit's view of a subgraph's tables; operators cast `database.db` through `unknown` to their own tables.
export type OperatorDB = KitDB;

export interface SubgraphContext extends BaseContext {
  /** The subgraph's database; operators narrow `database.db` to their own tables in `context`. */
  database: Database<OperatorDB>;
  /** The caller's verified identity (token forwarded by the gateway); verified on first use. */
  identity?: () => Promise<Identity | undefined>;
  /** The server's environment (PROGRAMME_URL, HUB_SHARED_SECRET…), for calls to other subgraphs; default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * What a resolver tells of the whole answer: `private` when it depends on the caller (governance names), so that
   * its Cache-Control says `private` and no shared cache serves it to someone else (`cacheHeaders`). Set by the server.
   */
  answer?: { private: boolean };
}

export interface SubgraphModule<Ctx extends SubgraphContext = SubgraphContext> {
  name: string;
  migrations: Record<string, Migration>;
  /** Changes whenever the loaded data would change (source files, scale factor). */
  dataVersion: () => string;
  /** Replaces the subgraph's data, inside the load transaction (method syntax: each operator types its own tables). */
  load(trx: Kysely<OperatorDB>): Promise<void>;
  resolvers: GraphQLResolverMap<Ctx>;
  /** HTTP cache lifetime of its answers, from the data's nature: reference data long, operator records short (default 60 s). */
  cacheMaxAgeSeconds?: number;
  /** Record kinds operators can write (mutations) and import (`npm run import`). */
  records?: RecordSpec[];
  /** Per-request context: fresh DataLoaders for each operation. */
  context(database: Database<OperatorDB>, req?: IncomingMessage): Ctx;
}

export interface PreparedSubgraph<Ctx extends SubgraphContext> {
  module: SubgraphModule<Ctx>;
  database: Database<OperatorDB>;
  apollo: ApolloServer<Ctx>;
  /** Number of GraphQL requests served over HTTP. */
  stats: { requests: number };
}

export function readSdl(name: string): string {
  return readFileSync(subgraphEntry(name).sdlFile, 'utf8');
}

export async function prepareDatabase<Ctx extends SubgraphContext>(
  module: SubgraphModule<Ctx>,
  options: { url?: string; schema?: string } = {},
): Promise<Database<OperatorDB>> {
  const database = await openDatabase<OperatorDB>({
    name: module.name,
    url: options.url ?? databaseUrlFor(module.name),
    schema: options.schema ?? databaseSchemaFor(module.name),
  });
  try {
    await migrate(database, module.name, module.migrations);
    await ensureLoaded(database, module.dataVersion(), module.load, module.records);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

export async function prepareSubgraph<Ctx extends SubgraphContext>(
  module: SubgraphModule<Ctx>,
  database: Database<OperatorDB>,
): Promise<PreparedSubgraph<Ctx>> {
  // A bad WRITE_DEADLINE_MS stops the start, rather than every write later.
  writeDeadlineMs();
  const schema = buildSubgraphSchema({
    typeDefs: parse(readSdl(module.name)),
    resolvers: module.resolvers as GraphQLResolverMap<unknown>,
  });
  const apollo = new ApolloServer<Ctx>({
    schema,
    // runSubgraph stops the HTTP server, Apollo and the database in that order; Apollo's own signal
    // handler would re-raise the signal and kill the process half-way.
    stopOnTerminationSignals: false,
    // The default landing page loads from a CDN; analysts use the gateway's GraphiQL instead.
    // No Apollo Studio here: inline traces would only cost time on every request.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      cacheHeaders<Ctx>(module.cacheMaxAgeSeconds ?? 60),
    ],
    includeStacktraceInErrorResponses: process.env.NODE_ENV !== 'production',
    formatError: formatError(process.env.NODE_ENV === 'production'),
  });
  await apollo.start();
  return { module, database, apollo, stats: { requests: 0 } };
}

/**
 * The Cache-Control header of every answer, which the gateway combines into its own and its read cache obeys: the
 * module's max age, `public` unless a resolver marked the answer private (`context.answer`); `no-store` for answers
 * with errors and for writes. One hint per answer, as the modules give one per subgraph: Apollo's cache-control plugin
 * computed the same header from a hint per resolved field, 9-21 % of a subgraph's CPU (bench/OPTIMISATIONS.md).
 */
function cacheHeaders<Ctx extends SubgraphContext>(maxAgeSeconds: number): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operation }) {
          const cacheable =
            maxAgeSeconds > 0 &&
            operation?.operation === 'query' &&
            response.body.kind === 'single' &&
            !response.body.singleResult.errors;
          response.http.headers.set(
            'cache-control',
            cacheable ? `max-age=${maxAgeSeconds}, ${contextValue.answer?.private ? 'private' : 'public'}` : 'no-store',
          );
        },
      };
    },
  };
}

/** With HUB_SHARED_SECRET set, only the gateway (which sends it) may query, unless ALLOW_DIRECT_ACCESS=true. */
export function gatewayGuard(env: NodeJS.ProcessEnv = process.env, route?: '/metrics' | '/outbox') {
  const secret = env.HUB_SHARED_SECRET;
  if (!secret || env.ALLOW_DIRECT_ACCESS === 'true') return undefined;
  const message = route
    ? `${route} needs the hub's shared secret: send it in the x-hub-gateway-secret header`
    : 'this subgraph only answers the hub gateway (missing or wrong x-hub-gateway-secret); set ALLOW_DIRECT_ACCESS=true to open it';
  return (req: IncomingMessage) =>
    secretMatches(req.headers['x-hub-gateway-secret'] as string | undefined, secret)
      ? undefined
      : { status: 401, code: 'UNAUTHENTICATED', message };
}

export function subgraphHttpServer<Ctx extends SubgraphContext>(
  prepared: PreparedSubgraph<Ctx>,
  env: NodeJS.ProcessEnv = process.env,
): Server {
  const { module, database, apollo, stats } = prepared;
  // Metrics tell traffic and memory: with HUB_SHARED_SECRET set they need it, even with ALLOW_DIRECT_ACCESS=true.
  const metricsGuard = gatewayGuard({ ...env, ALLOW_DIRECT_ACCESS: undefined }, '/metrics');
  // The outbox tells what changed where: for the gateways only, like the metrics.
  const outboxGuard = gatewayGuard({ ...env, ALLOW_DIRECT_ACCESS: undefined }, '/outbox');
  return createGraphqlHttpServer<Ctx>({
    apollo,
    guard: gatewayGuard(env),
    context: async (req) => {
      let identity: Promise<Identity | undefined> | undefined;
      return {
        ...module.context(database, req),
        identity: () => (identity ??= verifyAuthorization(req.headers.authorization, env)),
        env,
        answer: { private: false },
      };
    },
    onRequest: () => stats.requests++,
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', subgraph: module.name, pid: process.pid }),
      '/ready': async (_req, res) => {
        try {
          await database.db.selectFrom('load_state').select('version').executeTakeFirst();
          sendJson(res, 200, { status: 'ready', subgraph: module.name });
        } catch {
          sendJson(res, 503, { status: 'unavailable', subgraph: module.name, reason: 'database unreachable' });
        }
      },
      // What writes, imports and loads changed after `since` (runtime/outbox.ts): the gateways' caches poll it.
      '/outbox': async (req, res, url) => {
        const refusal = outboxGuard?.(req);
        if (refusal)
          return sendJson(res, refusal.status, {
            errors: [{ message: refusal.message, extensions: { code: refusal.code } }],
          });
        const since = Number(url.searchParams.get('since') ?? 0);
        if (!Number.isSafeInteger(since) || since < 0)
          return sendJson(res, 400, {
            errors: [{ message: '"since" must be a whole number ≥ 0', extensions: { code: 'BAD_USER_INPUT' } }],
          });
        try {
          sendJson(res, 200, { subgraph: module.name, ...(await changesSince(database.db, since)) });
        } catch {
          sendJson(res, 503, { status: 'unavailable', subgraph: module.name, reason: 'database unreachable' });
        }
      },
      '/metrics': (req, res) => {
        const refusal = metricsGuard?.(req);
        if (refusal)
          return sendJson(res, refusal.status, {
            errors: [{ message: refusal.message, extensions: { code: refusal.code } }],
          });
        sendJson(res, 200, {
          subgraph: module.name,
          requests: stats.requests,
          sqlStatements: database.stats.statements,
          memory: process.memoryUsage(),
        });
      },
    },
  });
}

/** Connection failures worth waiting for (the database is starting, restarting or not reachable yet). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P03', // PostgreSQL: the database system is starting up
  '53300', // PostgreSQL: too many connections
]);

export function isUnreachable(error: unknown): boolean {
  const e = error as { code?: string; errors?: { code?: string }[] } | undefined;
  return UNREACHABLE.has(e?.code ?? '') || !!e?.errors?.some((inner) => UNREACHABLE.has(inner?.code ?? ''));
}

/** The reason in one line: pg's AggregateError (IPv4 and IPv6 both refused) has an empty message. */
function reason(error: unknown): string {
  const e = error as Error & { code?: string; errors?: Error[] };
  return e.message || e.errors?.map((inner) => inner.message).join(', ') || e.code || String(error);
}

/**
 * Opens, migrates and loads the database, retrying with backoff (1 s doubling to `DATABASE_RETRY_MAX_MS`,
 * 30 s) while it is unreachable: one log line when it first fails, one when it is back. Other errors
 * (a failed migration, bad data) are not waited for.
 */
export async function prepareDatabaseWithRetry<Ctx extends SubgraphContext>(
  module: SubgraphModule<Ctx>,
  onWaiting: (reason: string) => void = () => {},
): Promise<Database<OperatorDB>> {
  const maxDelay = Number(process.env.DATABASE_RETRY_MAX_MS ?? 30_000);
  for (let attempt = 1; ; attempt++) {
    try {
      const database = await prepareDatabase(module);
      if (attempt > 1) console.log(`${module.name}: database reachable after ${attempt} attempts`);
      return database;
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      const why = `database unreachable (${reason(error)})`;
      if (attempt === 1)
        console.error(
          `${module.name}: ${why}; retrying with backoff (up to ${maxDelay / 1000} s), not ready meanwhile`,
        );
      onWaiting(why);
      await new Promise((r) => setTimeout(r, Math.min(maxDelay, 1000 * 2 ** (attempt - 1))));
    }
  }
}

/**
 * Entry point of `subgraphs/<name>/main.ts`: listen at once (/health answers 200, /ready 503 and GraphQL
 * 503 until the database is open and loaded), prepare, serve, stop cleanly on SIGINT/SIGTERM.
 */
export async function runSubgraph<Ctx extends SubgraphContext>(module: SubgraphModule<Ctx>): Promise<void> {
  const entry = subgraphEntry(module.name);
  const port = Number(process.env.PORT ?? entry.port);
  let status = 'starting: opening and loading the database';
  let serving: Server | undefined;
  // Until the subgraph is prepared, a small front answers; then every request goes to the real server.
  const server = createServer((req, res) => {
    if (serving) return void serving.emit('request', req, res);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/health') return sendJson(res, 200, { status: 'ok', subgraph: module.name, pid: process.pid });
    sendJson(res, 503, {
      status: 'unavailable',
      subgraph: module.name,
      reason: status,
      errors: [{ message: `subgraph ${module.name} is not ready: ${status}`, extensions: { code: 'NOT_READY' } }],
    });
  });
  const bound = await listen(server, port);
  const url = `http://${process.env.HOST ?? '127.0.0.1'}:${bound}/graphql`;
  console.log(`${module.name} subgraph listening at ${url} (pid ${process.pid}), preparing its database`);

  let prepared: PreparedSubgraph<Ctx> | undefined;
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await closeServer(server);
    if (prepared) {
      await prepared.apollo.stop();
      await prepared.database.close();
    }
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  let database: Database<OperatorDB>;
  try {
    database = await prepareDatabaseWithRetry(module, (why) => (status = why));
  } catch (error) {
    console.error(`${module.name}: cannot prepare the database: ${reason(error)}`);
    process.exit(1);
  }
  if (stopping) return;
  prepared = await prepareSubgraph(module, database);
  serving = subgraphHttpServer(prepared);
  console.log(`${module.name} subgraph ready at ${url} (${database.describe})`);
}
