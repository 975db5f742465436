import type { Kysely, Migration } from 'kysely';

const TABLES = ['engineering_record'] as const;

/**
 * Issue 10: a record may name the action sheet (fiche action) of the programme it serves. The id lives in the
 * programme subgraph's database, so no foreign key: nullable, checked by the write (runtime/action-sheets.ts), and
 * indexed for the sheets' slices (`ActionSheet.engineering`).
 */
export const engineeringActionSheet: Migration = {
  async up(db: Kysely<any>) {
    for (const table of TABLES) {
      await db.schema.alterTable(table).addColumn('action_sheet_id', 'text').execute();
      await db.schema.createIndex(`${table}_action_sheet`).on(table).column('action_sheet_id').execute();
    }
  },
  async down(db: Kysely<any>) {
    for (const table of TABLES) {
      await db.schema.dropIndex(`${table}_action_sheet`).execute();
      await db.schema.alterTable(table).dropColumn('action_sheet_id').execute();
    }
  },
};
