// Operator records beside the sample: an `origin` column ('SAMPLE' | 'OPERATOR'), a nullable `position`
// (rows written by an operator get theirs when their territory is renumbered, in the same transaction),
// and a guard trigger: a record's kind and origin never change (an operator's write can neither turn a
// sample record into its own nor a study into a loan, whatever path it takes — mutation or CSV import).
import { SqliteAdapter, sql, type Kysely, type Migration } from 'kysely';

const COLUMNS = [
  'reference',
  'position',
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
];

const isSqlite = (db: Kysely<any>) => db.getExecutor().adapter instanceof SqliteAdapter;

export const operatorRecords: Migration = {
  async up(db: Kysely<any>) {
    // SQLite cannot drop a NOT NULL constraint: the table is rebuilt (same steps on PostgreSQL, for one code path).
    await db.schema
      .createTable('engineering_record_v2')
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('position', 'integer', (c) => c.unique())
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
      )
      .execute();
    const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
    await sql`insert into engineering_record_v2 (${columns}, origin) select ${columns}, 'SAMPLE' from engineering_record`.execute(
      db,
    );
    await db.schema.dropTable('engineering_record').execute();
    await db.schema.alterTable('engineering_record_v2').renameTo('engineering_record').execute();
    await db.schema
      .createIndex('engineering_record_territory')
      .on('engineering_record')
      .columns(['territory_id', 'record_kind', 'position'])
      .execute();
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
    const message =
      'engineering_record: the kind and origin of a record never change (sample records are not writable; a reference belongs to one record kind)';
    if (isSqlite(db)) {
      await sql
        .raw(
          `create trigger engineering_record_guard before update on engineering_record
        when old.record_kind <> new.record_kind or old.origin <> new.origin
        begin select raise(abort, '${message}'); end`,
        )
        .execute(db);
    } else {
      await sql
        .raw(
          `create or replace function engineering_record_guard() returns trigger language plpgsql as $$
        begin
          if old.record_kind <> new.record_kind or old.origin <> new.origin then
            raise exception '${message}' using errcode = 'check_violation';
          end if;
          return new;
        end $$`,
        )
        .execute(db);
      await sql
        .raw(
          `create trigger engineering_record_guard before update on engineering_record
        for each row execute function engineering_record_guard()`,
        )
        .execute(db);
    }
  },
  async down(db: Kysely<any>) {
    await sql
      .raw('drop trigger if exists engineering_record_guard' + (isSqlite(db) ? '' : ' on engineering_record'))
      .execute(db);
    if (!isSqlite(db)) await sql.raw('drop function if exists engineering_record_guard()').execute(db);
    // The origin column stays (SQLite cannot drop a column under a CHECK); the operators' records go.
    await db.deleteFrom('engineering_record').where('origin', '=', 'OPERATOR').execute();
  },
};
