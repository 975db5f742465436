// All of the recruitment subgraph's own SQL, as functions taking `db` (Kysely's example app): the loaders, the
// ranking and the load call these; resolvers never write SQL. Action pages and writes are the kit's (runtime/), and so
// are the actions' aggregates (summary, services, totals: the kit's summary tables, records.ts `actionSummary`).
import { sql, type Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import type { DatasetRow } from '../runtime/migrations.ts';
import type { PerimeterTerritory } from '../runtime/perimeters.ts';
import type { CatalogueService } from './catalogue.ts';
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
