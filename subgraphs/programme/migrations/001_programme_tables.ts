import type { Kysely, Migration } from 'kysely';

export const programmeTables: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('programme_document')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('publisher', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createTable('panier_service')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('operator', 'text')
      .addColumn('carrier', 'text', (c) => c.notNull())
      .addColumn('search_carrier', 'text', (c) => c.notNull())
      .addColumn('carrier_kind', 'text', (c) => c.notNull())
      .addColumn('axes', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('audiences', 'text', (c) => c.notNull())
      .addColumn('aid_types', 'text', (c) => c.notNull())
      .addColumn('start_date', 'text')
      .addColumn('submission_deadline', 'text')
      .addColumn('recurrence', 'text')
      .addColumn('amount_rule', 'text')
      .addColumn('in_france_relance', 'integer')
      .addColumn('official_url', 'text')
      .addColumn('source', 'text', (c) => c.notNull().references('programme_document.id'))
      .addColumn('source_quote', 'text')
      .addColumn('also_listed_as', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('milestone')
      .addColumn('position', 'integer', (c) => c.primaryKey())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull().references('programme_document.id'))
      .addColumn('quote', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('commitment')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('at_least', 'integer', (c) => c.notNull())
      .addColumn('announced_on', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull().references('programme_document.id'))
      .addColumn('quote', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('programme_phase')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('start_month', 'text', (c) => c.notNull())
      .addColumn('end_month', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('territory_count', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull().references('programme_document.id'))
      .addColumn('quote', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ['programme_phase', 'commitment', 'milestone', 'panier_service', 'programme_document'])
      await db.schema.dropTable(table).ifExists().execute();
  },
};
