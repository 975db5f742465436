import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Actions declared by France Travail through the hub (mutations, CSV import) live beside the generated
 * sample actions: `origin` tells them apart, and the sample reload deletes and re-inserts SAMPLE rows only.
 */
export const actionOrigin: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('recruitment_action')
      .addColumn('origin', 'text', (c) =>
        c
          .notNull()
          .defaultTo('SAMPLE')
          .check(sql`origin in ('SAMPLE', 'OPERATOR')`),
      )
      .execute();
    await db.schema
      .createIndex('recruitment_action_origin')
      .on('recruitment_action')
      .columns(['origin', 'territory_id'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('recruitment_action_origin').ifExists().execute();
    await db.schema.alterTable('recruitment_action').dropColumn('origin').execute();
  },
};
