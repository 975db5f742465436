import type { Kysely, Migration } from 'kysely';

export const financingTables: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('territory')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('region_code', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('territory_phase').on('territory').column('phase').execute();
    await db.schema
      .createTable('territory_department')
      .addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id'))
      .addColumn('department_code', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('territory_department_pk', ['territory_id', 'department_code'])
      .execute();
    await db.schema
      .createTable('service_axis')
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('axis', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('service_axis_pk', ['service_id', 'axis'])
      .execute();
    await db.schema.createIndex('service_axis_axis').on('service_axis').column('axis').execute();
    await db.schema
      .createTable('company')
      .addColumn('siren', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('naf', 'text', (c) => c.notNull())
      .addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id'))
      .execute();
    await db.schema
      .createTable('financing')
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id'))
      .addColumn('siren', 'text', (c) => c.notNull().references('company.siren'))
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('instrument', 'text', (c) => c.notNull())
      .addColumn('amount_eur', 'double precision', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().unique())
      .execute();
    // Every per-territory query filters on territory_id and walks position; aggregates group by service/instrument.
    await db.schema
      .createIndex('financing_territory_position')
      .on('financing')
      .columns(['territory_id', 'position'])
      .execute();
    await db.schema
      .createIndex('financing_territory_service')
      .on('financing')
      .columns(['territory_id', 'service_id'])
      .execute();
    await db.schema.createIndex('financing_siren').on('financing').column('siren').execute();
    await db.schema
      .createTable('pge_department')
      .addColumn('department_code', 'text', (c) => c.notNull())
      .addColumn('department_name', 'text', (c) => c.notNull())
      .addColumn('section_code', 'text', (c) => c.notNull())
      .addColumn('section_label', 'text', (c) => c.notNull())
      .addColumn('loan_count', 'integer', (c) => c.notNull())
      .addColumn('amount_eur', 'double precision', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('pge_department_pk', ['department_code', 'section_code'])
      .execute();
    await db.schema
      .createTable('indicator_department')
      .addColumn('department_code', 'text', (c) => c.notNull())
      .addColumn('indicator_id', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('initial_value', 'double precision')
      .addColumn('initial_date', 'text')
      .addColumn('unit', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('indicator_department_pk', ['department_code', 'indicator_id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of [
      'indicator_department',
      'pge_department',
      'financing',
      'company',
      'service_axis',
      'territory_department',
      'territory',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
