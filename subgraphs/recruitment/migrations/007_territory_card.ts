import type { Kysely, Migration } from 'kysely';

/**
 * Issue 13: a territory's job-seeker series and employment basins, also on its row as JSON arrays (built at load from
 * the rows of `job_seeker_territory` and `territory_basin`, which stay for the ranking and the hiring needs' joins), so
 * that a batch of territories' slices reads the territory, its series and its basins in one statement.
 */
export const territoryCard: Migration = {
  async up(db: Kysely<any>) {
    for (const column of ['job_seekers', 'basins'])
      await db.schema
        .alterTable('recruitment_territory')
        .addColumn(column, 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
  },
  async down(db: Kysely<any>) {
    for (const column of ['basins', 'job_seekers'])
      await db.schema.alterTable('recruitment_territory').dropColumn(column).execute();
  },
};
