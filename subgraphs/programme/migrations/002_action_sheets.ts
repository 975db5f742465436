import type { Kysely, Migration } from 'kysely';

/**
 * The programme's writable records (issue 10): action sheets (with one row per axis, so that an axis filter is a
 * `via` link in SQL), each territory's contract and governance as its team (or ANCT) declares them.
 */
export const actionSheets: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('action_sheet')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('territory_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('axes', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('holder_kind', 'text', (c) => c.notNull())
      .addColumn('holder_name', 'text', (c) => c.notNull())
      .addColumn('holder_siren', 'text')
      .addColumn('partners', 'text', (c) => c.notNull())
      .addColumn('start_date', 'text')
      .addColumn('end_date', 'text')
      .addColumn('budget_eur', 'double precision')
      .addColumn('origin', 'text', (c) => c.notNull())
      .execute();
    // Pages of a territory in id order (keyset).
    await db.schema.createIndex('action_sheet_territory').on('action_sheet').columns(['territory_id', 'id']).execute();
    await db.schema
      .createTable('action_sheet_axis')
      .addColumn('sheet_id', 'text', (c) => c.notNull())
      .addColumn('axis', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('action_sheet_axis_pk', ['sheet_id', 'axis'])
      .execute();
    await db.schema
      .createIndex('action_sheet_axis_axis')
      .on('action_sheet_axis')
      .columns(['axis', 'sheet_id'])
      .execute();
    await db.schema
      .createTable('contract')
      .addColumn('territory_id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('signature_date', 'text')
      .addColumn('parties', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('governance')
      .addColumn('territory_id', 'text', (c) => c.primaryKey())
      .addColumn('elected_official_name', 'text')
      .addColumn('industrialist_name', 'text')
      .addColumn('industrialist_company', 'text')
      .addColumn('project_manager_name', 'text')
      .addColumn('origin', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['governance', 'contract', 'action_sheet_axis', 'action_sheet'])
      await db.schema.dropTable(table).ifExists().execute();
  },
};
