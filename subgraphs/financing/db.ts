// Tables of the financing database (see migrations/) and the row types derived from them.
import type { Insertable, Selectable } from 'kysely';
import type { DatasetRow } from '../runtime/migrations.ts';

/** A territory of either phase, copied from the perimeters so aggregates can group and list them in SQL. */
export interface TerritoryTable {
  id: string;
  phase: string;
  region_code: string;
}
export interface TerritoryDepartmentTable {
  territory_id: string;
  department_code: string;
}
/** A service of the catalogue and its axes (one row per axis), so axis filters run in SQL. */
export interface ServiceAxisTable {
  service_id: string;
  axis: string;
}
/** A sample company (generation only: every financing carries its company on the row). */
export interface SampleCompany {
  siren: string;
  name: string;
  naf: string;
  territory_id: string;
}
export interface FinancingTable {
  reference: string;
  territory_id: string;
  siren: string;
  /** The company as declared by the operator, or the sample company: always on the row (no join). */
  company_name: string;
  company_naf: string;
  service_id: string;
  instrument: string;
  amount_eur: number;
  date: string;
  year: number;
  status: string;
  /** SAMPLE (generated) or OPERATOR (declared by Bpifrance through the hub; survives sample reloads). */
  origin: 'SAMPLE' | 'OPERATOR';
  /** Action sheet of the programme the record serves (id in the programme subgraph), or null. */
  action_sheet_id: string | null;
}
export interface PgeTable {
  department_code: string;
  department_name: string;
  section_code: string;
  section_label: string;
  loan_count: number;
  amount_eur: number;
  date: string;
}
export interface IndicatorTable {
  department_code: string;
  indicator_id: string;
  label: string;
  value: number;
  date: string;
  initial_value: number | null;
  initial_date: string | null;
  unit: string;
}
/** A department's PGE totals and Baromètre indicator, computed at load (null columns: not in that source). */
export interface DepartmentContextTable {
  department_code: string;
  pge_loan_count: number | null;
  pge_amount_eur: number | null;
  pge_c_loan_count: number | null;
  pge_c_amount_eur: number | null;
  pge_date: string | null;
  indicator_id: string | null;
  indicator_label: string | null;
  indicator_value: number | null;
  indicator_date: string | null;
  indicator_initial_value: number | null;
  indicator_initial_date: string | null;
  indicator_unit: string | null;
}

export interface FinancingDB {
  territory: TerritoryTable;
  territory_department: TerritoryDepartmentTable;
  service_axis: ServiceAxisTable;
  financing: FinancingTable;
  pge_department: PgeTable;
  indicator_department: IndicatorTable;
  department_context: DepartmentContextTable;
  dataset: DatasetRow;
}

export type Financing = Selectable<FinancingTable>;
export type NewFinancing = Insertable<FinancingTable>;
export type Pge = Insertable<PgeTable>;
export type Indicator = Selectable<IndicatorTable>;
export type DepartmentContextRow = Selectable<DepartmentContextTable>;
