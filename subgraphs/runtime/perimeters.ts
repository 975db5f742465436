// Reference perimeters of the programme (ANCT) joined with the official geography
// (@etalab/decoupage-administratif). Read-only, computed once per process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';

const require = createRequire(import.meta.url);

export const PHASES = ['2019-2022', '2023-2027'] as const;
export type PhaseId = (typeof PHASES)[number];

export interface GeoRegion {
  code: string;
  name: string;
}
export interface GeoDepartment {
  code: string;
  name: string;
  regionCode: string;
}
export interface GeoCommune {
  code: string;
  name: string;
  departmentCode: string;
  regionCode: string;
  population: number;
  siren: string | null;
}
export interface GeoGroupement {
  siren: string;
  name: string;
  nature: string;
  communes: string[];
  population: number;
}

export interface PerimeterTerritory {
  /** Entity id, unique across phases: `<phase>:<ANCT code>`, e.g. `2023-2027:ti-0101`. */
  id: string;
  code: string;
  phase: PhaseId;
  name: string;
  regionCode: string;
  groupements: GeoGroupement[];
  departmentCodes: string[];
  communeCodes: string[];
  population: number;
}

export function territoryId(phase: PhaseId, code: string): string {
  return `${phase}:${code}`;
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  region?: string;
  population?: number;
  siren?: string;
}
interface RawGroup {
  code: string;
  nom: string;
  type: string;
  populationMunicipale?: number;
  membres: { code: string; populationMunicipale?: number }[];
}

let geography: ReturnType<typeof buildGeography> | undefined;
export function loadGeography() {
  return (geography ??= buildGeography());
}

function buildGeography() {
  const data = (file: string) => require(`@etalab/decoupage-administratif/data/${file}.json`);
  const regions: GeoRegion[] = (data('regions') as { code: string; nom: string }[]).map((r) => ({
    code: r.code,
    name: r.nom,
  }));
  const departments: GeoDepartment[] = (data('departements') as { code: string; nom: string; region: string }[]).map(
    (d) => ({ code: d.code, name: d.nom, regionCode: d.region }),
  );
  const communes: GeoCommune[] = (data('communes') as RawCommune[])
    .filter((c) => c.type === 'commune-actuelle')
    .map((c) => ({
      code: c.code,
      name: c.nom,
      departmentCode: c.departement ?? '',
      regionCode: c.region ?? '',
      population: c.population ?? 0,
      siren: c.siren ?? null,
    }));
  const communeByCode = new Map(communes.map((c) => [c.code, c]));
  const communeBySiren = new Map(communes.filter((c) => c.siren).map((c) => [c.siren!, c]));
  const groupements = new Map<string, GeoGroupement>();
  for (const g of [...(data('epci') as RawGroup[]), ...(data('ept') as RawGroup[])]) {
    // The groupement's own "population municipale" (INSEE) as published with it.
    const population = g.populationMunicipale ?? g.membres.reduce((sum, m) => sum + (m.populationMunicipale ?? 0), 0);
    groupements.set(g.code, {
      siren: g.code,
      name: g.nom,
      nature: g.type,
      communes: g.membres.map((m) => m.code),
      population,
    });
  }
  // A few territories are single communes: they are groupements of one commune, keyed by the commune's SIREN.
  for (const c of communes) {
    if (c.siren && !groupements.has(c.siren)) {
      groupements.set(c.siren, {
        siren: c.siren,
        name: c.name,
        nature: 'COM',
        communes: [c.code],
        population: c.population,
      });
    }
  }
  return { regions, departments, communes, communeByCode, communeBySiren, groupements };
}

const referenceFile = (phase: PhaseId) => new URL(`./reference/ti-${phase}-groupements.csv`, import.meta.url);

let perimeters: PerimeterTerritory[] | undefined;
/** The 149 territories of 2019-2022 then the 183 of 2023-2027, in ANCT code order. */
export function loadPerimeters(): PerimeterTerritory[] {
  return (perimeters ??= PHASES.flatMap(buildPhase));
}

