// France Travail's hiring-needs survey (« Besoins en main-d'œuvre », BMO 2024): reading the published file,
// loading it, and serving a territory's hiring needs aggregated through its employment basins.
// Withheld cells (`*`, statistical secrecy) stay withheld: null plus a count, never 0.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import DataLoader from 'dataloader';
import { sql, type Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import { badInput } from '../runtime/errors.ts';
import type { DatasetRow } from '../runtime/migrations.ts';

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

export interface BmoOccupation {
  code: string;
  name: string;
  family_code: string;
  family_label: string;
  industrial: number;
}
export interface BmoNeed {
  basin_code: string;
  department_code: string;
  occupation_code: string;
  projects: number | null;
  difficult: number | null;
  seasonal: number | null;
}

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
 * Loads the survey and, per territory, how much of it the territory's basins cover:
 * communes and population of the territory inside basins that have BMO figures, and the population of those basins.
 */
export async function loadHiringNeeds(
  db: Kysely<any>,
  territories: { id: string; communeCodes: string[] }[],
  basinOf: Map<string, { code: string; name: string }>,
  populationOf: (commune: string) => number,
): Promise<void> {
  const { occupations, needs } = readHiringNeeds(readFileSync(HIRING_NEEDS_FILE));
  await insertMany(db, 'bmo_occupation', occupations as unknown as Record<string, unknown>[]);
  await insertMany(db, 'bmo_need', needs as unknown as Record<string, unknown>[]);
  const surveyed = new Set(needs.map((n) => n.basin_code));
  const basinPopulation = new Map<string, number>();
  for (const [commune, basin] of basinOf)
    basinPopulation.set(basin.code, (basinPopulation.get(basin.code) ?? 0) + populationOf(commune));
  await insertMany(
    db,
    'hiring_needs_coverage',
    territories.map((t) => {
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
    }),
  );
}

// ---- reading: one statement per batch of territories ----

interface CountColumns {
  projects: number | null;
  projects_withheld: number;
  difficult: number | null;
  difficult_withheld: number;
  seasonal: number | null;
  seasonal_withheld: number;
}
export interface HiringGroupRow extends CountColumns {
  territory_id: string;
  basin_code: string;
  family_code: string;
  family_label: string;
  industrial: number;
}
export interface HiringOccupationRow extends CountColumns, Omit<BmoOccupation, 'industrial'> {
  territory_id: string;
  industrial: number;
}
interface CoverageRow {
  territory_id: string;
  basin_count: number;
  commune_count: number;
  communes_in_basins: number;
  population: number;
  population_in_basins: number;
  basins_population: number;
}

/** Sums leave withheld (null) cells out; the withheld ones are counted beside. PostgreSQL sums come back as strings. */
const counts = (eb: any) => [
  sql<number | null>`sum(n.projects)`.as('projects'),
  sql<number>`sum(case when n.projects is null then 1 else 0 end)`.as('projects_withheld'),
  sql<number | null>`sum(n.difficult)`.as('difficult'),
  sql<number>`sum(case when n.difficult is null then 1 else 0 end)`.as('difficult_withheld'),
  sql<number | null>`sum(n.seasonal)`.as('seasonal'),
  sql<number>`sum(case when n.seasonal is null then 1 else 0 end)`.as('seasonal_withheld'),
];
const numeric = <T extends CountColumns>(row: T): T => {
  for (const key of [
    'projects',
    'projects_withheld',
    'difficult',
    'difficult_withheld',
    'seasonal',
    'seasonal_withheld',
  ] as const)
    (row as any)[key] = row[key] === null ? null : Number(row[key]);
  return row;
};
const group = <T extends { territory_id: string }>(ids: readonly string[], rows: T[]) => {
  const by = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const row of rows) by.get(row.territory_id)?.push(row);
  return ids.map((id) => by.get(id)!);
};

export function hiringNeedsLoaders(db: Kysely<any>) {
  return {
    /** Per territory: one row per basin × occupation family × industrial or not. */
    hiringGroups: new DataLoader<string, HiringGroupRow[]>(async (ids) =>
      group(
        ids,
        (
          await db
            .selectFrom('territory_basin as tb')
            .innerJoin('bmo_need as n', 'n.basin_code', 'tb.basin_code')
            .innerJoin('bmo_occupation as o', 'o.code', 'n.occupation_code')
            .select(['tb.territory_id', 'n.basin_code', 'o.family_code', 'o.family_label', 'o.industrial'])
            .select(counts)
            .where('tb.territory_id', 'in', [...ids])
            .groupBy(['tb.territory_id', 'n.basin_code', 'o.family_code', 'o.family_label', 'o.industrial'])
            .execute()
        ).map(numeric) as HiringGroupRow[],
      ),
    ),
    /** Per territory: one row per occupation, summed over its basins. */
    hiringOccupations: new DataLoader<string, HiringOccupationRow[]>(async (ids) =>
      group(
        ids,
        (
          await db
            .selectFrom('territory_basin as tb')
            .innerJoin('bmo_need as n', 'n.basin_code', 'tb.basin_code')
            .innerJoin('bmo_occupation as o', 'o.code', 'n.occupation_code')
            .select(['tb.territory_id', 'o.code', 'o.name', 'o.family_code', 'o.family_label', 'o.industrial'])
            .select(counts)
            .where('tb.territory_id', 'in', [...ids])
            .groupBy(['tb.territory_id', 'o.code', 'o.name', 'o.family_code', 'o.family_label', 'o.industrial'])
            .execute()
        ).map(numeric) as HiringOccupationRow[],
      ),
    ),
    hiringCoverage: new DataLoader<string, CoverageRow | null>(async (ids) => {
      const rows = (await db
        .selectFrom('hiring_needs_coverage')
        .selectAll()
        .where('territory_id', 'in', [...ids])
        .execute()) as CoverageRow[];
      const by = new Map(rows.map((r) => [r.territory_id, r]));
      return ids.map((id) => by.get(id) ?? null);
    }),
  };
}

