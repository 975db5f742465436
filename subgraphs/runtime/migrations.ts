import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { advisoryKey, insertMany, type Database } from './database.ts';
import { forgetReferences } from './loaders.ts';
import { recordChange, type OutboxRow } from './outbox.ts';
import type { KitDB, RecordSpec } from './records.ts';
import { invalidateSummaries, rebuildSummaries, summarised, summariesCurrent, summaryMigration } from './summaries.ts';

/**
 * Tables every subgraph has: provenance of its datasets and the state of its data load.
 * Prefixed `000_` so they run before the subgraph's own versioned migrations.
 */
export const runtimeMigrations: Record<string, Migration> = {
  '000_runtime_dataset': {
    // A migration, typed on Kysely<any> like every migration (written against the schema of its day).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('dataset')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('publisher', 'text', (c) => c.notNull())
        .addColumn('licence', 'text', (c) => c.notNull())
        .addColumn('url', 'text')
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('nature', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute();
      await db.schema
        .createTable('load_state')
        .ifNotExists()
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('loaded_at', 'text', (c) => c.notNull())
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.dropTable('load_state').ifExists().execute();
      await db.schema.dropTable('dataset').ifExists().execute();
    },
  },
  // What every write, import and load touched, in its own transaction: the gateways' read caches catch up
  // from it (runtime/outbox.ts). Sorts before the operators' migrations; hence `allowUnorderedMigrations`.
  '000_runtime_outbox': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('hub_outbox')
        .ifNotExists()
        // Numbered by outbox.ts in commit order (max + 1 under a lock), not by a sequence: see there why.
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        // JSON array of territory ids, or NULL when the change may concern any territory (a load).
        .addColumn('territories', 'text')
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.dropTable('hub_outbox').ifExists().execute();
    },
  },
  // The record kit's summary tables (runtime/summaries.ts).
  '000_runtime_summary': summaryMigration,
};

