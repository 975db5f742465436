// Test harness: a subgraph on a throw-away database (in-memory SQLite, or a fresh PostgreSQL
// schema when DATABASE_URL is set), executed in-process or over HTTP, counting SQL statements.
import type { Server } from 'node:http';
import { testSchema } from './schemas.ts';
import { isPostgresUrl } from '../../subgraphs/runtime/database.ts';
import { closeServer, listen } from '../../subgraphs/runtime/http.ts';
import {
  prepareDatabase,
  prepareSubgraph,
  subgraphHttpServer,
  type PreparedSubgraph,
  type SubgraphContext,
  type SubgraphModule,
} from '../../subgraphs/runtime/subgraph.ts';

export const POSTGRES_URL = isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;
export const DIALECT = POSTGRES_URL ? 'postgres' : 'sqlite';

export interface Result<T = unknown> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
  statements: number;
}

export interface TestSubgraph<Ctx extends SubgraphContext = SubgraphContext> {
  prepared: PreparedSubgraph<Ctx>;
  /** Runs an operation in-process; `statements` = SQL statements it sent. */
  execute<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<Result<T>>;
  /** Serves over HTTP on an ephemeral port (with `env`: JWT key, gateway secret…); returns the GraphQL URL. */
  listen(env?: NodeJS.ProcessEnv): Promise<string>;
  /** Resolves when no HTTP request is in flight (so that counters read afterwards are final). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestSubgraph<Ctx extends SubgraphContext>(
  module: SubgraphModule<Ctx>,
  /** Another database than a throw-away one, e.g. a SQLite file that a CLI process writes too. */
  at?: { url: string; schema?: string },
): Promise<TestSubgraph<Ctx>> {
  // Dropped when the whole run ends (test/support/schemas.ts says why).
  const schema = at ? at.schema : POSTGRES_URL ? testSchema(module.name) : undefined;
  const database = await prepareDatabase(module, { url: at?.url ?? POSTGRES_URL ?? 'sqlite::memory:', schema });
  const prepared = await prepareSubgraph(module, database);
  let server: Server | undefined;
  let stopping: Promise<void> | undefined;
  const inFlight = new InFlight();
  return {
    prepared,
    settled: () => inFlight.settled(),
    async execute<T>(query: string, variables?: Record<string, unknown>): Promise<Result<T>> {
      const before = database.stats.statements;
      const response = await prepared.apollo.executeOperation(
        { query, variables },
        { contextValue: module.context(database) },
      );
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      const { data, errors } = response.body.singleResult;
      return { data: data as T, errors: errors as Result['errors'], statements: database.stats.statements - before };
    },
    async listen(env = process.env) {
      server = subgraphHttpServer(prepared, env);
      trackInFlight(server, inFlight);
      const port = await listen(server, 0);
      return `http://127.0.0.1:${port}/graphql`;
    },
    // Idempotent: a test may stop one subgraph of a hub (to prove the others cope), and the hub's stop() stops it again.
    stop() {
      stopping ??= (async () => {
        if (server) await closeServer(server);
        await prepared.apollo.stop();
        await database.close();
      })();
      return stopping;
    },
  };
}

/** Counts a server's requests from their arrival until their answer is closed. */
export class InFlight {
  count = 0;
  private waiters: (() => void)[] = [];
  begin(): void {
    this.count++;
  }
  end(): void {
    if (--this.count === 0) for (const resolve of this.waiters.splice(0)) resolve();
  }
  settled(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export function trackInFlight(server: Server, inFlight: InFlight): void {
  server.on('request', (_req, res) => {
    inFlight.begin();
    res.once('close', () => inFlight.end());
  });
}

/** What tests read of a /health or /ready answer (gateway or subgraph). */
export interface ProbeAnswer {
  status: string;
  subgraph?: string;
  pid?: number;
  reason?: string;
  missing?: string[];
  subgraphs?: { name: string; reachable: boolean }[];
}

/** POSTs a GraphQL operation over HTTP. */
export async function post<T = unknown>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: T; errors?: Result['errors'] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`non-JSON response ${response.status}: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, ...body };
}
