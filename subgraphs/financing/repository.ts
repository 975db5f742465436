// All of the financing subgraph's own SQL, as functions taking `db` (Kysely's example app): the loaders and
// the load call these; resolvers never write SQL. Record pages and writes are the kit's (runtime/).
import { sql, type Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import type { PerimeterTerritory } from '../runtime/perimeters.ts';
import type { CatalogueService } from './catalogue.ts';
import type { FinancingDB, Indicator, NewFinancing, Pge } from './db.ts';

export function departmentsOf(db: Kysely<FinancingDB>, ids: string[]) {
  return db
    .selectFrom('territory_department')
    .selectAll()
    .where('territory_id', 'in', ids)
    .orderBy('department_code')
    .execute();
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
  await insertMany(trx, 'financing', data.sample);
}