/** Runs the runtime's and the subgraph's migrations, recorded in `<name>_migration`. */
export async function migrate<DB>(
  database: Database<DB>,
  name: string,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => ({ ...runtimeMigrations, ...migrations }) },
    migrationTableName: `${name}_migration`,
    migrationLockTableName: `${name}_migration_lock`,
    // The kit's own tables (000_runtime_*) may be added after an operator's migrations already ran.
    allowUnorderedMigrations: true,
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`${name}: migration ${failed ?? ''} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

export interface DatasetRow {
  id: string;
  title: string;
  publisher: string;
  licence: string;
  url: string | null;
  date: string;
  nature: 'REAL' | 'DERIVED' | 'SAMPLE';
  note: string | null;
}

/** The runtime's tables, in every subgraph's database. */
export interface RuntimeDB {
  dataset: DatasetRow;
  load_state: { key: string; version: string; loaded_at: string };
  hub_outbox: OutboxRow;
}

/**
 * Loads the subgraph's data once per version: skipped when `load_state` already holds
 * `version`, otherwise `load` runs inside one transaction, so a failed load keeps nothing.
 *
 * Replicas starting together: on PostgreSQL the check is repeated inside the transaction under an
 * advisory lock keyed by the schema, so the second replica waits for the first one's load and then
 * finds it done. SQLite is one process per file (replicas need PostgreSQL): nothing to race with.
 */
export async function ensureLoaded<DB>(
  database: Database<DB>,
  version: string,
  load: (trx: Kysely<DB>) => Promise<void>,
  records: RecordSpec[] = [],
): Promise<'loaded' | 'up-to-date'> {
  const loadedVersion = async (db: Kysely<RuntimeDB>) =>
    (await db.selectFrom('load_state').select('version').where('key', '=', 'data').executeTakeFirst())?.version;
  if ((await loadedVersion(database.db as unknown as Kysely<RuntimeDB>)) === version) {
    await ensureSummaries(database, records);
    return 'up-to-date';
  }
  const outcome = await database.db.transaction().execute(async (t) => {
    const trx = t as unknown as Kysely<RuntimeDB>;
    if (database.dialect === 'postgres' && database.schema)
      await sql`SELECT pg_advisory_xact_lock(hashtext(${advisoryKey('load', database.schema)}))`.execute(trx);
    if ((await loadedVersion(trx)) === version) return 'up-to-date' as const;
    await load(t);
    // The load replaced records: their summaries are rebuilt in the same transaction, never served stale.
    for (const spec of summarised(records)) await rebuildSummaries(t as unknown as Kysely<KitDB>, spec);
    await recordChange(t, { kind: 'load', territories: null });
    await trx.deleteFrom('load_state').where('key', '=', 'data').execute();
    await trx.insertInto('load_state').values({ key: 'data', version, loaded_at: new Date().toISOString() }).execute();
    return 'loaded' as const;
  });
  // Reference rows this process read before are those of the previous load.
  if (outcome === 'loaded') forgetReferences(database.db);
  return outcome;
}

/**
 * Rebuilds the summaries of the kinds whose summary version changed, or that a migration marked out of date (under
 * the load's advisory lock on PostgreSQL, so replicas starting together rebuild once).
 */
async function ensureSummaries<DB>(database: Database<DB>, records: RecordSpec[]): Promise<void> {
  const db = database.db as unknown as Kysely<KitDB>;
  const stale: RecordSpec[] = [];
  for (const spec of summarised(records)) if (!(await summariesCurrent(db, spec))) stale.push(spec);
  if (stale.length === 0) return;
  await database.db.transaction().execute(async (t) => {
    const trx = t as unknown as Kysely<KitDB>;
    if (database.dialect === 'postgres' && database.schema)
      await sql`SELECT pg_advisory_xact_lock(hashtext(${advisoryKey('load', database.schema)}))`.execute(trx);
    for (const spec of stale) if (!(await summariesCurrent(trx, spec))) await rebuildSummaries(trx, spec);
    await recordChange(t, { kind: 'summaries', territories: null });
  });
}

/** Replaces the provenance rows of a subgraph (inside its load transaction). */
export async function writeDatasets<DB>(db: Kysely<DB>, datasets: DatasetRow[]): Promise<void> {
  const trx = db as unknown as Kysely<RuntimeDB>;
  await trx.deleteFrom('dataset').execute();
  if (datasets.length) await trx.insertInto('dataset').values(datasets).execute();
}

/** A catalogue service an operator no longer lists, and why (kept with each retired record). */
export interface RetiredService {
  /** Record table whose `service_id` names it. */
  table: string;
  serviceId: string;
  reason: string;
}

/**
 * For a migration that follows a catalogue service's removal: the operator's own records (origin OPERATOR) that
 * still name it leave their table for `retired_record`, whole (the row as JSON), with the reason. They are no longer
 * served nor counted (a served record must name a service of the operator's catalogue), and stay readable in the
 * database for the operator to declare again under the right service, possibly in another subgraph (records cannot
 * move across databases). Generated rows (origin SAMPLE) are left to the next sample reload, which replaces them.
 * Returns how many records each service retired (logged, so whoever upgrades sees it).
 */
export async function retireServiceRecords(
  db: Kysely<KitDB>,
  subgraph: string,
  services: RetiredService[],
): Promise<Record<string, number>> {
  await db.schema
    .createTable('retired_record')
    .ifNotExists()
    .addColumn('table_name', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('retired_record_pk', ['table_name', 'reference'])
    .execute();
  const retiredAt = new Date().toISOString();
  const counts: Record<string, number> = {};
  for (const { table, serviceId, reason } of services) {
    const rows = (await db
      .selectFrom(table)
      .selectAll()
      .where('service_id', '=', serviceId)
      .where('origin', '=', 'OPERATOR')
      .orderBy('reference')
      .execute()) as Record<string, unknown>[];
    counts[serviceId] = (counts[serviceId] ?? 0) + rows.length;
    if (rows.length === 0) continue;
    await insertMany(
      db,
      'retired_record',
      rows.map((row) => ({
        table_name: table,
        reference: String(row.reference),
        service_id: serviceId,
        reason,
        retired_at: retiredAt,
        record: JSON.stringify(row),
      })),
    );
    await db.deleteFrom(table).where('service_id', '=', serviceId).where('origin', '=', 'OPERATOR').execute();
    // The records left outside the kit: every kind's summaries are rebuilt at the next start.
    await invalidateSummaries(db, null);
    console.warn(
      `[${subgraph}] ${rows.length} declared record(s) of ${table} named ${serviceId}, no longer in the catalogue ` +
        `(${reason}): moved to table retired_record, no longer served (references ${rows
          .slice(0, 10)
          .map((r) => String(r.reference))
          .join(', ')}${rows.length > 10 ? ', …' : ''})`,
    );
  }
  return counts;
}

export { sql };
