// SQL of the attractiveness subgraph, portable between SQLite and PostgreSQL (Kysely + window functions).
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { AttractivenessDB, RecordTable } from './db.ts';
import type { ExportFilter, InvestmentFilter, Page, SiteFilter, TotalsFilter } from './filters.ts';

type Db = Kysely<AttractivenessDB>;
// Filters are applied to builders of different tables; `any` keeps them generic.
type Query = SelectQueryBuilder<any, any, any>;

export interface ActivityScope {
  territoryIds?: string[];
  phase?: string;
  serviceIds?: string[];
}

/**
 * Every record of the three tables as (territory, service, date, amount, beneficiary), optionally scoped.
 * The scope is applied inside each branch so that each table's index is used.
 */
export function activity(db: Db, scope: ActivityScope = {}) {
  const scoped = <Q extends Query>(q: Q): Q => {
    let out = q;
    if (scope.territoryIds) out = out.where('territory_id', 'in', scope.territoryIds) as Q;
    if (scope.phase) out = out.where('phase', '=', scope.phase) as Q;
    if (scope.serviceIds) out = out.where('service_id', 'in', scope.serviceIds) as Q;
    return out;
  };
  const columns = ['territory_id', 'phase', 'region_code', 'service_id', 'date', 'origin'] as const;
  // The first branch types the union: NULL amounts of the other branches take its (bigint) type on PostgreSQL.
  return scoped(
    db
      .selectFrom('investment_project')
      .select([
        ...columns,
        sql<number | null>`investment_eur`.as('amount'),
        sql<string>`investor_name`.as('beneficiary'),
      ]),
  )
    .unionAll(
      scoped(
        db
          .selectFrom('export_support')
          .select([...columns, sql<number | null>`null`.as('amount'), sql<string>`company_siren`.as('beneficiary')]),
      ),
    )
    .unionAll(
      scoped(
        db
          .selectFrom('site_promotion')
          .select([
            ...columns,
            sql<number | null>`null`.as('amount'),
            sql<string>`site_name || ', ' || commune_name`.as('beneficiary'),
          ]),
      ),
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
    .execute() as Promise<MobilisationRow[]>;
}

export function applyInvestmentFilter<Q extends Query>(q: Q, f: Omit<InvestmentFilter, keyof Page>): Q {
  let out: Query = q;
  if (f.country) out = out.where('investor_country', '=', f.country);
  if (f.sector) out = out.where('sector', '=', f.sector);
  if (f.kind) out = out.where('kind', '=', f.kind);
  if (f.status) out = out.where('status', '=', f.status);
  if (f.year !== undefined) out = out.where('year', '=', f.year);
  if (f.minJobs !== undefined) out = out.where(sql`jobs_created + jobs_saved`, '>=', f.minJobs);
  if (f.minAmountEur !== undefined) out = out.where('investment_eur', '>=', f.minAmountEur);
  if (f.maxAmountEur !== undefined) out = out.where('investment_eur', '<=', f.maxAmountEur);
  return out as Q;
}

export function applyExportFilter<Q extends Query>(q: Q, f: Omit<ExportFilter, keyof Page>): Q {
  let out: Query = q;
  if (f.offer) out = out.where('offer', '=', f.offer);
  if (f.targetCountry) out = out.where('target_country', '=', f.targetCountry);
  if (f.status) out = out.where('status', '=', f.status);
  if (f.year !== undefined) out = out.where('year', '=', f.year);
  return out as Q;
}

export function applySiteFilter<Q extends Query>(q: Q, f: Omit<SiteFilter, keyof Page>): Q {
  let out: Query = q;
  if (f.service) out = out.where('service_id', '=', f.service);
  if (f.year !== undefined) out = out.where('year', '=', f.year);
  if (f.minHectares !== undefined) out = out.where('hectares', '>=', f.minHectares);
  return out as Q;
}

export function applyTotalsFilter<Q extends Query>(q: Q, f: TotalsFilter): Q {
  let out: Query = q.where('status', 'in', f.statuses);
  if (f.year !== undefined) out = out.where('year', '=', f.year);
  return out as Q;
}

export interface PagedRow {
  territory_id: string;
  position: number;
  total_count: number;
}

/**
 * One page of a filtered list for each of many territories, in ONE statement:
 * `total_count` counts the filtered rows per territory; `page_rank` counts the rows after the cursor;
 * the first row of each territory is always returned so that its total is known even when the page is empty.
 */
export async function pages<R extends PagedRow>(
  db: Db,
  table: RecordTable,
  territoryIds: string[],
  page: Page,
  apply: (q: Query) => Query,
): Promise<Map<string, { totalCount: number; rows: R[]; hasNextPage: boolean }>> {
  const inner = apply(
    db
      .selectFrom(table)
      .selectAll()
      .select([
        sql<number>`count(*) over (partition by territory_id)`.as('total_count'),
        sql<number>`sum(case when position > ${page.after} then 1 else 0 end) over (partition by territory_id order by position)`.as(
          'page_rank',
        ),
        sql<number>`row_number() over (partition by territory_id order by position)`.as('row_rank'),
      ])
      .where('territory_id', 'in', territoryIds),
  );
  const rows = (await db
    .selectFrom(inner.as('r'))
    .selectAll()
    .where(sql<boolean>`(position > ${page.after} and page_rank <= ${page.first + 1}) or row_rank = 1`)
    .orderBy('position')
    .execute()) as unknown as R[];
  const out = new Map<string, { totalCount: number; rows: R[]; hasNextPage: boolean }>();
  for (const row of rows) {
    let entry = out.get(row.territory_id);
    if (!entry)
      out.set(row.territory_id, (entry = { totalCount: Number(row.total_count), rows: [], hasNextPage: false }));
    if (row.position > page.after) entry.rows.push(row);
  }
  for (const entry of out.values()) {
    entry.hasNextPage = entry.rows.length > page.first;
    entry.rows = entry.rows.slice(0, page.first);
  }
  return out;
}

export interface InvestmentSums {
  project_count: number;
  investor_count: number;
  jobs_created: number;
  jobs_saved: number;
  investment_eur: number;
}

/** Sums of investment projects grouped by `groupBy` columns (plus the distinct territories). */
export function investmentSums<K extends string>(db: Db, groupBy: K[], where: (q: Query) => Query) {
  return where(
    db
      .selectFrom('investment_project')
      .select((eb) => [
        ...groupBy.map((c) => sql.ref(c).as(c)),
        eb.fn.countAll<number>().as('project_count'),
        sql<number>`count(distinct investor_name)`.as('investor_count'),
        sql<number>`count(distinct territory_id)`.as('territory_count'),
        eb.fn.sum<number>('jobs_created').as('jobs_created'),
        eb.fn.sum<number>('jobs_saved').as('jobs_saved'),
        eb.fn.sum<number>('investment_eur').as('investment_eur'),
      ]),
  )
    .groupBy(groupBy as never)
    .execute() as Promise<(InvestmentSums & { territory_count: number } & Record<K, string>)[]>;
}
