import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { sql, type Kysely } from 'kysely';
import { badInput, notFound } from '../runtime/errors.ts';
import { checkDepartmentCode, checkInsee, checkRegionCode, checkSiren } from '../runtime/identifiers.ts';
import { decodeKeyset, encodeKeyset, pageSize } from '../runtime/cursors.ts';
import { PHASES, type PhaseId } from '../runtime/perimeters.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import {
  searchable,
  type CommuneRow,
  type DepartmentRow,
  type GroupementRow,
  type PhaseLinkRow,
  type RegionRow,
  type TerritoriesDB,
  type TerritoryRow,
} from './db.ts';
import { checkTolerance, featureCollection, MAP_MAX_BYTES, simplified, TOLERANCE } from './geometry.ts';
import { DATASETS } from './load.ts';
import type { TerritoriesLoaders } from './loaders.ts';

export interface TerritoriesContext extends SubgraphContext {
  db: Kysely<TerritoriesDB>;
  loaders: TerritoriesLoaders;
}

interface TerritoriesArgs {
  first?: number | null;
  after?: string | null;
  phase?: PhaseId | null;
  region?: string | null;
  department?: string | null;
  search?: string | null;
}

const byPhase =
  (phase: PhaseId | null | undefined) =>
  <T extends { phase: string }>(rows: T[]) =>
    phase ? rows.filter((r) => r.phase === phase) : rows;

/** `2023-2027:ti-0101`; a bare `ti-0101` is accepted only where it names a single territory. */
async function resolveTerritoryId(ctx: TerritoriesContext, id: string): Promise<TerritoryRow> {
  if (/^ti-\d{4}$/.test(id)) {
    const rows = await ctx.db.selectFrom('territory').selectAll().where('code', '=', id).execute();
    if (rows.length > 1) {
      throw badInput('id', `"${id}" names a territory in each phase: use ${rows.map((r) => `"${r.id}"`).join(' or ')}`);
    }
    if (rows[0]) return rows[0];
  } else if (!/^\d{4}-\d{4}:ti-\d{4}$/.test(id)) {
    throw badInput(
      'id',
      `"${id.slice(0, 40)}" is not a territory id (expected <phase>:<code>, e.g. 2023-2027:ti-8412)`,
    );
  }
  const row = await ctx.loaders.territory.load(id);
  if (!row) throw notFound(`territory "${id}"`, 'id');
  return row;
}

