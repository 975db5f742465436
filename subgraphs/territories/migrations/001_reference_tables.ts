import type { Kysely, Migration } from 'kysely';

export const referenceTables: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('region')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('department')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('region_code', 'text', (c) => c.notNull().references('region.code'))
      .execute();
    await db.schema
      .createTable('commune')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('department_code', 'text', (c) => c.notNull().references('department.code'))
      .addColumn('population', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('groupement')
      .addColumn('siren', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('nature', 'text', (c) => c.notNull())
      .addColumn('population', 'integer', (c) => c.notNull())
      .addColumn('commune_count', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('groupement_commune')
      .addColumn('siren', 'text', (c) => c.notNull().references('groupement.siren'))
      .addColumn('commune_code', 'text', (c) => c.notNull().references('commune.code'))
      .addPrimaryKeyConstraint('groupement_commune_pk', ['siren', 'commune_code'])
      .execute();
    await db.schema
      .createTable('territory')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('search_name', 'text', (c) => c.notNull())
      .addColumn('region_code', 'text', (c) => c.notNull().references('region.code'))
      .addColumn('population', 'integer', (c) => c.notNull())
      .addColumn('commune_count', 'integer', (c) => c.notNull())
      .addColumn('groupement_count', 'integer', (c) => c.notNull())
      // Global order (phase, code): keyset pagination walks it.
      .addColumn('position', 'integer', (c) => c.notNull().unique())
      .addUniqueConstraint('territory_phase_code', ['phase', 'code'])
      .execute();
    await db.schema
      .createTable('territory_groupement')
      .addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id'))
      .addColumn('siren', 'text', (c) => c.notNull().references('groupement.siren'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('territory_groupement_pk', ['territory_id', 'siren'])
      .execute();
    await db.schema.createIndex('territory_groupement_siren').on('territory_groupement').column('siren').execute();
    await db.schema
      .createTable('territory_department')
      .addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id'))
      .addColumn('department_code', 'text', (c) => c.notNull().references('department.code'))
      .addPrimaryKeyConstraint('territory_department_pk', ['territory_id', 'department_code'])
      .execute();
    await db.schema
      .createIndex('territory_department_code')
      .on('territory_department')
      .column('department_code')
      .execute();
    await db.schema
      .createTable('territory_commune')
      .addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id'))
      .addColumn('commune_code', 'text', (c) => c.notNull().references('commune.code'))
      .addPrimaryKeyConstraint('territory_commune_pk', ['territory_id', 'commune_code'])
      .execute();
    await db.schema.createIndex('territory_commune_code').on('territory_commune').column('commune_code').execute();
  },
  async down(db: Kysely<any>) {
    for (const table of [
      'territory_commune',
      'territory_department',
      'territory_groupement',
      'territory',
      'groupement_commune',
      'groupement',
      'commune',
      'department',
      'region',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
