// Tables of the engineering database (see migrations/) and the row types derived from them.
import type { Insertable, Selectable } from 'kysely';
import type { DatasetRow } from '../runtime/migrations.ts';

/** The four kinds of records of the Banque des Territoires slice; each belongs to one catalogue service. */
export const RECORD_KINDS = [
  'ENGINEERING_SUPPORT',
  'PROJECT_MANAGER_COFUNDING',
  'VTE_AID',
  'LOCAL_AUTHORITY_LOAN',
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const STATUSES = ['UNDER_REVIEW', 'COMMITTED', 'PAID', 'CLOSED'] as const;
export type RecordStatus = (typeof STATUSES)[number];

/** Who wrote a record: the hub's generator (SAMPLE) or the Banque des Territoires through the hub (OPERATOR). */
export const ORIGINS = ['SAMPLE', 'OPERATOR'] as const;
export type Origin = (typeof ORIGINS)[number];

export const STUDY_KINDS = ['STRATEGIC_STUDY', 'SECTOR_STUDY', 'INVESTMENT_PROJECT_STUDY'] as const;
export type StudyKind = (typeof STUDY_KINDS)[number];

/**
 * One table for every record kind (single-table inheritance): the kinds share one set of summaries (records.ts
 * `engineeringSummary`), so figures across kinds are exact. Kind-specific columns are null for the other kinds.
 * Pages of a kind walk (territory_id, record_kind, date, reference) with keyset cursors.
 */
export interface EngineeringRecordTable {
  reference: string;
  territory_id: string;
  phase: string;
  region_code: string;
  record_kind: RecordKind;
  service_id: string;
  amount_eur: number;
  date: string;
  year: number;
  status: RecordStatus;
  /** Groupement (studies, project managers, loans) or company (VTE aids). */
  beneficiary_siren: string;
  beneficiary_name: string;
  title: string | null;
  study_kind: StudyKind | null;
  cofunding_rate: number | null;
  months: number | null;
  naf: string | null;
  /** 0/1: SQLite has no booleans. */
  green: number | null;
  purpose: string | null;
  duration_years: number | null;
  /** SAMPLE (generated, replaced on every load) or OPERATOR (written through the API or the import, kept). */
  origin: Origin;
  /** Action sheet of the programme the record serves (id in the programme subgraph), or null. */
  action_sheet_id: string | null;
}

/** A service of the catalogue and its axes (one row per axis), so axis filters run in SQL. */
export interface ServiceAxisTable {
  service_id: string;
  axis: string;
}

export interface EngineeringDB {
  engineering_record: EngineeringRecordTable;
  service_axis: ServiceAxisTable;
  dataset: DatasetRow;
}

export type RecordRow = Selectable<EngineeringRecordTable>;
export type NewRecord = Insertable<EngineeringRecordTable>;
