// Row types of the attractiveness database (see migrations/).
import type { DatasetRow } from '../runtime/migrations.ts';

/** Columns every record table shares: where it is, which service, its order. */
interface RecordBase {
  reference: string;
  territory_id: string;
  phase: string;
  region_code: string;
  service_id: string;
  date: string;
  year: number;
  /** Global order (territory, date descending, reference): keyset pagination walks it. */
  position: number;
}

export interface InvestmentRow extends RecordBase {
  investor_name: string;
  investor_country: string;
  sector: string;
  naf: string;
  kind: string;
  jobs_created: number;
  jobs_saved: number;
  investment_eur: number;
  status: string;
}

export interface ExportSupportRow extends RecordBase {
  company_siren: string;
  company_name: string;
  naf: string;
  offer: string;
  target_country: string;
  status: string;
}

export interface SitePromotionRow extends RecordBase {
  site_name: string;
  commune_name: string;
  hectares: number;
  event: string;
}

export interface AttractivenessDB {
  investment_project: InvestmentRow;
  export_support: ExportSupportRow;
  site_promotion: SitePromotionRow;
  dataset: DatasetRow;
}

export type RecordTable = 'investment_project' | 'export_support' | 'site_promotion';
