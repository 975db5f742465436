// Per-request DataLoaders of the financing subgraph: one SQL statement per batch of territories
// (two for a page of financings: count and rows), whatever the number of territories.
import DataLoader from 'dataloader';
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { manyLoader, oneLoader } from '../runtime/loaders.ts';
import { GRANTED_STATUSES } from './catalogue.ts';
import type { FinancingDB, FinancingRow, IndicatorRow } from './db.ts';

/** Validated filters of `FinancingSlice.financings`. */
export interface FinancingFilter {
  first: number;
  after: number;
  service: string | null;
  instrument: string | null;
  axis: string | null;
  year: number | null;
  minAmountEur: number | null;
  maxAmountEur: number | null;
  status: string | null;
}

/** A financing with its company: declared on the row (origin OPERATOR) or from the sample `company` table. */
export type FinancingNode = Omit<FinancingRow, 'company_name' | 'company_naf' | 'position'> & {
  position: number;
  company_name: string;
  company_naf: string;
};
export interface FinancingPage {
  totalCount: number;
  rows: FinancingNode[];
  hasNextPage: boolean;
}

export interface GroupTotalRow {
  territory_id: string;
  group_key: string;
  record_count: number;
  granted_count: number;
  /** Records of the group declared by the operator (origin OPERATOR), all statuses / granted only. */
  operator_count: number;
  operator_granted_count: number;
  requested_amount: number;
  granted_amount: number;
  paid_amount: number;
  beneficiary_count: number;
  first_date: string | null;
  last_date: string | null;
}

export interface PgeTotals {
  department_code: string;
  loan_count: number;
  amount_eur: number;
  c_loan_count: number;
  c_amount_eur: number;
  date: string;
}
export interface DepartmentContext {
  code: string;
  pge: PgeTotals | null;
  indicator: IndicatorRow | null;
}

const granted = [...GRANTED_STATUSES];

