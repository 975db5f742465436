import type { Kysely, Migration } from 'kysely';

/** ANCT's polygon of each territory, as published (GeoJSON geometry text); simplified at request time. */
export const territoryGeometry: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('territory_geometry')
      .addColumn('territory_id', 'text', (c) => c.primaryKey().references('territory.id'))
      .addColumn('geojson', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('territory_geometry').ifExists().execute();
  },
};
