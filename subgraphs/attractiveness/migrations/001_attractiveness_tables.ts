import type { CreateTableBuilder, Kysely, Migration } from 'kysely';

/** Columns shared by the three record tables; `position` orders each territory's list (keyset pagination). */
function recordColumns<T extends string>(table: CreateTableBuilder<T, never>) {
  return table
    .addColumn('reference', 'text', (c) => c.primaryKey())
    .addColumn('territory_id', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().unique());
}

const TABLES = ['investment_project', 'export_support', 'site_promotion'] as const;

export const attractivenessTables: Migration = {
  async up(db: Kysely<any>) {
    await recordColumns(db.schema.createTable('investment_project'))
      .addColumn('investor_name', 'text', (c) => c.notNull())
      .addColumn('investor_country', 'text', (c) => c.notNull())
      .addColumn('sector', 'text', (c) => c.notNull())
      .addColumn('naf', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('jobs_created', 'integer', (c) => c.notNull())
      .addColumn('jobs_saved', 'integer', (c) => c.notNull())
      // Whole euros; bigint so SUM stays exact on PostgreSQL (float4 would round).
      .addColumn('investment_eur', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .execute();
    await recordColumns(db.schema.createTable('export_support'))
      .addColumn('company_siren', 'text', (c) => c.notNull())
      .addColumn('company_name', 'text', (c) => c.notNull())
      .addColumn('naf', 'text', (c) => c.notNull())
      .addColumn('offer', 'text', (c) => c.notNull())
      .addColumn('target_country', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .execute();
    await recordColumns(db.schema.createTable('site_promotion'))
      .addColumn('site_name', 'text', (c) => c.notNull())
      .addColumn('commune_name', 'text', (c) => c.notNull())
      .addColumn('hectares', 'double precision', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .execute();
    for (const table of TABLES) {
      // Per-territory lists and aggregates filter on territory_id and walk position.
      await db.schema.createIndex(`${table}_territory`).on(table).columns(['territory_id', 'position']).execute();
      // Totals group by phase / region.
      await db.schema.createIndex(`${table}_phase_region`).on(table).columns(['phase', 'region_code']).execute();
    }
    await db.schema
      .createIndex('investment_project_country')
      .on('investment_project')
      .columns(['investor_country', 'year'])
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of TABLES) await db.schema.dropTable(table).ifExists().execute();
  },
};
