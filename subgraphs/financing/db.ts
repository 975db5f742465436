// Row types of the financing database (see migrations/).
import type { DatasetRow } from '../runtime/migrations.ts';

/** A territory of either phase, copied from the perimeters so aggregates can group and list them in SQL. */
export interface TerritoryRow {
  id: string;
  phase: string;
  region_code: string;
}
export interface TerritoryDepartmentRow {
  territory_id: string;
  department_code: string;
}
/** A service of the catalogue and its axes (one row per axis), so axis filters run in SQL. */
export interface ServiceAxisRow {
  service_id: string;
  axis: string;
}
export interface CompanyRow {
  siren: string;
  name: string;
  naf: string;
  territory_id: string;
}
export interface FinancingRow {
  reference: string;
  territory_id: string;
  siren: string;
  service_id: string;
  instrument: string;
  amount_eur: number;
  date: string;
  year: number;
  status: string;
  /** Order within a territory (date, reference): keyset pagination walks it. Unique; assigned after every write. */
  position: number | null;
  /** SAMPLE (generated) or OPERATOR (declared by Bpifrance through the hub; survives sample reloads). */
  origin: 'SAMPLE' | 'OPERATOR';
  /** The company as declared by the operator (null on sample rows: see `company`). */
  company_name: string | null;
  company_naf: string | null;
}
export interface PgeRow {
  department_code: string;
  department_name: string;
  section_code: string;
  section_label: string;
  loan_count: number;
  amount_eur: number;
  date: string;
}
export interface IndicatorRow {
  department_code: string;
  indicator_id: string;
  label: string;
  value: number;
  date: string;
  initial_value: number | null;
  initial_date: string | null;
  unit: string;
}

export interface FinancingDB {
  territory: TerritoryRow;
  territory_department: TerritoryDepartmentRow;
  service_axis: ServiceAxisRow;
  company: CompanyRow;
  financing: FinancingRow;
  pge_department: PgeRow;
  indicator_department: IndicatorRow;
  dataset: DatasetRow;
}
