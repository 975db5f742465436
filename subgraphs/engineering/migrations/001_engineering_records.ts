import type { Kysely, Migration } from 'kysely';

export const engineeringRecords: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('engineering_record')
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('position', 'integer', (c) => c.notNull().unique())
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
      .execute();
    // Record lists: per territory and kind, walked in position order.
    await db.schema
      .createIndex('engineering_record_territory')
      .on('engineering_record')
      .columns(['territory_id', 'record_kind', 'position'])
      .execute();
    // Summaries and services group per territory and service.
    await db.schema
      .createIndex('engineering_record_territory_service')
      .on('engineering_record')
      .columns(['territory_id', 'service_id'])
      .execute();
    // Analysts' totals and engineeringTerritories filter by phase.
    await db.schema
      .createIndex('engineering_record_phase')
      .on('engineering_record')
      .columns(['phase', 'region_code'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('engineering_record').ifExists().execute();
  },
};
