// Row types of the recruitment database (see migrations/).
import type { DatasetRow } from '../runtime/migrations.ts';

/** One territory of either phase, with the coverage of the job-seeker series over its communes. */
export interface RecruitmentTerritoryRow {
  id: string; phase: string; code: string; region_code: string; position: number;
  /** Sum of the COG 2026 populations of the territory's communes. */
  population: number; commune_count: number;
  /** Communes of the perimeter that have a France Travail series (communes > 5,000 inhabitants). */
  communes_with_data: number;
  /** Sum of the COG populations of those communes. */
  population_covered: number;
}

/** Cleaned France Travail series of one current commune (COG 2026 code), one row per month. */
export interface JobSeekerCommuneRow { commune_code: string; month: string; value: number }

/** Sum of the commune series over a territory's communes, per month (computed at load time). */
export interface JobSeekerTerritoryRow { territory_id: string; month: string; value: number }

/** A BMO hiring-needs basin and how many of the territory's communes lie in it. */
export interface TerritoryBasinRow { territory_id: string; basin_code: string; basin_name: string; commune_count: number }

/** Baromètre des résultats, departmental monthly values of two recruitment indicators. */
export interface DepartmentIndicatorRow { department_code: string; department_name: string; indicator: string; date: string; value: number; unit: string }

/** A recruitment action run in a territory (sample data). */
export interface RecruitmentActionRow {
  reference: string; territory_id: string; service_id: string; title: string; date: string; year: number;
  status: string; participants: number; hires: number; companies: number;
  naf_code: string; sector: string; employer_siren: string | null; employer_name: string | null;
}

export interface RecruitmentDB {
  recruitment_territory: RecruitmentTerritoryRow;
  territory_department: { territory_id: string; department_code: string };
  job_seeker_commune: JobSeekerCommuneRow;
  job_seeker_territory: JobSeekerTerritoryRow;
  territory_basin: TerritoryBasinRow;
  department_indicator: DepartmentIndicatorRow;
  recruitment_action: RecruitmentActionRow;
  dataset: DatasetRow;
}
