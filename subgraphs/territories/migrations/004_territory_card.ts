import type { Kysely, Migration } from 'kysely';

/**
 * Issue 13: what a territory's page reads of its geography, denormalised on its row at load (reference data, loaded
 * once): the region's name, and its departments and groupements as JSON arrays of their rows. A batch of territories
 * with their region, departments and groupements is then one read instead of four.
 */
export const territoryCard: Migration = {
  async up(db: Kysely<any>) {
    for (const [column, empty] of [
      ['region_name', ''],
      ['departments', '[]'],
      ['groupements', '[]'],
    ] as const)
      await db.schema
        .alterTable('territory')
        .addColumn(column, 'text', (c) => c.notNull().defaultTo(empty))
        .execute();
  },
  async down(db: Kysely<any>) {
    for (const column of ['groupements', 'departments', 'region_name'])
      await db.schema.alterTable('territory').dropColumn(column).execute();
  },
};
