// No write that lies: a write gets a deadline below the gateway's subgraph timeout, checked just before
// COMMIT. A write that would finish after the gateway has told the client "failed" is rolled back instead.
// The gateway never retries a mutation (gateway/datasource.ts sends each subgraph fetch once; Apollo's
// RemoteGraphQLDataSource has no retry), so a failed write is never replayed behind the client's back.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.ts';
import { clientError } from './errors.ts';

const GATEWAY_TIMEOUT_DEFAULT_MS = 5_000;
const WRITE_DEADLINE_DEFAULT_MS = 4_000;

/** WRITE_DEADLINE_MS (default 4000), validated: a whole number of ms, below SUBGRAPH_TIMEOUT_MS (default 5000). */
export function writeDeadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  const gateway = Number(env.SUBGRAPH_TIMEOUT_MS ?? GATEWAY_TIMEOUT_DEFAULT_MS);
  const raw = env.WRITE_DEADLINE_MS;
  const deadline = raw === undefined || raw === '' ? Math.min(WRITE_DEADLINE_DEFAULT_MS, gateway - 500) : Number(raw);
  if (!Number.isInteger(deadline) || deadline < 50 || deadline >= gateway) {
    throw new Error(
      `WRITE_DEADLINE_MS must be a whole number of milliseconds from 50 to below SUBGRAPH_TIMEOUT_MS (${gateway}); got "${raw}"`,
    );
  }
  return deadline;
}

function timedOut(ms: number) {
  return clientError(
    'REQUEST_TIMEOUT',
    `the write did not finish within ${ms} ms (WRITE_DEADLINE_MS) and was rolled back: nothing was written; it is safe to send it again`,
  );
}

/** PostgreSQL's codes for statement_timeout (57014) and idle_in_transaction_session_timeout (25P03). */
const PG_TIMEOUTS = new Set(['57014', '25P03']);

/**
 * Runs `work` in one transaction that commits only if it is done before the deadline. The clock starts before
 * the transaction is opened: waiting for a lock or for SQLite's single connection counts too.
 */
export async function writeTransaction<DB, T>(
  database: Database<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const ms = writeDeadlineMs(env);
  const deadline = Date.now() + ms;
  try {
    return await database.db.transaction().execute(async (trx) => {
      const left = Math.floor(deadline - Date.now());
      if (left <= 0) throw timedOut(ms);
      if (database.dialect === 'postgres') {
        // The server stops a statement, or a transaction left idle, that would outlive the deadline.
        await sql`set local statement_timeout = ${sql.lit(left)}`.execute(trx as Kysely<DB>);
        await sql`set local idle_in_transaction_session_timeout = ${sql.lit(left)}`.execute(trx as Kysely<DB>);
      }
      const result = await work(trx);
      // Last check before COMMIT: throwing here rolls the transaction back.
      if (Date.now() >= deadline) throw timedOut(ms);
      return result;
    });
  } catch (error) {
    // Whatever failed once the deadline had passed (PostgreSQL's timeouts, a connection it ended), the write
    // was rolled back and the client must hear that it timed out.
    if (PG_TIMEOUTS.has(String((error as { code?: unknown }).code)) || Date.now() >= deadline) throw timedOut(ms);
    throw error;
  }
}
