// France Travail's hiring-needs survey (« Besoins en main-d'œuvre », BMO 2024): reading the published file,
// the territories' coverage, and adding up a territory's figures (its SQL is in repository.ts, its resolvers in
// resolvers.ts).
// Withheld cells (`*`, statistical secrecy) stay withheld: null plus a count, never 0.
import { parse } from 'csv-parse/sync';
import type { DatasetRow } from '../runtime/migrations.ts';
import type { BmoNeed, BmoOccupation, HiringNeedsCoverage } from './db.ts';

export const HIRING_NEEDS_FILE = new URL('./data/bmo_2024_open_data.csv', import.meta.url);
export const HIRING_NEEDS_YEAR = 2024;

export const HIRING_NEEDS_DATASETS: DatasetRow[] = [
  {
    id: 'france-travail-bmo-2024',
    title: "Enquête Besoins en main-d'œuvre (BMO) 2024 : projets de recrutement par bassin d'emploi et métier",
    publisher: 'France Travail',
    licence:
      'Not stated in the files; published by France Travail on data.gouv.fr, whose France Travail datasets are under Licence Ouverte / Etalab 2.0 (to confirm on the dataset page)',
    url: 'https://www.data.gouv.fr/fr/datasets/r/4319f5e8-a8e6-476c-8da0-c0d3439ebb55',
    date: '2024-04-25',
    nature: 'REAL',
    note: 'Sheet BMO_2024_open_data of Base_open_data_BMO_2024.xlsx as CSV (values unchanged), copied from dataforgoodfr/13_odis (commit c81ad26). 53,443 rows (basin × department × occupation: a basin across departments has one row per department part, summed by the hub); met = projects, xmet = judged difficult, smet = seasonal; `*` = withheld by France Travail, served as withheld (null), never 0. Methodology: https://statistiques.francetravail.org/bmo/static/methode_2024',
  },
  {
    id: 'recruitment-besoins-territoires',
    title: "Besoins en main-d'œuvre par Territoire d'industrie (somme des bassins d'emploi du territoire)",
    publisher: 'Hub Territoires d’industrie, from France Travail (BMO 2024) and ANCT data',
    licence: 'Licence Ouverte / Etalab 2.0',
    url: null,
    date: '2024-04-25',
    nature: 'DERIVED',
    note: "Sum of the BMO figures of every basin containing at least one of the territory's communes (whole basins, not apportioned): a basin can reach beyond the territory, see coverage. Sums leave withheld cells out and count them (withheldCells).",
  },
];

/** FAP domains of industry (C électricité-électronique, D mécanique-métaux, E process, F matériaux souples-bois-graphiques, G maintenance, H ingénieurs et cadres de l'industrie). */
export const INDUSTRIAL_FAP_DOMAINS = ['C', 'D', 'E', 'F', 'G', 'H'];
export const isIndustrial = (occupationCode: string) => INDUSTRIAL_FAP_DOMAINS.includes(occupationCode[0]!);

/** Parses the published CSV; a cell that is neither a count nor `*` is an error naming its line. */
export function readHiringNeeds(csv: Buffer | string): { occupations: BmoOccupation[]; needs: BmoNeed[] } {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const occupations = new Map<string, BmoOccupation>();
  const needs: BmoNeed[] = [];
  const count = (value: string | undefined, line: number, column: string) => {
    if (value === '*') return null;
    if (!/^\d+$/.test(value ?? ''))
      throw new Error(`${HIRING_NEEDS_FILE.pathname}, line ${line}: ${column} "${value}" is neither a count nor *`);
    return Number(value);
  };
  rows.forEach((r, i) => {
    const code = r['Code métier BMO']!;
    occupations.set(code, {
      code,
      name: r['Nom métier BMO']!,
      family_code: r.Famille_met!,
      family_label: r.Lbl_fam_met!,
      industrial: isIndustrial(code) ? 1 : 0,
    });
    needs.push({
      basin_code: r.BE24!,
      department_code: r.Dept!,
      occupation_code: code,
      projects: count(r.met, i + 2, 'met'),
      difficult: count(r.xmet, i + 2, 'xmet'),
      seasonal: count(r.smet, i + 2, 'smet'),
    });
  });
  return { occupations: [...occupations.values()], needs };
}

/**
 * Per territory, how much of the survey its basins cover: communes and population of the territory inside
 * basins that have BMO figures, and the population of those basins.
 */
export function hiringCoverage(
  territories: { id: string; communeCodes: string[] }[],
  basinOf: Map<string, { code: string; name: string }>,
  populationOf: (commune: string) => number,
  needs: BmoNeed[],
): HiringNeedsCoverage[] {
  const surveyed = new Set(needs.map((n) => n.basin_code));
  const basinPopulation = new Map<string, number>();
  for (const [commune, basin] of basinOf)
    basinPopulation.set(basin.code, (basinPopulation.get(basin.code) ?? 0) + populationOf(commune));
  return territories.map((t) => {
    const inBasins = t.communeCodes.filter((c) => surveyed.has(basinOf.get(c)?.code ?? ''));
    const basins = new Set(inBasins.map((c) => basinOf.get(c)!.code));
    return {
      territory_id: t.id,
      basin_count: basins.size,
      commune_count: t.communeCodes.length,
      communes_in_basins: inBasins.length,
      population: t.communeCodes.reduce((sum, c) => sum + populationOf(c), 0),
      population_in_basins: inBasins.reduce((sum, c) => sum + populationOf(c), 0),
      basins_population: [...basins].reduce((sum, b) => sum + (basinPopulation.get(b) ?? 0), 0),
    };
  });
}

/** Counts of a group of BMO cells: sums leave withheld (null) cells out, and the withheld ones are counted. */
export interface CountColumns {
  projects: number | null;
  projects_withheld: number;
  difficult: number | null;
  difficult_withheld: number;
  seasonal: number | null;
  seasonal_withheld: number;
}

/** A published figure or a sum of them: null when every cell is withheld, a lower bound when some are. */
export function figure(value: number | null, withheldCells: number) {
  return { value, withheld: withheldCells > 0, withheldCells };
}
export function add(rows: CountColumns[]) {
  const sum = (key: 'projects' | 'difficult' | 'seasonal') => {
    const published = rows.filter((r) => r[key] !== null);
    const withheld = rows.reduce((n, r) => n + r[`${key}_withheld`], 0);
    return figure(published.length ? published.reduce((n, r) => n + r[key]!, 0) : null, withheld);
  };
  return { projects: sum('projects'), difficult: sum('difficult'), seasonal: sum('seasonal') };
}
export const byKey = <T>(rows: T[], key: (r: T) => string) => {
  const map = new Map<string, T[]>();
  for (const r of rows) map.set(key(r), [...(map.get(key(r)) ?? []), r]);
  return map;
};
