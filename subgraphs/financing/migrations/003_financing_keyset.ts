import { sql, type Kysely, type Migration } from 'kysely';

const KEPT = 'reference, territory_id, siren, service_id, instrument, amount_eur, date, year, status, origin';

/**
 * Keyset pagination (record kit): pages walk (territory_id, date, reference), so the stored `position`
 * goes, with its renumbering. Every financing carries its company (sample rows get theirs from `company`),
 * so pages need no join, and the sample-only `company` table goes. SQLite cannot drop a UNIQUE column: the
 * table is rebuilt, on both dialects.
 */
export const financingKeyset: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('financing_v3')
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('territory_id', 'text', (c) => c.notNull())
      .addColumn('siren', 'text', (c) => c.notNull())
      .addColumn('company_name', 'text', (c) => c.notNull())
      .addColumn('company_naf', 'text', (c) => c.notNull())
      .addColumn('service_id', 'text', (c) => c.notNull())
      .addColumn('instrument', 'text', (c) => c.notNull())
      .addColumn('amount_eur', 'double precision', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) =>
        c
          .notNull()
          .defaultTo('SAMPLE')
          .check(sql`origin in ('SAMPLE', 'OPERATOR')`),
      )
      .execute();
    await sql
      .raw(
        `insert into financing_v3 (${KEPT}, company_name, company_naf)
         select ${KEPT.split(', ')
           .map((c) => `f.${c}`)
           .join(', ')}, coalesce(f.company_name, c.name, ''), coalesce(f.company_naf, c.naf, '')
         from financing f left join company c on c.siren = f.siren`,
      )
      .execute(db);
    await db.schema.dropTable('financing').execute();
    await db.schema.dropTable('company').execute();
    await db.schema.alterTable('financing_v3').renameTo('financing').execute();
    // The pages' order within a territory; aggregates group by service.
    await db.schema
      .createIndex('financing_territory_date_reference')
      .on('financing')
      .columns(['territory_id', 'date', 'reference'])
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
    // Back to the 002 shape: positions numbered in (territory, date, reference) order; companies reload with the sample.
    await db.schema
      .createTable('company')
      .addColumn('siren', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('naf', 'text', (c) => c.notNull())
      .addColumn('territory_id', 'text', (c) => c.notNull())
      .execute();
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
      .addColumn('origin', 'text', (c) => c.notNull().defaultTo('SAMPLE'))
      .addColumn('company_name', 'text')
      .addColumn('company_naf', 'text')
      .execute();
    await sql
      .raw(
        `insert into financing_v2 (${KEPT}, company_name, company_naf, position)
         select ${KEPT}, case when origin = 'OPERATOR' then company_name end, case when origin = 'OPERATOR' then company_naf end,
           row_number() over (order by territory_id, date, reference) from financing`,
      )
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
};
