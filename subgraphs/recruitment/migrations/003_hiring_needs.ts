import type { Kysely, Migration } from 'kysely';

/** Tables of France Travail's hiring-needs survey (BMO 2024), filled by hiring-needs.ts at load. */
export const HIRING_NEEDS_TABLES = ['hiring_needs_coverage', 'bmo_need', 'bmo_occupation'] as const;

export const hiringNeeds: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('bmo_occupation')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('family_code', 'text', (c) => c.notNull())
      .addColumn('family_label', 'text', (c) => c.notNull())
      .addColumn('industrial', 'integer', (c) => c.notNull())
      .execute();
    // One row per basin × department × occupation as published (a basin across departments has a row per department
    // part); null = withheld (`*`), never 0.
    await db.schema
      .createTable('bmo_need')
      .addColumn('basin_code', 'text', (c) => c.notNull())
      .addColumn('department_code', 'text', (c) => c.notNull())
      .addColumn('occupation_code', 'text', (c) => c.notNull().references('bmo_occupation.code'))
      .addColumn('projects', 'integer')
      .addColumn('difficult', 'integer')
      .addColumn('seasonal', 'integer')
      .addPrimaryKeyConstraint('bmo_need_pk', ['basin_code', 'department_code', 'occupation_code'])
      .execute();
    await db.schema
      .createTable('hiring_needs_coverage')
      .addColumn('territory_id', 'text', (c) => c.primaryKey())
      .addColumn('basin_count', 'integer', (c) => c.notNull())
      .addColumn('commune_count', 'integer', (c) => c.notNull())
      .addColumn('communes_in_basins', 'integer', (c) => c.notNull())
      .addColumn('population', 'integer', (c) => c.notNull())
      .addColumn('population_in_basins', 'integer', (c) => c.notNull())
      .addColumn('basins_population', 'integer', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of HIRING_NEEDS_TABLES) await db.schema.dropTable(table).ifExists().execute();
  },
};
