// Row types of the programme database (see migrations/).
import type { DatasetRow } from '../runtime/migrations.ts';

/** Lists are stored `;A;B;` so that one `like '%;A;%'` filters them in the same statement. */
export interface PanierServiceRow {
  id: string;
  position: number;
  name: string;
  operator: string | null;
  carrier: string;
  search_carrier: string;
  carrier_kind: string;
  axes: string;
  description: string;
  audiences: string;
  aid_types: string;
  start_date: string | null;
  submission_deadline: string | null;
  recurrence: string | null;
  amount_rule: string | null;
  /** 1, 0, or null when not known. */
  in_france_relance: number | null;
  official_url: string | null;
  source: string;
  source_quote: string | null;
  also_listed_as: string;
}
export interface ProgrammeDocumentRow {
  id: string;
  title: string;
  date: string;
  publisher: string;
  kind: string;
  note: string | null;
}
export interface MilestoneRow {
  position: number;
  date: string;
  event: string;
  document: string;
  quote: string;
}
export interface CommitmentRow {
  id: string;
  position: number;
  label: string;
  value: number;
  unit: string;
  at_least: number;
  announced_on: string;
  document: string;
  quote: string;
}
export interface ProgrammePhaseRow {
  id: string;
  position: number;
  name: string;
  start_month: string;
  end_month: string;
  phase: string;
  territory_count: number;
  document: string;
  quote: string;
}

export interface ProgrammeDB {
  panier_service: PanierServiceRow;
  programme_document: ProgrammeDocumentRow;
  milestone: MilestoneRow;
  commitment: CommitmentRow;
  programme_phase: ProgrammePhaseRow;
  dataset: DatasetRow;
}

export const joinList = (values: string[]) => (values.length ? `;${values.join(';')};` : '');
export const splitList = (stored: string) => stored.split(';').filter(Boolean);
