// All of the financing subgraph's own SQL, as functions taking `db` (Kysely's example app): the loaders and
// the load call these; resolvers never write SQL. Record pages and writes are the kit's (runtime/).
import { sql, type Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import type { PerimeterTerritory } from '../runtime/perimeters.ts';
import { GRANTED_STATUSES, type Axis, type CatalogueService } from './catalogue.ts';
import type { DepartmentContextRow, FinancingDB, Indicator, NewFinancing, Pge } from './db.ts';

const granted = [...GRANTED_STATUSES];

export interface SummaryRow {
  territory_id: string;
  record_count: number;
  amount: number;
  service_count: number;
}

/** PanierSummary figures over financings granted, per territory. */
export function summaries(db: Kysely<FinancingDB>, ids: string[]): Promise<SummaryRow[]> {
  return db
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
    .execute();
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

/** Figures per (territory, service | instrument): all statuses, with granted/requested/paid split. */
export function groupTotals(
  db: Kysely<FinancingDB>,
  column: 'service_id' | 'instrument',
  ids: string[],
): Promise<GroupTotalRow[]> {
  const isGranted = sql`status in (${sql.join(granted)})`;
  return db
    .selectFrom('financing')
    .select((eb) => [
      'territory_id',
      eb.ref(column).as('group_key'),
      eb.fn.countAll<number>().as('record_count'),
      sql<number>`sum(case when ${isGranted} then 1 else 0 end)`.as('granted_count'),
      sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('operator_count'),
      sql<number>`sum(case when origin = 'OPERATOR' and ${isGranted} then 1 else 0 end)`.as('operator_granted_count'),
      sql<number>`sum(case when status = 'REQUESTED' then amount_eur else 0 end)`.as('requested_amount'),
      sql<number>`sum(case when ${isGranted} then amount_eur else 0 end)`.as('granted_amount'),
      sql<number>`sum(case when status = 'PAID' then amount_eur else 0 end)`.as('paid_amount'),
      sql<number>`count(distinct case when ${isGranted} then siren end)`.as('beneficiary_count'),
      sql<string | null>`min(case when ${isGranted} then date end)`.as('first_date'),
      sql<string | null>`max(case when ${isGranted} then date end)`.as('last_date'),
    ])
    .where('territory_id', 'in', ids)
    .groupBy(['territory_id', column])
    .orderBy('territory_id')
    .orderBy(column)
    .execute();
}

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

/** Financings granted summed per phase, region or territory. */
export function totals(
  db: Kysely<FinancingDB>,
  args: { by: 'PHASE' | 'REGION' | 'TERRITORY'; phase?: string | null; axis?: Axis | null },
) {
  const column = ({ PHASE: 't.phase', REGION: 't.region_code', TERRITORY: 't.id' } as const)[args.by];
  let query = db
    .selectFrom('financing as f')
    .innerJoin('territory as t', 't.id', 'f.territory_id')
    .where('f.status', 'in', granted);
  if (args.phase) query = query.where('t.phase', '=', args.phase);
  if (args.axis) {
    const axis = args.axis;
    query = query.where('f.service_id', 'in', (eb) =>
      eb.selectFrom('service_axis').select('service_id').where('axis', '=', axis),
    );
  }
  return query
    .select((eb) => [
      eb.ref(column).as('key'),
      sql<number>`count(distinct f.territory_id)`.as('territory_count'),
      eb.fn.countAll<number>().as('record_count'),
      eb.fn.sum<number>('f.amount_eur').as('amount'),
      sql<number>`count(distinct f.siren)`.as('beneficiary_count'),
    ])
    .groupBy(column)
    .orderBy(column)
    .execute();
}

/** Territories of a phase with (or without) at least one financing granted. */
export function territoriesByMobilisation(db: Kysely<FinancingDB>, phase: string, mobilised: boolean) {
  return db
    .selectFrom('territory as t')
    .select('t.id')
    .where('t.phase', '=', phase)
    .where((eb) => {
      const some = eb.exists(
        eb
          .selectFrom('financing as f')
          .select('f.reference')
          .whereRef('f.territory_id', '=', 't.id')
          .where('f.status', 'in', granted),
      );
      return mobilised ? some : eb.not(some);
    })
    .orderBy('t.id')
    .execute();
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