export function createLoaders(db: Kysely<FinancingDB>) {
  /** Figures per (territory, service | instrument): all statuses, with granted/requested/paid split. */
  const groupTotals = (column: 'service_id' | 'instrument') =>
    manyLoader<string, GroupTotalRow>(
      (ids) =>
        db
          .selectFrom('financing')
          .select((eb) => [
            'territory_id',
            eb.ref(column).as('group_key'),
            eb.fn.countAll<number>().as('record_count'),
            sql<number>`sum(case when status in (${sql.join(granted)}) then 1 else 0 end)`.as('granted_count'),
            sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('operator_count'),
            sql<number>`sum(case when origin = 'OPERATOR' and status in (${sql.join(granted)}) then 1 else 0 end)`.as(
              'operator_granted_count',
            ),
            sql<number>`sum(case when status = 'REQUESTED' then amount_eur else 0 end)`.as('requested_amount'),
            sql<number>`sum(case when status in (${sql.join(granted)}) then amount_eur else 0 end)`.as(
              'granted_amount',
            ),
            sql<number>`sum(case when status = 'PAID' then amount_eur else 0 end)`.as('paid_amount'),
            sql<number>`count(distinct case when status in (${sql.join(granted)}) then siren end)`.as(
              'beneficiary_count',
            ),
            sql<string | null>`min(case when status in (${sql.join(granted)}) then date end)`.as('first_date'),
            sql<string | null>`max(case when status in (${sql.join(granted)}) then date end)`.as('last_date'),
          ])
          .where('territory_id', 'in', ids)
          .groupBy(['territory_id', column])
          .orderBy('territory_id')
          .orderBy(column)
          .execute(),
      (r) => r.territory_id,
    );

  return {
    /** PanierSummary figures over financings granted. */
    summary: oneLoader<string, { territory_id: string; record_count: number; amount: number; service_count: number }>(
      (ids) =>
        db
          .selectFrom('financing')
          .select((eb) => [
            'territory_id',
            eb.fn.countAll<number>().as('record_count'),
            eb.fn.sum<number>('amount_eur').as('amount'),
            sql<number>`count(distinct service_id)`.as('service_count'),
          ])
          .where('territory_id', 'in', ids)
          .where('status', 'in', granted)
          .groupBy('territory_id')
          .execute(),
      (r) => r.territory_id,
    ),

    byService: groupTotals('service_id'),
    byInstrument: groupTotals('instrument'),

    /** Keyed by `territoryId` + serialized filter: one count and one windowed page query per distinct filter. */
    financings: new DataLoader<{ territoryId: string; filter: FinancingFilter }, FinancingPage, string>(
      async (keys) => {
        const groups = new Map<string, { filter: FinancingFilter; ids: string[] }>();
        for (const { territoryId, filter } of keys) {
          const k = JSON.stringify(filter);
          const group = groups.get(k) ?? { filter, ids: [] };
          group.ids.push(territoryId);
          groups.set(k, group);
        }
        const results = new Map<string, FinancingPage>();
        await Promise.all(
          [...groups.entries()].map(async ([k, { filter, ids }]) => {
            const unique = [...new Set(ids)];
            const [counts, rows] = await Promise.all([
              filtered(db.selectFrom('financing as f'), filter, unique)
                .select((eb) => ['f.territory_id', eb.fn.countAll<number>().as('n')])
                .groupBy('f.territory_id')
                .execute(),
              db
                .selectFrom((qb) =>
                  filtered(
                    qb.selectFrom('financing as f').leftJoin('company as c', 'c.siren', 'f.siren'),
                    filter,
                    unique,
                  )
                    .where('f.position', '>', filter.after)
                    .select([
                      'f.reference',
                      'f.territory_id',
                      'f.siren',
                      'f.service_id',
                      'f.instrument',
                      'f.amount_eur',
                      'f.date',
                      'f.year',
                      'f.status',
                      'f.position',
                      'f.origin',
                      // Declared financings carry their company; sample ones point to the sample `company` table.
                      sql<string>`coalesce(f.company_name, c.name)`.as('company_name'),
                      sql<string>`coalesce(f.company_naf, c.naf)`.as('company_naf'),
                      sql<number>`row_number() over (partition by f.territory_id order by f.position)`.as('rn'),
                    ])
                    .as('p'),
                )
                .selectAll()
                .where('p.rn', '<=', filter.first + 1)
                .orderBy('p.territory_id')
                .orderBy('p.position')
                .execute(),
            ]);
            const countOf = new Map(counts.map((c) => [c.territory_id, Number(c.n)]));
            const rowsOf = new Map<string, FinancingNode[]>();
            for (const { rn: _rn, ...row } of rows) {
              const list = rowsOf.get(row.territory_id) ?? [];
              list.push(row as FinancingNode);
              rowsOf.set(row.territory_id, list);
            }
            for (const id of unique) {
              const list = rowsOf.get(id) ?? [];
              results.set(`${id}|${k}`, {
                totalCount: countOf.get(id) ?? 0,
                rows: list.slice(0, filter.first),
                hasNextPage: list.length > filter.first,
              });
            }
          }),
        );
        return keys.map(({ territoryId, filter }) => results.get(`${territoryId}|${JSON.stringify(filter)}`)!);
      },
      { cacheKeyFn: ({ territoryId, filter }) => `${territoryId}|${JSON.stringify(filter)}` },
    ),

    departmentsOfTerritory: manyLoader<string, { territory_id: string; department_code: string }>(
      (ids) =>
        db
          .selectFrom('territory_department')
          .selectAll()
          .where('territory_id', 'in', ids)
          .orderBy('department_code')
          .execute(),
      (r) => r.territory_id,
    ),

    /** PGE totals (all sections and section C) and the Baromètre indicator: two statements per batch of departments. */
    departmentContext: new DataLoader<string, DepartmentContext | null>(async (codes) => {
      const [pge, indicators] = await Promise.all([
        db
          .selectFrom('pge_department')
          .select((eb) => [
            'department_code',
            eb.fn.sum<number>('loan_count').as('loan_count'),
            eb.fn.sum<number>('amount_eur').as('amount_eur'),
            sql<number>`sum(case when section_code = 'C' then loan_count else 0 end)`.as('c_loan_count'),
            sql<number>`sum(case when section_code = 'C' then amount_eur else 0 end)`.as('c_amount_eur'),
            eb.fn.max('date').as('date'),
          ])
          .where('department_code', 'in', [...codes])
          .groupBy('department_code')
          .execute(),
        db
          .selectFrom('indicator_department')
          .selectAll()
          .where('department_code', 'in', [...codes])
          .execute(),
      ]);
      const pgeOf = new Map(pge.map((p) => [p.department_code, p as PgeTotals]));
      const indicatorOf = new Map(indicators.map((i) => [i.department_code, i]));
      return codes.map((code) => {
        const context = { code, pge: pgeOf.get(code) ?? null, indicator: indicatorOf.get(code) ?? null };
        return context.pge || context.indicator ? context : null;
      });
    }),
  };
}

/** The WHERE clauses of a financing filter (cursor excluded: totalCount ignores it). */
function filtered<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, filter: FinancingFilter, ids: string[]): QB {
  let q = qb.where('f.territory_id', 'in', ids);
  if (filter.service) q = q.where('f.service_id', '=', filter.service);
  if (filter.instrument) q = q.where('f.instrument', '=', filter.instrument);
  if (filter.status) q = q.where('f.status', '=', filter.status);
  if (filter.year != null) q = q.where('f.year', '=', filter.year);
  if (filter.minAmountEur != null) q = q.where('f.amount_eur', '>=', filter.minAmountEur);
  if (filter.maxAmountEur != null) q = q.where('f.amount_eur', '<=', filter.maxAmountEur);
  if (filter.axis) {
    const axis = filter.axis;
    q = q.where('f.service_id', 'in', (eb: any) =>
      eb.selectFrom('service_axis').select('service_id').where('axis', '=', axis),
    );
  }
  return q as QB;
}

export type FinancingLoaders = ReturnType<typeof createLoaders>;
