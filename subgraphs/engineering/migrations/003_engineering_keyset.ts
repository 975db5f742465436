import { SqliteAdapter, sql, type Kysely, type Migration } from 'kysely';

const KEPT = [
  'reference',
  'territory_id',
  'phase',
  'region_code',
  'record_kind',
  'service_id',
  'amount_eur',
  'date',
  'year',
  'status',
  'beneficiary_siren',
  'beneficiary_name',
  'title',
  'study_kind',
  'cofunding_rate',
  'months',
  'naf',
  'green',
  'purpose',
  'duration_years',
  'origin',
].join(', ');

const isSqlite = (db: Kysely<any>) => db.getExecutor().adapter instanceof SqliteAdapter;
const GUARD_MESSAGE =
  'engineering_record: the kind and origin of a record never change (sample records are not writable; a reference belongs to one record kind)';

/** The guard of migration 002 (a record's kind and origin never change); SQLite drops it with the table. */
async function createGuard(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    await sql
      .raw(
        `create trigger engineering_record_guard before update on engineering_record
        when old.record_kind <> new.record_kind or old.origin <> new.origin
        begin select raise(abort, '${GUARD_MESSAGE}'); end`,
      )
      .execute(db);
  } else {
    await sql
      .raw(
        `create trigger engineering_record_guard before update on engineering_record
        for each row execute function engineering_record_guard()`,
      )
      .execute(db);
  }
}

async function createIndexes(db: Kysely<any>, order: string[]): Promise<void> {
  await db.schema.createIndex('engineering_record_territory').on('engineering_record').columns(order).execute();
  await db.schema
    .createIndex('engineering_record_territory_service')
    .on('engineering_record')
    .columns(['territory_id', 'service_id'])
    .execute();
  await db.schema
    .createIndex('engineering_record_phase')
    .on('engineering_record')
    .columns(['phase', 'region_code'])
    .execute();
  await db.schema
    .createIndex('engineering_record_origin')
    .on('engineering_record')
    .columns(['origin', 'territory_id'])
    .execute();
}

function recordTable(db: Kysely<any>, name: string, withPosition: boolean) {
  let table = db.schema.createTable(name).addColumn('reference', 'text', (c) => c.primaryKey());
  if (withPosition) table = table.addColumn('position', 'integer', (c) => c.unique());
  return table
    .addColumn('territory_id', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('record_kind', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('amount_eur', 'double precision', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('beneficiary_siren', 'text', (c) => c.notNull())
    .addColumn('beneficiary_name', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('study_kind', 'text')
    .addColumn('cofunding_rate', 'double precision')
    .addColumn('months', 'integer')
    .addColumn('naf', 'text')
    .addColumn('green', 'integer')
    .addColumn('purpose', 'text')
    .addColumn('duration_years', 'integer')
    .addColumn('origin', 'text', (c) =>
      c
        .notNull()
        .defaultTo('SAMPLE')
        .check(sql`origin in ('SAMPLE', 'OPERATOR')`),
    );
}

/**
 * Keyset pagination (record kit): a kind's pages walk (territory_id, record_kind, date, reference), so the stored
 * `position` goes, with its renumbering after every write. SQLite cannot drop a UNIQUE column: the table is rebuilt
 * (on both dialects, one code path) and its guard trigger recreated. `service_axis` lets the kit's `axis` filter run
 * in SQL (filled from the catalogue by the load).
 */
export const engineeringKeyset: Migration = {
  async up(db: Kysely<any>) {
    await recordTable(db, 'engineering_record_v3', false).execute();
    await sql.raw(`insert into engineering_record_v3 (${KEPT}) select ${KEPT} from engineering_record`).execute(db);
    await db.schema.dropTable('engineering_record').execute();
    await db.schema.alterTable('engineering_record_v3').renameTo('engineering_record').execute();
    // The pages' order within a territory and kind; summaries group per service.
    await createIndexes(db, ['territory_id', 'record_kind', 'date', 'reference']);
    await createGuard(db);
    await db.schema
      .createTable('service_axis')
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('axis', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('service_axis_pk', ['service_id', 'axis'])
      .execute();
    await db.schema.createIndex('service_axis_axis').on('service_axis').column('axis').execute();
  },
  async down(db: Kysely<any>) {
    // Back to the 002 shape: positions numbered in (territory, kind, date, reference) order, unique; the 002-era load
    // renumbers them in its blocks on its first run (its data version differs).
    await db.schema.dropTable('service_axis').ifExists().execute();
    await recordTable(db, 'engineering_record_v2', true).execute();
    await sql
      .raw(
        `insert into engineering_record_v2 (${KEPT}, position)
         select ${KEPT}, row_number() over (order by territory_id, case record_kind
           when 'ENGINEERING_SUPPORT' then 0 when 'PROJECT_MANAGER_COFUNDING' then 1 when 'VTE_AID' then 2 else 3 end,
           date, reference) from engineering_record`,
      )
      .execute(db);
    await db.schema.dropTable('engineering_record').execute();
    await db.schema.alterTable('engineering_record_v2').renameTo('engineering_record').execute();
    await createIndexes(db, ['territory_id', 'record_kind', 'position']);
    await createGuard(db);
  },
};
