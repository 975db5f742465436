// Operator records (Business France writes through the hub) beside the generated sample:
// - `origin` ('SAMPLE' | 'OPERATOR', default 'SAMPLE') tells them apart, so that a sample reload
//   replaces only the sample rows;
// - `position` becomes nullable: a record written by the operator gets its place in the territory's
//   list in the same transaction (see positions.ts), after the insert.
// SQLite cannot drop a NOT NULL constraint, so each table is rebuilt (create, copy, drop, rename).
import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';

const COMMON = ['reference', 'territory_id', 'phase', 'region_code', 'service_id', 'date', 'year', 'position'] as const;

function recordColumns<T extends string>(table: CreateTableBuilder<T, never>) {
  return (
    table
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('territory_id', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('region_code', 'text', (c) => c.notNull())
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('year', 'integer', (c) => c.notNull())
      // NULL only inside a write transaction, between the insert and the renumbering of the territory.
      .addColumn('position', 'integer', (c) => c.unique())
      .addColumn('origin', 'text', (c) =>
        c
          .notNull()
          .defaultTo('SAMPLE')
          .check(sql`origin in ('SAMPLE', 'OPERATOR')`),
      )
  );
}

const TABLES: Record<string, { columns: string[]; create: (db: Kysely<any>, name: string) => Promise<void> }> = {
  investment_project: {
    columns: [
      'investor_name',
      'investor_country',
      'sector',
      'naf',
      'kind',
      'jobs_created',
      'jobs_saved',
      'investment_eur',
      'status',
    ],
    create: (db, name) =>
      recordColumns(db.schema.createTable(name))
        .addColumn('investor_name', 'text', (c) => c.notNull())
        .addColumn('investor_country', 'text', (c) => c.notNull())
        .addColumn('sector', 'text', (c) => c.notNull())
        .addColumn('naf', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('jobs_created', 'integer', (c) => c.notNull())
        .addColumn('jobs_saved', 'integer', (c) => c.notNull())
        .addColumn('investment_eur', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .execute()
        .then(() => undefined),
  },
  export_support: {
    columns: ['company_siren', 'company_name', 'naf', 'offer', 'target_country', 'status'],
    create: (db, name) =>
      recordColumns(db.schema.createTable(name))
        .addColumn('company_siren', 'text', (c) => c.notNull())
        .addColumn('company_name', 'text', (c) => c.notNull())
        .addColumn('naf', 'text', (c) => c.notNull())
        .addColumn('offer', 'text', (c) => c.notNull())
        .addColumn('target_country', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .execute()
        .then(() => undefined),
  },
  site_promotion: {
    columns: ['site_name', 'commune_name', 'hectares', 'event'],
    create: (db, name) =>
      recordColumns(db.schema.createTable(name))
        .addColumn('site_name', 'text', (c) => c.notNull())
        .addColumn('commune_name', 'text', (c) => c.notNull())
        .addColumn('hectares', 'double precision', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .execute()
        .then(() => undefined),
  },
};

async function createIndexes(db: Kysely<any>, table: string) {
  await db.schema.createIndex(`${table}_territory`).on(table).columns(['territory_id', 'position']).execute();
  await db.schema.createIndex(`${table}_phase_region`).on(table).columns(['phase', 'region_code']).execute();
  await db.schema.createIndex(`${table}_origin`).on(table).column('origin').execute();
  if (table === 'investment_project') {
    await db.schema.createIndex('investment_project_country').on(table).columns(['investor_country', 'year']).execute();
  }
}

export const operatorRecords: Migration = {
  async up(db: Kysely<any>) {
    for (const [table, { columns, create }] of Object.entries(TABLES)) {
      const next = `${table}_v2`;
      await create(db, next);
      const list = sql.join([...COMMON, ...columns].map((c) => sql.ref(c)));
      await sql`insert into ${sql.table(next)} (${list}, origin) select ${list}, 'SAMPLE' from ${sql.table(table)}`.execute(
        db,
      );
      await db.schema.dropTable(table).execute();
      await db.schema.alterTable(next).renameTo(table).execute();
      await createIndexes(db, table);
    }
  },
  async down(db: Kysely<any>) {
    // Back to 001's shape: operator rows cannot be kept (no origin, positions required).
    for (const table of Object.keys(TABLES)) {
      await db.deleteFrom(table).where('origin', '=', 'OPERATOR').execute();
      for (const index of ['origin']) await db.schema.dropIndex(`${table}_${index}`).execute();
      await db.schema.alterTable(table).dropColumn('origin').execute();
    }
  },
};
