import type { Kysely, Migration } from 'kysely';

/**
 * Territories of the two phases that share groupements, computed at load from the perimeters and the commune
 * populations (one row per direction, so a territory's links are one indexed read).
 */
export const phaseLink: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('phase_link')
      .addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id'))
      .addColumn('other_id', 'text', (c) => c.notNull().references('territory.id'))
      .addColumn('shared_sirens', 'text', (c) => c.notNull())
      .addColumn('shared_population', 'integer', (c) => c.notNull())
      .addColumn('population_share', 'double precision', (c) => c.notNull())
      .addColumn('other_population_share', 'double precision', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('phase_link_pk', ['territory_id', 'other_id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('phase_link').ifExists().execute();
  },
};
