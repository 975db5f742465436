// All of the attractiveness subgraph's own SQL, as functions taking `db` (Kysely's example app), portable between
// SQLite and PostgreSQL: the loaders, the root fields and the load call these; resolvers never write SQL.
// Record pages and writes are the kit's (runtime/).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import { filterConditions, type FilterValues } from '../runtime/filters.ts';
import type { AttractivenessDB, RecordTable } from './db.ts';
import type { GeneratedRecords } from './sample.ts';
import { TOTALS_FILTERS } from './records.ts';

type Db = Kysely<AttractivenessDB>;

export interface ActivityScope {
  territoryIds?: string[];
  phase?: string;
  serviceIds?: string[];
}

/** The scope as one condition (inside each branch of the union, so that each table's index is used). */
function scopeCondition(scope: ActivityScope): RawBuilder<boolean> {
  const parts: RawBuilder<unknown>[] = [];
  if (scope.territoryIds) parts.push(sql`territory_id in (${sql.join(scope.territoryIds)})`);
  if (scope.phase) parts.push(sql`phase = ${scope.phase}`);
  if (scope.serviceIds) parts.push(sql`service_id in (${sql.join(scope.serviceIds)})`);
  return parts.length ? sql<boolean>`${sql.join(parts, sql` and `)}` : sql<boolean>`1 = 1`;
}

/**
 * Every record of the three tables as (territory, service, date, amount, beneficiary), optionally scoped.
 */
function activity(db: Db, scope: ActivityScope = {}) {
  const where = scopeCondition(scope);
  const columns = ['territory_id', 'phase', 'region_code', 'service_id', 'date', 'origin'] as const;
  // The first branch types the union: NULL amounts of the other branches take its (bigint) type on PostgreSQL.
  return db
    .selectFrom('investment_project')
    .select([...columns, sql<number | null>`investment_eur`.as('amount'), sql<string>`investor_name`.as('beneficiary')])
    .where(where)
    .unionAll(
      db
        .selectFrom('export_support')
        .select([...columns, sql<number | null>`null`.as('amount'), sql<string>`company_siren`.as('beneficiary')])
        .where(where),
    )
    .unionAll(
      db
        .selectFrom('site_promotion')
        .select([
          ...columns,
          sql<number | null>`null`.as('amount'),
          sql<string>`site_name || ', ' || commune_name`.as('beneficiary'),
        ])
        .where(where),
    );
}

export interface MobilisationRow {
  territory_id: string;
  service_id: string;
  record_count: number;
  amount: number | null;
  beneficiary_count: number;
  first_date: string;
  last_date: string;
  /** Records declared by Business France (origin OPERATOR) among them. */
  operator_count: number;
}

/** Per territory and service: counts, amounts, beneficiaries, first and last dates. One statement. */
export function mobilisations(db: Db, territoryIds: string[]): Promise<MobilisationRow[]> {
  return db
    .selectFrom(activity(db, { territoryIds }).as('a'))
    .select((eb) => [
      'territory_id',
      'service_id',
      eb.fn.countAll<number>().as('record_count'),
      eb.fn.sum<number | null>('amount').as('amount'),
      sql<number>`count(distinct beneficiary)`.as('beneficiary_count'),
      eb.fn.min<string>('date').as('first_date'),
      eb.fn.max<string>('date').as('last_date'),
      sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('operator_count'),
    ])
    .groupBy(['territory_id', 'service_id'])
    .execute();
}

export interface TotalRow {
  key: string;
  territory_count: number;
  record_count: number;
  amount: number | null;
  beneficiary_count: number;
}

/** Records of the services given summed per phase, region or territory (PanierTotal). */
export function totals(
  db: Db,
  key: 'phase' | 'region_code' | 'territory_id',
  scope: { phase?: string; serviceIds: string[] },
): Promise<TotalRow[]> {
  return db
    .selectFrom(activity(db, scope).as('a'))
    .select((eb) => [
      eb.ref(key).as('key'),
      sql<number>`count(distinct territory_id)`.as('territory_count'),
      eb.fn.countAll<number>().as('record_count'),
      eb.fn.sum<number | null>('amount').as('amount'),
      sql<number>`count(distinct beneficiary)`.as('beneficiary_count'),
    ])
    .groupBy(key)
    .orderBy(key)
    .execute();
}

/** Territories of a phase with at least one record. */
export async function territoriesWithRecords(db: Db, phase: string): Promise<Set<string>> {
  const rows = await db.selectFrom(activity(db, { phase }).as('a')).select('territory_id').distinct().execute();
  return new Set(rows.map((r) => r.territory_id));
}

/** Filters of the investment totals: statuses (never empty) and the kit-validated TOTALS_FILTERS (year). */
export interface TotalsFilter {
  statuses: string[];
  filters: FilterValues;
}

export interface InvestmentSums {
  project_count: number;
  investor_count: number;
  territory_count: number;
  jobs_created: number;
  jobs_saved: number;
  investment_eur: number;
}

export type GroupColumn = 'territory_id' | 'investor_country' | 'sector';
export type InvestmentSumRow<K extends GroupColumn> = InvestmentSums & Record<K, string>;

/** Sums of investment projects grouped by `groupBy` columns (plus the distinct territories), optionally scoped. */
export async function investmentSums<K extends GroupColumn>(
  db: Db,
  groupBy: K[],
  filter: TotalsFilter,
  scope: { territoryIds?: string[]; phase?: string | null } = {},
): Promise<InvestmentSumRow<K>[]> {
  const where = [
    sql`t.status in (${sql.join(filter.statuses)})`,
    ...filterConditions(TOTALS_FILTERS, filter.filters, 't'),
  ];
  if (scope.territoryIds) where.push(sql`t.territory_id in (${sql.join(scope.territoryIds)})`);
  if (scope.phase) where.push(sql`t.phase = ${scope.phase}`);
  const columns = sql.join(groupBy.map((c) => sql.ref(`t.${c}`)));
  const { rows } = await sql<InvestmentSumRow<K>>`select ${columns},
      count(*) as project_count,
      count(distinct t.investor_name) as investor_count,
      count(distinct t.territory_id) as territory_count,
      sum(t.jobs_created) as jobs_created,
      sum(t.jobs_saved) as jobs_saved,
      sum(t.investment_eur) as investment_eur
    from investment_project as t where ${sql.join(where, sql` and `)} group by ${columns}`.execute(db);
  return rows;
}

export function datasets(db: Db) {
  return db.selectFrom('dataset').selectAll().orderBy('id').execute();
}

/**
 * Replaces the sample records, inside the load's transaction. Records declared by Business France (origin
 * OPERATOR) are kept; a sample row whose reference an operator row already holds is not inserted (operator
 * references never use the sample pattern, so that only happens to a row forced in by hand).
 */
export async function replaceSample(db: Db, sample: GeneratedRecords): Promise<void> {
  const tables: [RecordTable, Record<string, unknown>[]][] = [
    ['investment_project', sample.investments],
    ['export_support', sample.exportSupports],
    ['site_promotion', sample.sitePromotions],
  ];
  for (const [table, rows] of tables) {
    await db.deleteFrom(table).where('origin', '=', 'SAMPLE').execute();
    const declared = await db.selectFrom(table).select('reference').where('origin', '=', 'OPERATOR').execute();
    const taken = new Set(declared.map((r) => r.reference));
    await insertMany(
      db,
      table,
      rows.filter((r) => !taken.has(String(r.reference))),
    );
  }
}
