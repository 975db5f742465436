import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';

/**
 * Keyset pagination (record kit): pages walk (territory_id, date desc, reference), so the stored `position`
 * goes, with its renumbering. Investment projects gain `jobs` (created + saved, derived on write) so that the
 * `minJobs` filter is a column bound. SQLite cannot drop a UNIQUE column: the tables are rebuilt, on both dialects.
 */
const COMMON = ['reference', 'territory_id', 'phase', 'region_code', 'service_id', 'date', 'year', 'origin'];

const OWN: Record<string, [string, 'text' | 'integer' | 'bigint' | 'double precision'][]> = {
  investment_project: [
    ['investor_name', 'text'],
    ['investor_country', 'text'],
    ['sector', 'text'],
    ['naf', 'text'],
    ['kind', 'text'],
    ['jobs_created', 'integer'],
    ['jobs_saved', 'integer'],
    ['investment_eur', 'bigint'],
    ['status', 'text'],
  ],
  export_support: [
    ['company_siren', 'text'],
    ['company_name', 'text'],
    ['naf', 'text'],
    ['offer', 'text'],
    ['target_country', 'text'],
    ['status', 'text'],
  ],
  site_promotion: [
    ['site_name', 'text'],
    ['commune_name', 'text'],
    ['hectares', 'double precision'],
    ['event', 'text'],
  ],
};

function recordTable(db: Kysely<any>, name: string, table: string, position: boolean) {
  let builder: CreateTableBuilder<string, never> = db.schema
    .createTable(name)
    .addColumn('reference', 'text', (c) => c.primaryKey())
    .addColumn('territory_id', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('origin', 'text', (c) =>
      c
        .notNull()
        .defaultTo('SAMPLE')
        .check(sql`origin in ('SAMPLE', 'OPERATOR')`),
    );
  for (const [column, type] of OWN[table]!) builder = builder.addColumn(column, type, (c) => c.notNull());
  if (table === 'investment_project' && !position) builder = builder.addColumn('jobs', 'integer', (c) => c.notNull());
  if (position) builder = builder.addColumn('position', 'integer', (c) => c.unique());
  return builder.execute();
}

async function indexes(db: Kysely<any>, table: string, order: string[]) {
  await db.schema
    .createIndex(`${table}_territory`)
    .on(table)
    .columns(['territory_id', ...order])
    .execute();
  await db.schema.createIndex(`${table}_phase_region`).on(table).columns(['phase', 'region_code']).execute();
  await db.schema.createIndex(`${table}_origin`).on(table).column('origin').execute();
  if (table === 'investment_project')
    await db.schema.createIndex('investment_project_country').on(table).columns(['investor_country', 'year']).execute();
}

async function rebuild(db: Kysely<any>, table: string, position: boolean) {
  const next = `${table}_v3`;
  await recordTable(db, next, table, position);
  const kept = [...COMMON, ...OWN[table]!.map(([c]) => c)].join(', ');
  const extra =
    table === 'investment_project' && !position
      ? { columns: ', jobs', values: ', jobs_created + jobs_saved' }
      : position
        ? { columns: ', position', values: ', row_number() over (order by territory_id, date desc, reference)' }
        : { columns: '', values: '' };
  await sql
    .raw(`insert into ${next} (${kept}${extra.columns}) select ${kept}${extra.values} from ${table}`)
    .execute(db);
  await db.schema.dropTable(table).execute();
  await db.schema.alterTable(next).renameTo(table).execute();
  await indexes(db, table, position ? ['position'] : ['date', 'reference']);
}

export const attractivenessKeyset: Migration = {
  async up(db: Kysely<any>) {
    for (const table of Object.keys(OWN)) await rebuild(db, table, false);
  },
  async down(db: Kysely<any>) {
    // Back to the 002 shape: positions numbered in each territory's order (date descending, reference).
    for (const table of Object.keys(OWN)) await rebuild(db, table, true);
  },
};
