import { sql, type Kysely, type Migration } from 'kysely';

const COLUMNS_001 = 'reference, territory_id, siren, service_id, instrument, amount_eur, date, year, status, position';

/**
 * Financings declared by Bpifrance through the hub (mutations, CSV import) live beside the generated sample:
 * - `origin` ('SAMPLE' | 'OPERATOR') tells them apart; the sample reload deletes and re-inserts SAMPLE rows only;
 * - `company_name` / `company_naf`: the company as the operator declares it (sample companies stay in `company`);
 * - no foreign keys to `company` (declared companies are not sample companies) nor to `territory` (the sample
 *   reload replaces the territory rows while declared financings stay): the territory id is validated on write
 *   against the perimeters instead;
 * - `position` (pagination order) is nullable: it is assigned after each write, in the write's transaction.
 * SQLite cannot drop a foreign key, so the table is rebuilt (same name, same indexes), on both dialects.
 */
export const financingOrigin: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('financing_v2')
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('territory_id', 'text', (c) => c.notNull())
      .addColumn('siren', 'text', (c) => c.notNull())
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('instrument', 'text', (c) => c.notNull())
      .addColumn('amount_eur', 'double precision', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.unique())
      .addColumn('origin', 'text', (c) =>
        c
          .notNull()
          .defaultTo('SAMPLE')
          .check(sql`origin in ('SAMPLE', 'OPERATOR')`),
      )
      .addColumn('company_name', 'text')
      .addColumn('company_naf', 'text')
      .execute();
    await sql
      .raw(`insert into financing_v2 (${COLUMNS_001}, origin) select ${COLUMNS_001}, 'SAMPLE' from financing`)
      .execute(db);
    await db.schema.dropTable('financing').execute();
    await db.schema.alterTable('financing_v2').renameTo('financing').execute();
    await db.schema
      .createIndex('financing_territory_position')
      .on('financing')
      .columns(['territory_id', 'position'])
      .execute();
    await db.schema
      .createIndex('financing_territory_service')
      .on('financing')
      .columns(['territory_id', 'service_id'])
      .execute();
    await db.schema.createIndex('financing_siren').on('financing').column('siren').execute();
    await db.schema.createIndex('financing_origin').on('financing').columns(['origin', 'territory_id']).execute();
  },
  async down(db: Kysely<any>) {
    // Back to the 001 shape: declared financings cannot satisfy its foreign keys, only the sample is kept.
    await db.schema
      .createTable('financing_v1')
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('territory_id', 'text', (c) => c.notNull().references('territory.id'))
      .addColumn('siren', 'text', (c) => c.notNull().references('company.siren'))
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('instrument', 'text', (c) => c.notNull())
      .addColumn('amount_eur', 'double precision', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull().unique())
      .execute();
    await sql
      .raw(`insert into financing_v1 (${COLUMNS_001}) select ${COLUMNS_001} from financing where origin = 'SAMPLE'`)
      .execute(db);
    await db.schema.dropTable('financing').execute();
    await db.schema.alterTable('financing_v1').renameTo('financing').execute();
    await db.schema
      .createIndex('financing_territory_position')
      .on('financing')
      .columns(['territory_id', 'position'])
      .execute();
    await db.schema
      .createIndex('financing_territory_service')
      .on('financing')
      .columns(['territory_id', 'service_id'])
      .execute();
    await db.schema.createIndex('financing_siren').on('financing').column('siren').execute();
  },
};
