import type { Kysely, Migration } from 'kysely';

/**
 * Record kit (keyset pages, filters in SQL). Actions never had a stored position: pages walk
 * (territory_id, date, reference), whose index `recruitment_action_territory` exists since 001. What goes is
 * the territories' load-order `position` (the perimeters' order, that is the id order within a phase): lists
 * order by id instead. The axis filter runs in SQL through `service_axis` (one row per service and axis).
 */
export const recruitmentKeyset: Migration = {
  async up(db: Kysely<any>) {
    // SQLite drops a column only when no index uses it.
    await db.schema.dropIndex('recruitment_territory_phase').execute();
    await db.schema.alterTable('recruitment_territory').dropColumn('position').execute();
    await db.schema
      .createIndex('recruitment_territory_phase')
      .on('recruitment_territory')
      .columns(['phase', 'id'])
      .execute();
    await db.schema
      .createTable('service_axis')
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('axis', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('service_axis_pk', ['service_id', 'axis'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('service_axis').ifExists().execute();
    await db.schema.dropIndex('recruitment_territory_phase').execute();
    // Back to the 001 shape; the 001-era load numbers the positions again.
    await db.schema
      .alterTable('recruitment_territory')
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('recruitment_territory_phase')
      .on('recruitment_territory')
      .columns(['phase', 'position'])
      .execute();
  },
};