interface HiringLoaders {
  loaders: ReturnType<typeof hiringNeedsLoaders> & {
    dataset: DataLoader<string, DatasetRow | null>;
    basins: DataLoader<string, { basin_code: string; basin_name: string; commune_count: number }[]>;
  };
}

// ---- serving ----

/** A published figure or a sum of them: null when every cell is withheld, a lower bound when some are. */
export function figure(value: number | null, withheldCells: number) {
  return { value, withheld: withheldCells > 0, withheldCells };
}
function add(rows: CountColumns[]) {
  const sum = (key: 'projects' | 'difficult' | 'seasonal') => {
    const published = rows.filter((r) => r[key] !== null);
    const withheld = rows.reduce((n, r) => n + r[`${key}_withheld`], 0);
    return figure(published.length ? published.reduce((n, r) => n + r[key]!, 0) : null, withheld);
  };
  return { projects: sum('projects'), difficult: sum('difficult'), seasonal: sum('seasonal') };
}
const byKey = <T>(rows: T[], key: (r: T) => string) => {
  const map = new Map<string, T[]>();
  for (const r of rows) map.set(key(r), [...(map.get(key(r)) ?? []), r]);
  return map;
};

export interface HiringNeedsParent {
  territoryId: string;
}

/** `RecruitmentSlice.hiringNeeds`. */
export const hiringNeedsOfSlice = (slice: { territoryId: string }): HiringNeedsParent => ({
  territoryId: slice.territoryId,
});

export const hiringNeedsResolvers = {
  HiringNeeds: {
    year: () => HIRING_NEEDS_YEAR,
    async nature(p: HiringNeedsParent, _: unknown, ctx: HiringLoaders) {
      const coverage = await ctx.loaders.hiringCoverage.load(p.territoryId);
      return (coverage?.basin_count ?? 0) > 1 ? 'DERIVED' : 'REAL';
    },
    async total(p: HiringNeedsParent, _: unknown, ctx: HiringLoaders) {
      return add(await ctx.loaders.hiringGroups.load(p.territoryId));
    },
    async industrial(p: HiringNeedsParent, _: unknown, ctx: HiringLoaders) {
      return add((await ctx.loaders.hiringGroups.load(p.territoryId)).filter((r) => r.industrial === 1));
    },
    async families(p: HiringNeedsParent, _: unknown, ctx: HiringLoaders) {
      const rows = await ctx.loaders.hiringGroups.load(p.territoryId);
      return [...byKey(rows, (r) => r.family_code)].map(([code, list]) => ({
        code,
        label: list[0]!.family_label,
        ...add(list),
        industrialProjects: add(list.filter((r) => r.industrial === 1)).projects,
      }));
    },
    async occupations(
      p: HiringNeedsParent,
      args: { industrial?: boolean | null; family?: string | null; first: number },
      ctx: HiringLoaders,
    ) {
      if (!Number.isInteger(args.first) || args.first < 1 || args.first > 300)
        throw badInput('first', `must be between 1 and 300, got ${args.first}`);
      if (args.family != null && !/^[A-Z]$/.test(args.family))
        throw badInput('family', `"${args.family.slice(0, 20)}" is not a BMO family code (one capital letter, e.g. I)`);
      const rows = (await ctx.loaders.hiringOccupations.load(p.territoryId)).filter(
        (r) =>
          (args.industrial == null || (r.industrial === 1) === args.industrial) &&
          (args.family == null || r.family_code === args.family),
      );
      // Most projects first; occupations whose count is withheld everywhere come last.
      return rows
        .map((r) => ({ ...r, ...add([r]) }))
        .sort((a, b) => (b.projects.value ?? -1) - (a.projects.value ?? -1) || a.code.localeCompare(b.code))
        .slice(0, args.first);
    },
    async basins(p: HiringNeedsParent, _: unknown, ctx: HiringLoaders) {
      const [basins, rows] = await Promise.all([
        ctx.loaders.basins.load(p.territoryId),
        ctx.loaders.hiringGroups.load(p.territoryId),
      ]);
      const byBasin = byKey(rows, (r) => r.basin_code);
      return basins.map((b) => ({
        code: b.basin_code,
        name: b.basin_name,
        communeCount: b.commune_count,
        surveyed: byBasin.has(b.basin_code),
        ...add(byBasin.get(b.basin_code) ?? []),
      }));
    },
    async coverage(p: HiringNeedsParent, _: unknown, ctx: HiringLoaders) {
      const c = await ctx.loaders.hiringCoverage.load(p.territoryId);
      if (!c) return null;
      return {
        basinCount: c.basin_count,
        communeCount: c.commune_count,
        communesInBasins: c.communes_in_basins,
        populationShare: c.population ? c.population_in_basins / c.population : 0,
        territoryShareOfBasins: c.basins_population ? c.population_in_basins / c.basins_population : 0,
      };
    },
    async datasets(p: HiringNeedsParent, _: unknown, ctx: HiringLoaders) {
      const coverage = await ctx.loaders.hiringCoverage.load(p.territoryId);
      const ids = HIRING_NEEDS_DATASETS.map((d) => d.id).slice(0, (coverage?.basin_count ?? 0) > 1 ? 2 : 1);
      return Promise.all(ids.map((id) => ctx.loaders.dataset.load(id)));
    },
  },
  HiringNeedsOccupation: {
    industrial: (o: { industrial: number }) => o.industrial === 1,
    family: (o: HiringOccupationRow) => ({ code: o.family_code, label: o.family_label }),
  },
};
