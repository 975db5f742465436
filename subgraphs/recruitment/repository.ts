// All of the recruitment subgraph's own SQL, as functions taking `db` (Kysely's example app): the loaders, the
// ranking and the load call these; resolvers never write SQL. Action pages and writes are the kit's (runtime/).
import { sql, type Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import type { DatasetRow } from '../runtime/migrations.ts';
import type { PerimeterTerritory } from '../runtime/perimeters.ts';
import type { Axis, CatalogueService } from './catalogue.ts';
import type {
  BmoNeed,
  BmoOccupation,
  DepartmentIndicator,
  EmploymentBasin,
  HiringNeedsCoverage,
  JobSeekerMonth,
  NewDepartmentIndicator,
  NewJobSeekerCommune,
  NewJobSeekerTerritory,
  NewRecruitmentAction,
  NewRecruitmentTerritory,
  NewTerritoryBasin,
  RecruitmentDB,
  RecruitmentTerritory,
} from './db.ts';
import type { CountColumns } from './hiring-needs.ts';

type DB = Kysely<RecruitmentDB>;

/** A territory with its job-seeker series and basins read from their JSON columns. */
export type TerritoryRow = Omit<RecruitmentTerritory, 'job_seekers' | 'basins'> & {
  job_seekers: JobSeekerMonth[];
  basins: EmploymentBasin[];
};
export const readTerritory = (row: RecruitmentTerritory): TerritoryRow => ({
  ...row,
  job_seekers: JSON.parse(row.job_seekers) as JobSeekerMonth[],
  basins: JSON.parse(row.basins) as EmploymentBasin[],
});

/** Territories with their series and basins (on their rows since migration 007): one statement per batch. */
export async function territories(db: DB, ids: string[]): Promise<TerritoryRow[]> {
  const rows = await db.selectFrom('recruitment_territory').selectAll().where('id', 'in', ids).execute();
  return rows.map(readTerritory);
}

export function allDatasets(db: DB): Promise<DatasetRow[]> {
  return db.selectFrom('dataset').selectAll().orderBy('id').execute();
}

export interface SummaryRow {
  territory_id: string;
  records: number;
  services: number;
  participants: number | null;
}

/** PanierSummary figures over every action of the territory (aggregates are computed at query time). */
export function summaries(db: DB, ids: string[]): Promise<SummaryRow[]> {
  return db
    .selectFrom('recruitment_action')
    .where('territory_id', 'in', ids)
    .groupBy('territory_id')
    .select((eb) => [
      'territory_id',
      eb.fn.countAll<number>().as('records'),
      eb.fn.count<number>('service_id').distinct().as('services'),
      eb.fn.sum<number>('participants').as('participants'),
    ])
    .execute();
}

export interface ServiceRow {
  territory_id: string;
  service_id: string;
  records: number;
  /** Actions of the group declared by France Travail (origin OPERATOR). */
  operator_records: number;
  participants: number | null;
  first_date: string;
  last_date: string;
}

export function serviceTotals(db: DB, ids: string[]): Promise<ServiceRow[]> {
  return db
    .selectFrom('recruitment_action')
    .where('territory_id', 'in', ids)
    .groupBy(['territory_id', 'service_id'])
    .select((eb) => [
      'territory_id',
      'service_id',
      eb.fn.countAll<number>().as('records'),
      sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('operator_records'),
      eb.fn.sum<number>('participants').as('participants'),
      eb.fn.min<string>('date').as('first_date'),
      eb.fn.max<string>('date').as('last_date'),
    ])
    .orderBy('territory_id')
    .orderBy('service_id')
    .execute();
}

export type TerritoryIndicator = DepartmentIndicator & { territory_id: string };

/** The Baromètre series of the departments of each territory. */
export function indicators(db: DB, ids: string[]): Promise<TerritoryIndicator[]> {
  return db
    .selectFrom('territory_department as td')
    .innerJoin('department_indicator as di', 'di.department_code', 'td.department_code')
    .selectAll('di')
    .select('td.territory_id')
    .where('td.territory_id', 'in', ids)
    .orderBy('td.territory_id')
    .orderBy('di.department_code')
    .orderBy('di.indicator')
    .orderBy('di.date')
    .execute();
}

// ---- hiring needs (BMO 2024), through the territory's basins ----

export interface HiringGroupRow extends CountColumns {
  territory_id: string;
  basin_code: string;
  family_code: string;
  family_label: string;
  industrial: number;
}
export interface HiringOccupationRow extends CountColumns {
  territory_id: string;
  code: string;
  name: string;
  family_code: string;
  family_label: string;
  industrial: number;
}

/** Sums leave withheld (null) cells out; the withheld ones are counted beside. */
const counts = () => [
  sql<number | null>`sum(n.projects)`.as('projects'),
  sql<number>`sum(case when n.projects is null then 1 else 0 end)`.as('projects_withheld'),
  sql<number | null>`sum(n.difficult)`.as('difficult'),
  sql<number>`sum(case when n.difficult is null then 1 else 0 end)`.as('difficult_withheld'),
  sql<number | null>`sum(n.seasonal)`.as('seasonal'),
  sql<number>`sum(case when n.seasonal is null then 1 else 0 end)`.as('seasonal_withheld'),
];
/** PostgreSQL sums come back as strings. */
const numeric = <T extends CountColumns>(row: T): T => ({
  ...row,
  industrial: Number((row as T & { industrial: number }).industrial),
  projects: row.projects === null ? null : Number(row.projects),
  projects_withheld: Number(row.projects_withheld),
  difficult: row.difficult === null ? null : Number(row.difficult),
  difficult_withheld: Number(row.difficult_withheld),
  seasonal: row.seasonal === null ? null : Number(row.seasonal),
  seasonal_withheld: Number(row.seasonal_withheld),
});

const needsOfTerritories = (db: DB, ids: string[]) =>
  db
    .selectFrom('territory_basin as tb')
    .innerJoin('bmo_need as n', 'n.basin_code', 'tb.basin_code')
    .innerJoin('bmo_occupation as o', 'o.code', 'n.occupation_code')
    .where('tb.territory_id', 'in', ids);

/** Per territory: one row per basin × occupation family × industrial or not. */
export async function hiringGroups(db: DB, ids: string[]): Promise<HiringGroupRow[]> {
  const rows = await needsOfTerritories(db, ids)
    .select(['tb.territory_id', 'n.basin_code', 'o.family_code', 'o.family_label', 'o.industrial'])
    .select(counts())
    .groupBy(['tb.territory_id', 'n.basin_code', 'o.family_code', 'o.family_label', 'o.industrial'])
    .execute();
  return rows.map(numeric);
}

/** Per territory: one row per occupation, summed over its basins. */
export async function hiringOccupations(db: DB, ids: string[]): Promise<HiringOccupationRow[]> {
  const rows = await needsOfTerritories(db, ids)
    .select(['tb.territory_id', 'o.code', 'o.name', 'o.family_code', 'o.family_label', 'o.industrial'])
    .select(counts())
    .groupBy(['tb.territory_id', 'o.code', 'o.name', 'o.family_code', 'o.family_label', 'o.industrial'])
    .execute();
  return rows.map(numeric);
}

export function hiringCoverage(db: DB, ids: string[]): Promise<HiringNeedsCoverage[]> {
  return db.selectFrom('hiring_needs_coverage').selectAll().where('territory_id', 'in', ids).execute();
}

// ---- graph-wide queries ----

/** Actions summed per phase, region or territory. */
export function totals(
  db: DB,
  args: { by: 'PHASE' | 'REGION' | 'TERRITORY'; phase?: string | null; axis?: Axis | null },
) {
  const column = ({ PHASE: 't.phase', REGION: 't.region_code', TERRITORY: 't.id' } as const)[args.by];
  let query = db
    .selectFrom('recruitment_action as a')
    .innerJoin('recruitment_territory as t', 't.id', 'a.territory_id');
  if (args.phase) query = query.where('t.phase', '=', args.phase);
  if (args.axis) {
    const axis = args.axis;
    query = query.where('a.service_id', 'in', (eb) =>
      eb.selectFrom('service_axis').select('service_id').where('axis', '=', axis),
    );
  }
  return query
    .select((eb) => [
      eb.ref(column).as('key'),
      eb.fn.count<number>('a.territory_id').distinct().as('territories'),
      eb.fn.countAll<number>().as('records'),
      eb.fn.sum<number>('a.participants').as('participants'),
    ])
    .groupBy(column)
    .orderBy(column)
    .execute();
}

/** Territories of a phase with (or without) at least one action, in id order. */
export function territoriesByMobilisation(db: DB, phase: string, mobilised: boolean) {
  return db
    .selectFrom('recruitment_territory')
    .select('id')
    .where('phase', '=', phase)
    .where('id', mobilised ? 'in' : 'not in', (qb) => qb.selectFrom('recruitment_action').select('territory_id'))
    .orderBy('id')
    .execute();
}

/** Each territory of the phase with its job seekers of two months (territories without data drop out of the join). */
export function jobSeekerMonths(db: DB, phase: string, from: string, to: string) {
  return db
    .selectFrom('recruitment_territory as t')
    .innerJoin('job_seeker_territory as f', (j) => j.onRef('f.territory_id', '=', 't.id').on('f.month', '=', from))
    .innerJoin('job_seeker_territory as l', (j) => j.onRef('l.territory_id', '=', 't.id').on('l.month', '=', to))
    .selectAll('t')
    .select(['f.value as from_value', 'l.value as to_value'])
    .where('t.phase', '=', phase)
    .orderBy('t.id')
    .execute();
}

/**
 * Replaces the published data and the sample, inside the load's transaction. Actions declared by France
 * Travail (origin OPERATOR) are kept: only SAMPLE rows are deleted and re-inserted.
 */
export async function replaceData(
  trx: DB,
  data: {
    territories: NewRecruitmentTerritory[];
    perimeters: PerimeterTerritory[];
    services: CatalogueService[];
    jobSeekerCommunes: NewJobSeekerCommune[];
    jobSeekerTerritories: NewJobSeekerTerritory[];
    basins: NewTerritoryBasin[];
    indicators: NewDepartmentIndicator[];
    occupations: BmoOccupation[];
    needs: BmoNeed[];
    coverage: HiringNeedsCoverage[];
    sample: NewRecruitmentAction[];
  },
): Promise<void> {
  await trx.deleteFrom('recruitment_action').where('origin', '=', 'SAMPLE').execute();
  for (const table of [
    'hiring_needs_coverage',
    'bmo_need',
    'bmo_occupation',
    'department_indicator',
    'territory_basin',
    'job_seeker_territory',
    'job_seeker_commune',
    'service_axis',
    'territory_department',
    'recruitment_territory',
  ] as const)
    await trx.deleteFrom(table).execute();
  await insertMany(trx, 'recruitment_territory', data.territories);
  await insertMany(
    trx,
    'territory_department',
    data.perimeters.flatMap((t) => t.departmentCodes.map((code) => ({ territory_id: t.id, department_code: code }))),
  );
  await insertMany(
    trx,
    'service_axis',
    data.services.flatMap((s) => s.axes.map((axis) => ({ service_id: s.id, axis }))),
  );
  await insertMany(trx, 'job_seeker_commune', data.jobSeekerCommunes);
  await insertMany(trx, 'job_seeker_territory', data.jobSeekerTerritories);
  await insertMany(trx, 'territory_basin', data.basins);
  await insertMany(trx, 'department_indicator', data.indicators);
  await insertMany(trx, 'bmo_occupation', data.occupations);
  await insertMany(trx, 'bmo_need', data.needs);
  await insertMany(trx, 'hiring_needs_coverage', data.coverage);
  await insertMany(trx, 'recruitment_action', data.sample);
}
