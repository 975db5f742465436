// Row types of the territories database (see migrations/).
export interface RegionRow {
  code: string;
  name: string;
}
export interface DepartmentRow {
  code: string;
  name: string;
  region_code: string;
}
export interface CommuneRow {
  code: string;
  name: string;
  department_code: string;
  population: number;
}
export interface GroupementRow {
  siren: string;
  name: string;
  nature: string;
  population: number;
  commune_count: number;
}
export interface TerritoryRow {
  id: string;
  code: string;
  phase: string;
  name: string;
  search_name: string;
  region_code: string;
  population: number;
  commune_count: number;
  groupement_count: number;
  position: number;
  /** The region's name (migration 004: the territory's geography on its row, built at load). */
  region_name: string;
  /** JSON array of the territory's DepartmentRow, in code order. */
  departments: string;
  /** JSON array of the territory's GroupementRow, in the perimeter's order. */
  groupements: string;
}

/**
 * Two territories of different phases that share groupements (both directions stored). Populations are the COG 2026
 * populations of communes, each commune counted once: `population_share` is the share of `territory_id`'s population
 * living in the communes of the shared groupements, `other_population_share` the same share of `other_id`'s.
 */
export interface PhaseLinkRow {
  territory_id: string;
  other_id: string;
  /** The shared SIRENs, `;`-joined in ascending order. */
  shared_sirens: string;
  shared_population: number;
  population_share: number;
  other_population_share: number;
  /** Order of a territory's links: largest shared population first. */
  position: number;
}

export interface TerritoriesDB {
  region: RegionRow;
  department: DepartmentRow;
  commune: CommuneRow;
  groupement: GroupementRow;
  groupement_commune: { siren: string; commune_code: string };
  territory: TerritoryRow;
  territory_groupement: { territory_id: string; siren: string; position: number };
  territory_department: { territory_id: string; department_code: string };
  territory_commune: { territory_id: string; commune_code: string };
  territory_geometry: { territory_id: string; geojson: string };
  phase_link: PhaseLinkRow;
  dataset: import('../runtime/migrations.ts').DatasetRow;
}

/** Lower case, no accents, single spaces: what `search` compares. */
export function searchable(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[’']/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
