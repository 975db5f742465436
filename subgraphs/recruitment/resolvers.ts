// Maps the recruitment subgraph's rows to its schema; no SQL here (repository.ts, and the kit's pages, writes and
// summaries), no validation of records (the record kind's declaration in records.ts does it, through the kit).
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely } from 'kysely';
import { pageSize } from '../runtime/cursors.ts';
import { badInput } from '../runtime/errors.ts';
import { actionSheetOf, actionSheetReference, linkSummary, sheetSummary } from '../runtime/action-sheet-links.ts';
import { pageRequest, type Page, type PageArgs } from '../runtime/loaders.ts';
import { isKnownTerritory, parseTerritoryId, territoryIdsOf, type PhaseId } from '../runtime/perimeters.ts';
import {
  catalogueEntryDataset,
  provenanceOfCounts,
  provenanceResolvers,
  type RecordProvenance,
} from '../runtime/provenance.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import { dateFigure, figure, readTotals, type Figures, type TotalsGroup } from '../runtime/summaries.ts';
import { createOne, deleteOne, updateOne } from '../runtime/writes.ts';
import {
  CATALOGUE,
  CATALOGUE_DATASET_ID,
  DATASET_IDS,
  DATASETS,
  SERVICE_BY_ID,
  type Axis,
  type CatalogueService,
} from './catalogue.ts';
import type { DepartmentIndicator, RecruitmentAction, RecruitmentDB, RecruitmentTerritory } from './db.ts';
import { add, byKey, HIRING_NEEDS_DATASETS, HIRING_NEEDS_YEAR } from './hiring-needs.ts';
import { FIRST_MONTH, LAST_MONTH } from './jobseekers.ts';
import type { RecruitmentLoaders } from './loaders.ts';
import { actionRecord } from './records.ts';
import * as repository from './repository.ts';

export interface RecruitmentContext extends SubgraphContext {
  db: Kysely<RecruitmentDB>;
  loaders: RecruitmentLoaders;
}

interface Slice {
  territoryId: string;
}
const OPERATOR = 'FRANCE_TRAVAIL';

/** France Travail's slice of one action sheet. */
interface SheetSlice {
  sheetId: string;
}

const connection = (page: Page<RecruitmentAction>) => ({
  totalCount: page.totalCount,
  nodes: page.rows,
  pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
});
const INDICATORS = {
  YOUTH_HIRES: 'nombre-recrutements-jeunes',
  APPRENTICESHIP_CONTRACTS: 'nombre-contrats-apprentissage',
} as const;

const servicesOfAxis = (axis: Axis | null | undefined) =>
  axis ? CATALOGUE.filter((s) => s.axes.includes(axis)) : CATALOGUE;

/** `YYYY-MM` within the series (2020-01 … 2024-12). */
function checkMonth(value: string, argumentName: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value))
    throw badInput(argumentName, `"${value.slice(0, 20)}" is not a month (expected YYYY-MM, e.g. 2020-01)`);
  if (value < FIRST_MONTH || value > LAST_MONTH)
    throw badInput(argumentName, `${value} is outside the job-seeker series (${FIRST_MONTH} to ${LAST_MONTH})`);
  return value;
}
function checkMonthRange(from: string | null | undefined, to: string | null | undefined): [string, string] {
  const f = checkMonth(from ?? FIRST_MONTH, 'from');
  const t = checkMonth(to ?? LAST_MONTH, 'to');
  if (f > t) throw badInput('to', `must not be before from (${t} < ${f})`);
  return [f, t];
}

function change(from: string, to: string, fromValue: number, toValue: number) {
  const diff = toValue - fromValue;
  return {
    from,
    to,
    fromValue,
    toValue,
    change: diff,
    changePercent: fromValue ? Math.round((diff / fromValue) * 10000) / 100 : null,
  };
}

/** A territory's job-seeker series and basins: on its row (one statement per batch of territories). */
const jobSeekersOf = async (ctx: RecruitmentContext, id: string) =>
  (await ctx.loaders.territory.load(id))?.job_seekers ?? [];
const basinsOf = async (ctx: RecruitmentContext, id: string) => (await ctx.loaders.territory.load(id))?.basins ?? [];

/** The datasets are the catalogue's (written at load from the same constant): no statement. */
const datasetById = new Map(DATASETS.map((d) => [d.id, d]));
const dataset = (id: string) => datasetById.get(id)!;

function coverage(t: Omit<RecruitmentTerritory, 'job_seekers' | 'basins'>) {
  return {
    communesWithData: t.communes_with_data,
    communeCount: t.commune_count,
    populationCovered: t.population_covered,
    populationShare: t.population ? Math.round((t.population_covered / t.population) * 10000) / 10000 : 0,
  };
}