export const resolvers: GraphQLResolverMap<TerritoriesContext> = {
  // GraphQL enum values ↔ the phase labels stored in the database.
  Phase: { PHASE_2019_2022: '2019-2022', PHASE_2023_2027: '2023-2027' } as never,

  Query: {
    territory: (_: unknown, { id }: { id: string }, ctx: TerritoriesContext) => resolveTerritoryId(ctx, id),

    async territories(_: unknown, args: TerritoriesArgs, ctx: TerritoriesContext) {
      const first = pageSize(args.first);
      // The kit's keyset cursors on the territories' stable load order (reference data: never renumbered).
      const afterPosition = Number(decodeKeyset(args.after, ['integer'])?.[0] ?? -1);
      if (args.region != null) {
        checkRegionCode(args.region);
        if (!(await ctx.loaders.region.load(args.region))) throw notFound(`region "${args.region}"`, 'region');
      }
      if (args.department != null) {
        checkDepartmentCode(args.department);
        if (!(await ctx.loaders.department.load(args.department)))
          throw notFound(`department "${args.department}"`, 'department');
      }
      const search = args.search != null ? searchable(args.search) : undefined;
      if (search !== undefined && search.length > 100) throw badInput('search', 'must be at most 100 characters');

      let filtered = ctx.db.selectFrom('territory');
      if (args.phase) filtered = filtered.where('phase', '=', args.phase);
      if (args.region) filtered = filtered.where('region_code', '=', args.region);
      if (args.department) {
        const department = args.department;
        filtered = filtered.where('id', 'in', (qb) =>
          qb.selectFrom('territory_department').select('territory_id').where('department_code', '=', department),
        );
      }
      if (search) {
        const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        filtered = filtered.where(sql<boolean>`search_name like ${pattern} escape '\\'`);
      }
      // One statement for the page and the total, as the kit's pages (runtime/loaders.ts): the territories up to the
      // cursor are counted (`kit_before`) and the last of them comes along, so that the total is known even when
      // nothing follows the cursor.
      const numbered = filtered
        .selectAll()
        .select([
          sql<number>`row_number() over (order by position)`.as('kit_rn'),
          sql<number>`count(*) over ()`.as('kit_total'),
          sql<number>`sum(case when position > ${afterPosition} then 0 else 1 end) over ()`.as('kit_before'),
        ])
        .as('p');
      const rows = await ctx.db
        .selectFrom(numbered)
        .selectAll()
        .where(sql<boolean>`kit_rn >= kit_before and kit_rn <= kit_before + ${first + 1}`)
        .orderBy('position')
        .execute();
      const totalCount = Number(rows[0]?.kit_total ?? 0);
      const after = rows
        .filter((r) => Number(r.kit_rn) > Number(r.kit_before))
        .map(({ kit_rn: _rn, kit_total: _total, kit_before: _before, ...row }) => row);
      const nodes = after.slice(0, first);
      for (const row of nodes) ctx.loaders.territory.prime(row.id, row);
      const last = nodes[nodes.length - 1];
      return {
        totalCount,
        nodes,
        pageInfo: { hasNextPage: after.length > first, endCursor: last ? encodeKeyset([last.position]) : null },
      };
    },

    async territoriesByCommune(
      _: unknown,
      { insee, phase }: { insee: string; phase?: PhaseId },
      ctx: TerritoriesContext,
    ) {
      checkInsee(insee);
      if (!(await ctx.loaders.commune.load(insee))) throw notFound(`commune "${insee}"`, 'insee');
      return byPhase(phase)(await ctx.loaders.territoriesOfCommune.load(insee));
    },

    async territoriesByGroupement(
      _: unknown,
      { siren, phase }: { siren: string; phase?: PhaseId },
      ctx: TerritoriesContext,
    ) {
      checkSiren(siren);
      return byPhase(phase)(await ctx.loaders.territoriesOfGroupement.load(siren));
    },

    async phases(_: unknown, __: unknown, ctx: TerritoriesContext) {
      const counts = await ctx.db
        .selectFrom('territory')
        .select(['phase', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('phase')
        .execute();
      return PHASES.map((phase) => ({
        phase,
        label: phase,
        territoryCount: Number(counts.find((c) => c.phase === phase)?.n ?? 0),
      }));
    },

    regions: (_: unknown, __: unknown, ctx: TerritoriesContext) =>
      ctx.db.selectFrom('region').selectAll().orderBy('code').execute(),

    async region(_: unknown, { code }: { code: string }, ctx: TerritoriesContext) {
      return (
        (await ctx.loaders.region.load(checkRegionCode(code, 'code'))) ??
        Promise.reject(notFound(`region "${code}"`, 'code'))
      );
    },
    async department(_: unknown, { code }: { code: string }, ctx: TerritoriesContext) {
      return (
        (await ctx.loaders.department.load(checkDepartmentCode(code, 'code'))) ??
        Promise.reject(notFound(`department "${code}"`, 'code'))
      );
    },
    async commune(_: unknown, { insee }: { insee: string }, ctx: TerritoriesContext) {
      return (
        (await ctx.loaders.commune.load(checkInsee(insee))) ?? Promise.reject(notFound(`commune "${insee}"`, 'insee'))
      );
    },

    async territoryMap(_: unknown, args: { phase: PhaseId; tolerance: number }, ctx: TerritoriesContext) {
      const tolerance = checkTolerance(args.tolerance, TOLERANCE.mapDefault / 10);
      const rows = await ctx.db
        .selectFrom('territory as t')
        .innerJoin('territory_geometry as g', 'g.territory_id', 't.id')
        .select(['t.id', 't.code', 't.name', 't.region_code', 'g.geojson'])
        .where('t.phase', '=', args.phase)
        .orderBy('t.position')
        .execute();
      const map = featureCollection(
        rows.map((r) => ({
          type: 'Feature',
          id: r.id,
          properties: { id: r.id, code: r.code, name: r.name, region: r.region_code },
          geometry: simplified(r.geojson, tolerance),
        })),
      );
      const bytes = Buffer.byteLength(JSON.stringify(map));
      if (bytes > MAP_MAX_BYTES)
        throw badInput(
          'tolerance',
          `at tolerance ${tolerance} the map of ${args.phase} weighs ${bytes} bytes, over the ${MAP_MAX_BYTES}-byte bound: raise the tolerance`,
        );
      return map;
    },

    territoryDatasets: (_: unknown, __: unknown, ctx: TerritoriesContext) =>
      ctx.db.selectFrom('dataset').selectAll().orderBy('id').execute(),
  },

  Territory: {
    // Unknown ids resolve to null, as the federation spec expects for _entities.
    __resolveReference: (ref: { id: string }, ctx: TerritoriesContext) => ctx.loaders.territory.load(ref.id),
    // The territory's geography is on its row (built at load, migration 004): no further statement.
    region: (t: TerritoryRow): RegionRow => ({ code: t.region_code, name: t.region_name }),
    departments: (t: TerritoryRow) => JSON.parse(t.departments) as DepartmentRow[],
    groupements: (t: TerritoryRow) => JSON.parse(t.groupements) as GroupementRow[],
    groupementCount: (t: TerritoryRow) => t.groupement_count,
    communeCount: (t: TerritoryRow) => t.commune_count,
    communes: (t: TerritoryRow, _: unknown, ctx: TerritoriesContext) => ctx.loaders.communesOfTerritory.load(t.id),
    dataset: () => DATASETS[0],
    otherPhase: (t: TerritoryRow, _: unknown, ctx: TerritoriesContext) => ctx.loaders.phaseLinksOfTerritory.load(t.id),
    async geometry(t: TerritoryRow, args: { tolerance: number }, ctx: TerritoriesContext) {
      const tolerance = checkTolerance(args.tolerance);
      const row = await ctx.loaders.geometry.load(t.id);
      return row ? simplified(row.geojson, tolerance) : null;
    },
  },

  // A count of the official list: computed by the hub from ANCT's real data.
  PhaseSummary: { nature: () => 'DERIVED', datasets: () => [DATASETS[0]] },

  // Computed by the hub from ANCT's perimeters and the COG 2026 commune populations.
  PhaseLink: {
    territory: (l: PhaseLinkRow, _: unknown, ctx: TerritoriesContext) => ctx.loaders.territory.load(l.other_id),
    sharedSirens: (l: PhaseLinkRow) => l.shared_sirens.split(';'),
    sharedPopulation: (l: PhaseLinkRow) => l.shared_population,
    populationShare: (l: PhaseLinkRow) => l.population_share,
    otherPopulationShare: (l: PhaseLinkRow) => l.other_population_share,
    nature: () => 'DERIVED',
    datasets: () => DATASETS,
  },

  Groupement: {
    communeCount: (g: GroupementRow) => g.commune_count,
    communes: (g: GroupementRow, _: unknown, ctx: TerritoriesContext) => ctx.loaders.communesOfGroupement.load(g.siren),
    territories: async (g: GroupementRow, { phase }: { phase?: PhaseId }, ctx: TerritoriesContext) =>
      byPhase(phase)(await ctx.loaders.territoriesOfGroupement.load(g.siren)),
  },

  Region: {
    __resolveReference: (ref: { code: string }, ctx: TerritoriesContext) => ctx.loaders.region.load(ref.code),
    departments: (r: RegionRow, _: unknown, ctx: TerritoriesContext) => ctx.loaders.departmentsOfRegion.load(r.code),
    territories: async (r: RegionRow, { phase }: { phase?: PhaseId }, ctx: TerritoriesContext) =>
      byPhase(phase)(await ctx.loaders.territoriesOfRegion.load(r.code)),
  },

  Department: {
    __resolveReference: (ref: { code: string }, ctx: TerritoriesContext) => ctx.loaders.department.load(ref.code),
    region: (d: DepartmentRow, _: unknown, ctx: TerritoriesContext) => ctx.loaders.region.load(d.region_code),
  },

  Commune: {
    __resolveReference: (ref: { code: string }, ctx: TerritoriesContext) => ctx.loaders.commune.load(ref.code),
    department: (c: CommuneRow, _: unknown, ctx: TerritoriesContext) => ctx.loaders.department.load(c.department_code),
    territories: async (c: CommuneRow, { phase }: { phase?: PhaseId }, ctx: TerritoriesContext) =>
      byPhase(phase)(await ctx.loaders.territoriesOfCommune.load(c.code)),
  },
};
