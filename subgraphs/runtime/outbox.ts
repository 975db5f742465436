// The outbox: every write, import and load records what it touched (record kind, territories) in the subgraph's
// own database, in the same transaction. The gateways' read caches (gateway/cache.ts) read it through the
// subgraph's /outbox route and drop what changed, so a change made without any gateway (a CLI import) or while
// Redis was down still reaches them once they poll again: the outbox, not a message, is the source of truth.
//
// A reader asks for "changes since N", so numbers must appear in commit order: a PostgreSQL sequence does not
// (a transaction may take 5, another 6 and commit first; a reader that saw 6 would then skip 5 for ever).
// So each transaction numbers its change max + 1 while holding an EXCLUSIVE lock on the table until it commits
// (readers are not blocked; writers wait only for each other's commit). SQLite writes one transaction at a time.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './database.ts';

export interface OutboxRow {
  seq: number;
  kind: string;
  /** JSON array of territory ids; NULL when the change may concern any territory (a data load). */
  territories: string | null;
  at: string;
}

export interface OutboxChange {
  seq: number;
  kind: string;
  /** Territories touched; null: any. */
  territories: string[] | null;
}

type OutboxDB = { hub_outbox: OutboxRow };

/** Records one change inside the caller's transaction; call it last, just before the commit (it takes the lock). */
export async function recordChange<DB>(
  trx: Kysely<DB>,
  change: { kind: string; territories: Iterable<unknown> | null },
): Promise<void> {
  const db = trx as unknown as Kysely<OutboxDB>;
  if (isPostgres(db)) await sql`lock table hub_outbox in exclusive mode`.execute(db);
  const territories =
    change.territories === null
      ? null
      : JSON.stringify(
          [...new Set([...change.territories].filter((t) => t !== null && t !== undefined).map(String))].sort(),
        );
  await db
    .insertInto('hub_outbox')
    .columns(['seq', 'kind', 'territories', 'at'])
    .expression(
      db
        .selectFrom('hub_outbox')
        .select([
          sql<number>`coalesce(max(seq), 0) + 1`.as('seq'),
          sql.val(change.kind).as('kind'),
          sql.val(territories).as('territories'),
          sql.val(new Date().toISOString()).as('at'),
        ]),
    )
    .execute();
  // A gateway needs only the last number (any change drops that subgraph's entries), so the table keeps the last
  // KEEP changes, for inspection, instead of growing with every write.
  await db
    .deleteFrom('hub_outbox')
    .where('seq', '<=', db.selectFrom('hub_outbox').select(sql<number>`max(seq) - ${sql.lit(KEEP)}`.as('floor')))
    .execute();
}

/** Changes kept in the outbox. */
export const KEEP = 1000;

/** Records the rows a record kind's write or import touched (their territories, from `territoryColumn`). */
export function recordRows<DB>(
  trx: Kysely<DB>,
  spec: { kind: string; territoryColumn?: string },
  rows: Record<string, unknown>[],
): Promise<void> {
  const column = spec.territoryColumn;
  return recordChange(trx, { kind: spec.kind, territories: column ? rows.map((r) => r[column]) : null });
}

/** The last number recorded (0: none yet) and the changes after `since` up to it (the first `limit`). */
export async function changesSince<DB>(
  db: Kysely<DB>,
  since: number,
  limit = 1000,
): Promise<{ last: number; changes: OutboxChange[] }> {
  const outbox = db as unknown as Kysely<OutboxDB>;
  // The last number first, then the rows up to it: every number up to a visible one is committed (commit order).
  const top = await outbox
    .selectFrom('hub_outbox')
    .select(sql<number | null>`max(seq)`.as('last'))
    .executeTakeFirst();
  const last = Number(top?.last ?? 0);
  const rows =
    last > since
      ? await outbox
          .selectFrom('hub_outbox')
          .select(['seq', 'kind', 'territories'])
          .where('seq', '>', since)
          .where('seq', '<=', last)
          .orderBy('seq')
          .limit(limit)
          .execute()
      : [];
  return {
    last,
    changes: rows.map((r) => ({
      seq: Number(r.seq),
      kind: r.kind,
      territories: r.territories === null ? null : (JSON.parse(r.territories) as string[]),
    })),
  };
}