function buildPhase(phase: PhaseId): PerimeterTerritory[] {
  const geo = loadGeography();
  const rows = parse(readFileSync(referenceFile(phase)), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const byCode = new Map<string, PerimeterTerritory>();
  rows.forEach((row, index) => {
    const code = row.id_ti!;
    const groupement = geo.groupements.get(row.siren_groupement!);
    if (!groupement)
      throw new Error(
        `${referenceFile(phase).pathname} line ${index + 2}: SIREN ${row.siren_groupement} not found in the geography`,
      );
    let territory = byCode.get(code);
    if (!territory) {
      territory = {
        id: territoryId(phase, code),
        code,
        phase,
        name: row.lib_ti!,
        regionCode: row.insee_reg!,
        groupements: [],
        departmentCodes: [],
        communeCodes: [],
        population: 0,
      };
      byCode.set(code, territory);
    }
    territory.groupements.push(groupement);
  });
  for (const t of byCode.values()) {
    const communes = new Set(t.groupements.flatMap((g) => g.communes));
    t.communeCodes = [...communes].sort();
    t.departmentCodes = [...new Set(t.communeCodes.map((c) => geo.communeByCode.get(c)?.departmentCode ?? ''))]
      .filter(Boolean)
      .sort();
    t.population = t.groupements.reduce((sum, g) => sum + g.population, 0);
  }
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** Reads phase, ANCT code and INSEE region code from an entity id; null when malformed. */
export function parseTerritoryId(id: string): { phase: PhaseId; code: string; regionCode: string } | null {
  const match = /^(2019-2022|2023-2027):(ti-(\d{2})\d{2})$/.exec(id);
  return match ? { phase: match[1] as PhaseId, code: match[2]!, regionCode: match[3]! } : null;
}

/** Years covered by each phase's contracts: the dates an operator record of one of its territories may carry. */
export const PHASE_YEARS: Readonly<Record<PhaseId, readonly [number, number]>> = {
  '2019-2022': [2019, 2022],
  '2023-2027': [2023, 2027],
};

let idsByPhase: Map<PhaseId, string[]> | undefined;
/**
 * Territory ids of a phase, in ANCT code order, read from the reference files alone: entity references
 * can be checked without the geography (loadPerimeters) or the database.
 */
export function territoryIdsOf(phase: PhaseId): string[] {
  idsByPhase ??= new Map(
    PHASES.map((p) => {
      const rows = parse(readFileSync(referenceFile(p)), { columns: true, skip_empty_lines: true }) as {
        id_ti: string;
      }[];
      const codes = [...new Set(rows.map((r) => r.id_ti))].sort((a, b) => a.localeCompare(b));
      return [p, codes.map((code) => territoryId(p, code))];
    }),
  );
  return idsByPhase.get(phase)!;
}

let knownIds: Set<string> | undefined;
/** True when the id names a territory of the official lists. */
export function isKnownTerritory(id: string): boolean {
  return (knownIds ??= new Set(PHASES.flatMap(territoryIdsOf))).has(id);
}

let byId: Map<string, PerimeterTerritory> | undefined;
/** A territory of the official lists with its groupements and communes; undefined for an unknown id. */
export function findTerritory(id: string): PerimeterTerritory | undefined {
  return (byId ??= new Map(loadPerimeters().map((t) => [t.id, t]))).get(id);
}

let departmentByCode: Map<string, GeoDepartment> | undefined;
/**
 * A department of the COG (the geography the territories subgraph loads); undefined for an unknown code. Subgraphs
 * that answer the shareable `Department.name` read it here, so that every copy is the same (schema/CONVENTIONS.md).
 */
export function findDepartment(code: string): GeoDepartment | undefined {
  return (departmentByCode ??= new Map(loadGeography().departments.map((d) => [d.code, d]))).get(code);
}