/** Aggregates over the recruitment actions: sample ones, or declared by France Travail (runtime/provenance.ts). */
const PROVENANCE: RecordProvenance = {
  tables: ['recruitment_action'],
  sample: DATASETS.filter((d) => d.id === DATASET_IDS.actions),
  declared: DATASETS.find((d) => d.id === DATASET_IDS.operatorActions)!,
};

/** One level of a territory's figures (kit's summaries), as [group key, figures] pairs in key order. */
const groupsOf = async (ctx: RecruitmentContext, territoryId: string, level: string) =>
  [...(await ctx.loaders.figures.load({ territory: territoryId, level }))].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );

export const resolvers: GraphQLResolverMap<RecruitmentContext> = {
  ...provenanceResolvers(
    ['PanierSummary', 'PanierTotal', 'ActionSheetSummary', 'ActionSheetLinkSummary'],
    PROVENANCE,
    (ctx: RecruitmentContext) => ctx.db,
  ),
  Phase: { PHASE_2019_2022: '2019-2022', PHASE_2023_2027: '2023-2027' } as never,
  RecruitmentIndicator: INDICATORS as never,

  Query: {
    recruitmentCatalogue: (_: unknown, { axis }: { axis?: Axis }) => servicesOfAxis(axis),

    async recruitmentTotals(
      _: unknown,
      args: { by: TotalsGroup; phase?: PhaseId | null; axis?: Axis | null },
      ctx: RecruitmentContext,
    ) {
      // Read from the summaries (O(groups)); every action counts, whatever its status.
      const rows = await readTotals(ctx.db, actionRecord, args);
      return rows.map(({ key, figures: f }) => ({
        operator: OPERATOR,
        group: args.by,
        key,
        provenance: provenanceOfCounts(figure(f, 'records'), figure(f, 'declared'), PROVENANCE),
        territoryCount: figure(f, 'territories'),
        recordCount: figure(f, 'records'),
        amountEur: null,
        beneficiaryCount: figure(f, 'participants'),
      }));
    },

    async recruitmentTerritories(
      _: unknown,
      { phase, mobilised }: { phase: PhaseId; mobilised: boolean },
      ctx: RecruitmentContext,
    ) {
      const totals = await readTotals(ctx.db, actionRecord, { by: 'TERRITORY', phase });
      const withActions = new Set(totals.map((t) => t.key));
      return territoryIdsOf(phase)
        .filter((id) => withActions.has(id) === mobilised)
        .sort()
        .map((id) => ({ id }));
    },

    async jobSeekerRanking(
      _: unknown,
      args: {
        phase: PhaseId;
        from?: string;
        to?: string;
        by?: 'ABSOLUTE' | 'PERCENT';
        order?: 'ASC' | 'DESC';
        first?: number;
        minPopulationShare?: number;
      },
      ctx: RecruitmentContext,
    ) {
      const [from, to] = checkMonthRange(args.from, args.to);
      const first = pageSize(args.first);
      const minShare = args.minPopulationShare ?? 0;
      if (!(minShare >= 0 && minShare <= 1))
        throw badInput('minPopulationShare', `must be between 0 and 1 (got ${minShare})`);
      const rows = await repository.jobSeekerMonths(ctx.db, args.phase, from, to);
      const measure = args.by ?? 'PERCENT';
      const sign = (args.order ?? 'DESC') === 'DESC' ? -1 : 1;
      const ranked = rows
        .map((t) => ({ t, cov: coverage(t), ...change(from, to, t.from_value, t.to_value) }))
        .filter((r) => r.cov.populationShare >= minShare && (measure === 'ABSOLUTE' || r.changePercent != null))
        .sort(
          (a, b) =>
            sign * (measure === 'ABSOLUTE' ? a.change - b.change : a.changePercent! - b.changePercent!) ||
            a.t.id.localeCompare(b.t.id),
        )
        .slice(0, first);
      for (const r of ranked) ctx.loaders.territory.prime(r.t.id, repository.readTerritory(r.t));
      return ranked.map((r, index) => ({
        rank: index + 1,
        territory: { id: r.t.id },
        fromValue: r.fromValue,
        toValue: r.toValue,
        change: r.change,
        changePercent: r.changePercent,
        coverage: r.cov,
      }));
    },

    recruitmentDatasets: (_: unknown, __: unknown, ctx: RecruitmentContext) => repository.allDatasets(ctx.db),
  },

  Territory: {
    // No database access: the id is checked against the reference perimeters held in memory.
    __resolveReference: (ref: { id: string }) =>
      parseTerritoryId(ref.id) && isKnownTerritory(ref.id) ? { id: ref.id } : null,
    recruitment: (t: { id: string }): Slice => ({ territoryId: t.id }),
  },

  RecruitmentSlice: {
    operator: () => OPERATOR,
    async summary(s: Slice, _: unknown, ctx: RecruitmentContext) {
      const f = (await groupsOf(ctx, s.territoryId, 'territory'))[0]?.[1];
      const records = figure(f, 'records');
      return {
        territoryId: s.territoryId,
        operator: OPERATOR,
        provenance: provenanceOfCounts(records, figure(f, 'declared'), PROVENANCE),
        mobilised: records > 0,
        serviceCount: figure(f, 'services'),
        recordCount: records,
        amountEur: null,
      };
    },
    async services(s: Slice, { axis }: { axis?: Axis }, ctx: RecruitmentContext) {
      const allowed = new Set(servicesOfAxis(axis).map((x) => x.id));
      return (await groupsOf(ctx, s.territoryId, 'service'))
        .filter(([id]) => allowed.has(id))
        .map(([id, f]) => ({
          service: SERVICE_BY_ID.get(id),
          recordCount: figure(f, 'records'),
          amountEur: null,
          beneficiaryCount: figure(f, 'participants'),
          firstDate: dateFigure(f, 'firstDate'),
          lastDate: dateFigure(f, 'lastDate'),
          // Only actions declared by France Travail: their REAL dataset; any sample action among them: the sample's.
          datasetId: figure(f, 'declared') === figure(f, 'records') ? DATASET_IDS.operatorActions : DATASET_IDS.actions,
        }));
    },
    actions: async (s: Slice, args: PageArgs, ctx: RecruitmentContext) =>
      connection(await ctx.loaders.actions.load(pageRequest(actionRecord, s.territoryId, args))),
    actionSheetLinks: async (s: Slice, _: unknown, ctx: RecruitmentContext) =>
      linkSummary(await ctx.loaders.linkCounts.load(s.territoryId), ctx, OPERATOR, PROVENANCE),
    async jobSeekers(s: Slice, args: { from?: string; to?: string }, ctx: RecruitmentContext) {
      const [from, to] = checkMonthRange(args.from, args.to);
      return (await jobSeekersOf(ctx, s.territoryId)).filter((m) => m.month >= from && m.month <= to);
    },
    async jobSeekersLatest(s: Slice, _: unknown, ctx: RecruitmentContext) {
      const months = await jobSeekersOf(ctx, s.territoryId);
      return months[months.length - 1] ?? null;
    },
    async jobSeekerChange(s: Slice, args: { from?: string; to?: string }, ctx: RecruitmentContext) {
      const [from, to] = checkMonthRange(args.from, args.to);
      const months = await jobSeekersOf(ctx, s.territoryId);
      const value = (month: string) => months.find((m) => m.month === month)?.value;
      const f = value(from);
      const t = value(to);
      return f == null || t == null ? null : change(from, to, f, t);
    },
    async jobSeekerCoverage(s: Slice, _: unknown, ctx: RecruitmentContext) {
      const t = await ctx.loaders.territory.load(s.territoryId);
      if (!t) throw new Error(`territory ${s.territoryId} missing from the recruitment database`);
      return coverage(t);
    },
    hiringNeeds: (s: Slice): Slice => ({ territoryId: s.territoryId }),
    async employmentBasins(s: Slice, _: unknown, ctx: RecruitmentContext) {
      return (await basinsOf(ctx, s.territoryId)).map((b) => ({
        code: b.basin_code,
        name: b.basin_name,
        communeCount: b.commune_count,
      }));
    },
    async departmentIndicators(s: Slice, { indicator }: { indicator?: string }, ctx: RecruitmentContext) {
      const series = new Map<string, DepartmentIndicator[]>();
      for (const row of await ctx.loaders.indicators.load(s.territoryId)) {
        if (indicator && row.indicator !== indicator) continue;
        const key = `${row.department_code}|${row.indicator}`;
        series.set(key, [...(series.get(key) ?? []), row]);
      }
      return [...series.values()].map((rows) => {
        const values = rows.map((r) => ({ date: r.date, value: Number(r.value) }));
        return {
          department: { code: rows[0]!.department_code },
          departmentName: rows[0]!.department_name,
          indicator: rows[0]!.indicator,
          unit: rows[0]!.unit,
          latest: values[values.length - 1],
          values,
          datasetId: DATASET_IDS.barometre,
        };
      });
    },
    datasets: () => DATASETS,
  },

  Service: {
    operator: () => OPERATOR,
    dataset: (s: CatalogueService) =>
      catalogueEntryDataset(s.id, dataset(CATALOGUE_DATASET_ID), 'recruitment', 'France Travail'),
  },
  ServiceMobilisation: {
    dataset: (m: { datasetId: string }) => dataset(m.datasetId),
  },
  DepartmentIndicatorSeries: {
    dataset: (m: { datasetId: string }) => dataset(m.datasetId),
  },
  // France Travail's own actions, written through the kit (token of FRANCE_TRAVAIL with scope recruitment:write).
  Mutation: {
    async createRecruitmentAction(_: unknown, { input }: { input: Record<string, unknown> }, ctx: RecruitmentContext) {
      const { created, row } = await createOne(ctx, actionRecord, { ...input });
      return { action: row, created, updated: false };
    },
    async updateRecruitmentAction(
      _: unknown,
      { reference, patch }: { reference: string; patch: Record<string, unknown> },
      ctx: RecruitmentContext,
    ) {
      const { updated, row } = await updateOne(ctx, actionRecord, reference, { ...patch });
      return { action: row, created: false, updated };
    },
    async deleteRecruitmentAction(_: unknown, { reference }: { reference: string }, ctx: RecruitmentContext) {
      return { reference, deleted: await deleteOne(ctx, actionRecord, reference) };
    },
  },
  ActionSheet: {
    ...actionSheetReference,
    recruitment: (sheet: { id: string }): SheetSlice => ({ sheetId: sheet.id }),
  },
  RecruitmentActionSheetSlice: {
    operator: () => OPERATOR,
    summary: async (s: SheetSlice, _: unknown, ctx: RecruitmentContext) =>
      sheetSummary(await ctx.loaders.sheetSummary.load(s.sheetId), OPERATOR, PROVENANCE),
    actions: async (s: SheetSlice, args: PageArgs, ctx: RecruitmentContext) =>
      connection(await ctx.loaders.sheetActions.load(pageRequest(actionRecord, s.sheetId, args))),
  },
  RecruitmentAction: {
    actionSheetId: (a: RecruitmentAction) => a.action_sheet_id,
    actionSheet: (a: RecruitmentAction, _: unknown, ctx: RecruitmentContext) => actionSheetOf(a.action_sheet_id, ctx),
    service: (a: RecruitmentAction) => SERVICE_BY_ID.get(a.service_id),
    nafCode: (a: RecruitmentAction) => a.naf_code,
    employer: (a: RecruitmentAction) => (a.employer_siren ? { siren: a.employer_siren, name: a.employer_name } : null),
    dataset: (a: RecruitmentAction) =>
      dataset(a.origin === 'OPERATOR' ? DATASET_IDS.operatorActions : DATASET_IDS.actions),
  },
  TerritoryJobSeekerChange: {},
  HiringNeeds: {
    year: () => HIRING_NEEDS_YEAR,
    async nature(p: Slice, _: unknown, ctx: RecruitmentContext) {
      const coverage = await ctx.loaders.hiringCoverage.load(p.territoryId);
      return (coverage?.basin_count ?? 0) > 1 ? 'DERIVED' : 'REAL';
    },
    total: async (p: Slice, _: unknown, ctx: RecruitmentContext) =>
      add(await ctx.loaders.hiringGroups.load(p.territoryId)),
    industrial: async (p: Slice, _: unknown, ctx: RecruitmentContext) =>
      add((await ctx.loaders.hiringGroups.load(p.territoryId)).filter((r) => r.industrial === 1)),
    async families(p: Slice, _: unknown, ctx: RecruitmentContext) {
      const rows = await ctx.loaders.hiringGroups.load(p.territoryId);
      return [...byKey(rows, (r) => r.family_code)].map(([code, list]) => ({
        code,
        label: list[0]!.family_label,
        ...add(list),
        industrialProjects: add(list.filter((r) => r.industrial === 1)).projects,
      }));
    },
    async occupations(
      p: Slice,
      args: { industrial?: boolean | null; family?: string | null; first: number },
      ctx: RecruitmentContext,
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
    async basins(p: Slice, _: unknown, ctx: RecruitmentContext) {
      const [basins, rows] = await Promise.all([
        basinsOf(ctx, p.territoryId),
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
    async coverage(p: Slice, _: unknown, ctx: RecruitmentContext) {
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
    async datasets(p: Slice, _: unknown, ctx: RecruitmentContext) {
      const coverage = await ctx.loaders.hiringCoverage.load(p.territoryId);
      const ids = HIRING_NEEDS_DATASETS.map((d) => d.id).slice(0, (coverage?.basin_count ?? 0) > 1 ? 2 : 1);
      return ids.map(dataset);
    },
  },
  HiringNeedsOccupation: {
    industrial: (o: repository.HiringOccupationRow) => o.industrial === 1,
    family: (o: repository.HiringOccupationRow) => ({ code: o.family_code, label: o.family_label }),
  },
};
