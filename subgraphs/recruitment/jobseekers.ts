// France Travail job-seeker series: from the source CSV to one clean series per current commune,
// then to one series per territory (sum over its communes that have data).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';
import type { PerimeterTerritory } from '../runtime/perimeters.ts';

export const JOB_SEEKERS_FILE = new URL('./data/emploi_demandeur.csv', import.meta.url);
export const BMO_FILE = new URL('./data/bassin_emploi_bmo.csv', import.meta.url);

const MONTHS = [
  'janvier',
  'fevrier',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'aout',
  'septembre',
  'octobre',
  'novembre',
  'decembre',
];
export const FIRST_MONTH = '2020-01';
export const LAST_MONTH = '2024-12';

/** `janvier_2020` → `2020-01`. */
export function isoMonth(label: string): string {
  const match = /^([a-z]+)_(\d{4})$/.exec(label);
  const index = match ? MONTHS.indexOf(match[1]!) : -1;
  if (!match || index < 0) throw new Error(`emploi_demandeur.csv: unknown month label "${label}"`);
  return `${match[2]}-${String(index + 1).padStart(2, '0')}`;
}

const require = createRequire(import.meta.url);
let delegated: Map<string, string> | undefined;
/**
 * Codes of former communes (communes déléguées / associées, COG 2026) → their current commune.
 * The source labels some merged communes with a former code (49069 Champtoceaux = Orée d'Anjou 49126).
 */
export function formerCommunes(): Map<string, string> {
  if (!delegated) {
    delegated = new Map();
    for (const c of require('@etalab/decoupage-administratif/data/communes.json') as {
      code: string;
      type: string;
      chefLieu?: string;
    }[]) {
      if ((c.type === 'commune-deleguee' || c.type === 'commune-associee') && c.chefLieu && c.chefLieu !== c.code)
        delegated.set(c.code, c.chefLieu);
    }
  }
  return delegated;
}

/**
 * One series per current commune. The source (France Travail labels matched to INSEE codes by the
 * ODIS project) repeats some codes: the k-th row of a (code, month) belongs to the code's k-th series.
 * A series identical month for month to an earlier one of the same commune is a copy and is dropped;
 * different series (several labels of a merged commune, e.g. Saint-Denis + Pierrefitte, Oullins +
 * Pierre-Bénite) are summed. Department (`01`, `974`) and region (`reg84`) rows are not communes.
 * Paris, Lyon and Marseille appear as whole communes (75056, 69123, 13055), like in the perimeters,
 * so no arrondissement mapping is needed.
 */
export function communeSeries(
  csv: Buffer | string,
  isCurrentCommune: (code: string) => boolean,
): Map<string, Map<string, number>> {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as {
    codgeo: string;
    YEAR: string;
    Demandeurs_Emploi: string;
  }[];
  const former = formerCommunes();
  // source code → series index → month → value
  const bySource = new Map<string, Map<string, number>[]>();
  const seen = new Map<string, number>();
  for (const row of rows) {
    if (!/^(\d{5}|2[AB]\d{3})$/.test(row.codgeo)) continue;
    const month = isoMonth(row.YEAR);
    const value = Number(row.Demandeurs_Emploi);
    if (!Number.isFinite(value))
      throw new Error(`emploi_demandeur.csv: bad value "${row.Demandeurs_Emploi}" for ${row.codgeo} ${row.YEAR}`);
    const key = `${row.codgeo}|${month}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    const list = bySource.get(row.codgeo) ?? [];
    bySource.set(row.codgeo, list);
    (list[k] ??= new Map()).set(month, value);
  }
  const byCommune = new Map<string, Map<string, number>[]>();
  for (const [source, series] of bySource) {
    const commune = isCurrentCommune(source) ? source : former.get(source);
    if (!commune || !isCurrentCommune(commune)) continue; // not in COG 2026: cannot be placed in a perimeter
    const list = byCommune.get(commune) ?? [];
    byCommune.set(commune, list);
    for (const s of series) if (!list.some((other) => sameSeries(other, s))) list.push(s);
  }
  const result = new Map<string, Map<string, number>>();
  for (const [commune, list] of byCommune) {
    const total = new Map<string, number>();
    for (const s of list) for (const [month, value] of s) total.set(month, (total.get(month) ?? 0) + value);
    result.set(commune, total);
  }
  return result;
}

function sameSeries(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [month, value] of a) if (b.get(month) !== value) return false;
  return true;
}

export interface TerritoryJobSeekers {
  months: Map<string, number>;
  communesWithData: number;
  populationCovered: number;
}

/** Sum of the commune series over the territory's communes that have data, and the coverage. */
export function territorySeries(
  territory: Pick<PerimeterTerritory, 'communeCodes'>,
  series: Map<string, Map<string, number>>,
  populationOf: (code: string) => number,
): TerritoryJobSeekers {
  const months = new Map<string, number>();
  let communesWithData = 0;
  let populationCovered = 0;
  for (const code of territory.communeCodes) {
    const s = series.get(code);
    if (!s) continue;
    communesWithData++;
    populationCovered += populationOf(code);
    for (const [month, value] of s) months.set(month, (months.get(month) ?? 0) + value);
  }
  return { months, communesWithData, populationCovered };
}

/**
 * BMO basins of a territory: BMO rows of its communes grouped by basin. The BMO file lists Paris,
 * Lyon and Marseille both as whole communes and by arrondissement; perimeters use whole communes,
 * so arrondissement rows never match and each city counts once.
 */
export function territoryBasins(
  communeCodes: string[],
  basinOf: Map<string, { code: string; name: string }>,
): { code: string; name: string; communeCount: number }[] {
  const counts = new Map<string, { code: string; name: string; communeCount: number }>();
  for (const commune of communeCodes) {
    const basin = basinOf.get(commune);
    if (!basin) continue;
    const entry = counts.get(basin.code) ?? { ...basin, communeCount: 0 };
    entry.communeCount++;
    counts.set(basin.code, entry);
  }
  return [...counts.values()].sort((a, b) => b.communeCount - a.communeCount || a.code.localeCompare(b.code));
}

export function readBasins(csv: Buffer | string): Map<string, { code: string; name: string }> {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return new Map(rows.map((r) => [r.code_commune_insee!, { code: r.code_bassin_BMO!, name: r.lib_bassin_BMO! }]));
}

export function readJobSeekerFile(): Buffer {
  return readFileSync(JOB_SEEKERS_FILE);
}
