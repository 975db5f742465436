// All of the financing subgraph's own SQL, as functions taking `db` (Kysely's example app): the loaders and
// the load call these; resolvers never write SQL. Record pages and writes are the kit's (runtime/).
import { sql, type Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import type { PerimeterTerritory } from '../runtime/perimeters.ts';
import type { CatalogueService } from './catalogue.ts';
import type { DepartmentContextRow, FinancingDB, Indicator, NewFinancing, Pge } from './db.ts';

/** The context of each territory's departments covered by PGE or the Baromètre, in department code order. */
export function departmentContextsOf(
  db: Kysely<FinancingDB>,
  ids: string[],
): Promise<(DepartmentContextRow & { territory_id: string })[]> {
  return db
    .selectFrom('territory_department as td')
    .innerJoin('department_context as dc', 'dc.department_code', 'td.department_code')
    .selectAll('dc')
    .select('td.territory_id')
    .where('td.territory_id', 'in', ids)
    .orderBy('td.territory_id')
    .orderBy('td.department_code')
    .execute();
}

export function departmentContexts(db: Kysely<FinancingDB>, codes: string[]): Promise<DepartmentContextRow[]> {
  return db.selectFrom('department_context').selectAll().where('department_code', 'in', codes).execute();
}

/** Each department's context from the published rows (the load's: reads then serve `department_context`). */
async function computeDepartmentContexts(trx: Kysely<FinancingDB>, codes: string[]): Promise<DepartmentContextRow[]> {
  const [pge, indicatorRows] = await Promise.all([pgeTotals(trx, codes), indicators(trx, codes)]);
  const pgeOf = new Map(pge.map((p) => [p.department_code, p]));
  const indicatorOf = new Map(indicatorRows.map((i) => [i.department_code, i]));
  const number = (value: number | null | undefined) => (value == null ? null : Number(value));
  return codes
    .filter((code) => pgeOf.has(code) || indicatorOf.has(code))
    .map((code) => {
      const p = pgeOf.get(code);
      const i = indicatorOf.get(code);
      return {
        department_code: code,
        // PostgreSQL sums come back as strings.
        pge_loan_count: number(p?.loan_count),
        pge_amount_eur: number(p?.amount_eur),
        pge_c_loan_count: number(p?.c_loan_count),
        pge_c_amount_eur: number(p?.c_amount_eur),
        pge_date: p?.date ?? null,
        indicator_id: i?.indicator_id ?? null,
        indicator_label: i?.label ?? null,
        indicator_value: number(i?.value),
        indicator_date: i?.date ?? null,
        indicator_initial_value: number(i?.initial_value),
        indicator_initial_date: i?.initial_date ?? null,
        indicator_unit: i?.unit ?? null,
      };
    });
}

export interface PgeTotals {
  department_code: string;
  loan_count: number;
  amount_eur: number;
  c_loan_count: number;
  c_amount_eur: number;
  date: string;
}

/** PGE totals per department: all sections and section C (manufacturing). */
export function pgeTotals(db: Kysely<FinancingDB>, codes: string[]): Promise<PgeTotals[]> {
  return db
    .selectFrom('pge_department')
    .select((eb) => [
      'department_code',
      eb.fn.sum<number>('loan_count').as('loan_count'),
      eb.fn.sum<number>('amount_eur').as('amount_eur'),
      sql<number>`sum(case when section_code = 'C' then loan_count else 0 end)`.as('c_loan_count'),
      sql<number>`sum(case when section_code = 'C' then amount_eur else 0 end)`.as('c_amount_eur'),
      sql<string>`max(date)`.as('date'),
    ])
    .where('department_code', 'in', codes)
    .groupBy('department_code')
    .execute();
}

export function indicators(db: Kysely<FinancingDB>, codes: string[]): Promise<Indicator[]> {
  return db.selectFrom('indicator_department').selectAll().where('department_code', 'in', codes).execute();
}

/**
 * Replaces the reference data and the sample, inside the load's transaction. Declared financings
 * (origin OPERATOR) are kept: only SAMPLE rows are deleted and re-inserted.
 */
export async function replaceData(
  trx: Kysely<FinancingDB>,
  data: {
    territories: PerimeterTerritory[];
    services: CatalogueService[];
    pge: Pge[];
    indicators: Indicator[];
    sample: NewFinancing[];
  },
): Promise<void> {
  await trx.deleteFrom('financing').where('origin', '=', 'SAMPLE').execute();
  for (const table of [
    'department_context',
    'indicator_department',
    'pge_department',
    'service_axis',
    'territory_department',
    'territory',
  ] as const)
    await trx.deleteFrom(table).execute();
  await insertMany(
    trx,
    'territory',
    data.territories.map((t) => ({ id: t.id, phase: t.phase, region_code: t.regionCode })),
  );
  await insertMany(
    trx,
    'territory_department',
    data.territories.flatMap((t) => t.departmentCodes.map((code) => ({ territory_id: t.id, department_code: code }))),
  );
  await insertMany(
    trx,
    'service_axis',
    data.services.flatMap((s) => s.axes.map((axis) => ({ service_id: s.id, axis }))),
  );
  await insertMany(trx, 'pge_department', data.pge);
  await insertMany(trx, 'indicator_department', data.indicators);
  const codes = [...new Set([...data.pge, ...data.indicators].map((r) => r.department_code))].sort();
  // Spread: insertMany takes plain records.
  await insertMany(
    trx,
    'department_context',
    (await computeDepartmentContexts(trx, codes)).map((row) => ({ ...row })),
  );
  await insertMany(trx, 'financing', data.sample);
}
