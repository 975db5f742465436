import type { Kysely, Migration } from 'kysely';

export const TABLES = [
  'recruitment_action',
  'department_indicator',
  'territory_basin',
  'job_seeker_territory',
  'job_seeker_commune',
  'territory_department',
  'recruitment_territory',
] as const;

export const recruitmentTables: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('recruitment_territory')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('region_code', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('population', 'integer', (c) => c.notNull())
      .addColumn('commune_count', 'integer', (c) => c.notNull())
      .addColumn('communes_with_data', 'integer', (c) => c.notNull())
      .addColumn('population_covered', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('recruitment_territory_phase')
      .on('recruitment_territory')
      .columns(['phase', 'position'])
      .execute();

    await db.schema
      .createTable('territory_department')
      .addColumn('territory_id', 'text', (c) => c.notNull())
      .addColumn('department_code', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('territory_department_pk', ['territory_id', 'department_code'])
      .execute();

    await db.schema
      .createTable('job_seeker_commune')
      .addColumn('commune_code', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('value', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_seeker_commune_pk', ['commune_code', 'month'])
      .execute();

    await db.schema
      .createTable('job_seeker_territory')
      .addColumn('territory_id', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('value', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_seeker_territory_pk', ['territory_id', 'month'])
      .execute();
    // The ranking reads one month across all territories.
    await db.schema.createIndex('job_seeker_territory_month').on('job_seeker_territory').column('month').execute();

    await db.schema
      .createTable('territory_basin')
      .addColumn('territory_id', 'text', (c) => c.notNull())
      .addColumn('basin_code', 'text', (c) => c.notNull())
      .addColumn('basin_name', 'text', (c) => c.notNull())
      .addColumn('commune_count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('territory_basin_pk', ['territory_id', 'basin_code'])
      .execute();

    await db.schema
      .createTable('department_indicator')
      .addColumn('department_code', 'text', (c) => c.notNull())
      .addColumn('department_name', 'text', (c) => c.notNull())
      .addColumn('indicator', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('department_indicator_pk', ['department_code', 'indicator', 'date'])
      .execute();

    await db.schema
      .createTable('recruitment_action')
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('territory_id', 'text', (c) => c.notNull())
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('participants', 'integer', (c) => c.notNull())
      .addColumn('hires', 'integer', (c) => c.notNull())
      .addColumn('companies', 'integer', (c) => c.notNull())
      .addColumn('naf_code', 'text', (c) => c.notNull())
      .addColumn('sector', 'text', (c) => c.notNull())
      .addColumn('employer_siren', 'text')
      .addColumn('employer_name', 'text')
      .execute();
    // Slice fields read per territory (summary, services, pages ordered by date).
    await db.schema
      .createIndex('recruitment_action_territory')
      .on('recruitment_action')
      .columns(['territory_id', 'date', 'reference'])
      .execute();
    await db.schema
      .createIndex('recruitment_action_service')
      .on('recruitment_action')
      .columns(['service_id', 'territory_id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of TABLES) await db.schema.dropTable(table).ifExists().execute();
  },
};
