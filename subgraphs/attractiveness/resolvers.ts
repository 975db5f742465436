// Maps the attractiveness subgraph's rows to its schema; no SQL here (repository.ts, and the kit's pages and
// writes), no validation (the record kinds' declarations in records.ts do it, through the kit).
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely } from 'kysely';
import { validateFilters } from '../runtime/filters.ts';
import { actionSheetOf, actionSheetReference, linkSummary, sheetSummary } from '../runtime/action-sheet-links.ts';
import { pageRequest, type Page, type PageArgs } from '../runtime/loaders.ts';
import { isKnownTerritory, parseTerritoryId, territoryIdsOf, type PhaseId } from '../runtime/perimeters.ts';
import {
  catalogueEntryDataset,
  provenanceOfCounts,
  provenanceResolvers,
  type Provenance,
  type RecordProvenance,
} from '../runtime/provenance.ts';
import type { RecordSpec, Row } from '../runtime/records.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import {
  dateFigure,
  figure,
  readKindsLevels,
  totalsLevel,
  totalsOf,
  type Figures,
  type LevelFigures,
  type TotalsGroup,
} from '../runtime/summaries.ts';
import { createOne, deleteOne, updateOne } from '../runtime/writes.ts';
import {
  CATALOGUE,
  CATALOGUE_DATASET,
  DATASETS,
  OPERATOR,
  OPERATOR_DATASET,
  RECORD_DATASET,
  recordDataset,
  SERVICE_BY_ID,
  servicesOfAxis,
  type AxisName,
  type CatalogueService,
} from './catalogue.ts';
import { country } from './countries.ts';
import type { AttractivenessDB, ExportSupport, InvestmentProject, SitePromotion } from './db.ts';
import type { AttractivenessLoaders, KindFigures } from './loaders.ts';
import {
  ANY,
  exportSupportSpec,
  filterKey,
  inFilter,
  INVESTMENT_LEVELS,
  investmentProjectSpec,
  RECORD_SPECS,
  sitePromotionSpec,
  TOTALS_FILTERS,
  type InvestmentFilter,
} from './records.ts';
import * as repository from './repository.ts';

export interface AttractivenessContext extends SubgraphContext {
  db: Kysely<AttractivenessDB>;
  loaders: AttractivenessLoaders;
}

/** The slice is only its territory id: every field batches through the loaders. */
interface Slice {
  territoryId: string;
}
/** Business France's slice of one action sheet. */
interface SheetSlice {
  sheetId: string;
}
/** A record node's `actionSheet`: null when it names none or a sheet deleted since (runtime/action-sheet-links.ts). */
const actionSheet = {
  actionSheet: (n: { actionSheetId: string | null }, _: unknown, ctx: SubgraphContext) =>
    actionSheetOf(n.actionSheetId, ctx),
};
interface AxisArgs {
  axis?: AxisName | null;
}
interface TotalsArgs {
  year?: number | null;
  status?: string | null;
}

function connection<R, N>(page: Page<R>, node: (row: R) => N) {
  return {
    totalCount: page.totalCount,
    nodes: page.rows.map(node),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
  };
}

/** The investment totals' filter: one status or (null) every status but ABANDONED; the year validated by the kit. */
function investmentFilter(args: TotalsArgs): InvestmentFilter {
  const { year } = validateFilters(TOTALS_FILTERS, { ...args });
  return { status: args.status ?? null, year: year === null || year === undefined ? null : Number(year) };
}

const service = (id: string): CatalogueService => SERVICE_BY_ID.get(id)!;

const investmentNode = (r: InvestmentProject) => ({
  reference: r.reference,
  service: service(r.service_id),
  investor: { name: r.investor_name, country: country(r.investor_country) },
  sector: r.sector,
  naf: r.naf,
  kind: r.kind,
  jobsCreated: Number(r.jobs_created),
  jobsSaved: Number(r.jobs_saved),
  investmentEur: Number(r.investment_eur),
  date: r.date,
  year: Number(r.year),
  status: r.status,
  dataset: recordDataset('investment', r.origin),
  actionSheetId: r.action_sheet_id,
});
const exportNode = (r: ExportSupport) => ({
  reference: r.reference,
  service: service(r.service_id),
  company: { siren: r.company_siren, name: r.company_name, naf: r.naf },
  offer: r.offer,
  targetCountry: country(r.target_country),
  date: r.date,
  year: Number(r.year),
  status: r.status,
  dataset: recordDataset('export', r.origin),
  actionSheetId: r.action_sheet_id,
});
const siteNode = (r: SitePromotion) => ({
  reference: r.reference,
  service: service(r.service_id),
  siteName: r.site_name,
  communeName: r.commune_name,
  hectares: Number(r.hectares),
  date: r.date,
  year: Number(r.year),
  event: r.event,
  dataset: recordDataset('site', r.origin),
  actionSheetId: r.action_sheet_id,
});

/** Figures of one group over the three kinds (records.ts says how they add up). */
interface Combined {
  records: number;
  declared: number;
  beneficiaries: number;
  /** Amounts invested: null when the group holds no investment project (the other kinds carry none). */
  amount: number | null;
  firstDate: string | null;
  lastDate: string | null;
}

/** One group's figures in each kind (undefined: the kind has no record in it), added up. */
function combine(byKind: Map<string, Figures | undefined>): Combined {
  const out: Combined = { records: 0, declared: 0, beneficiaries: 0, amount: null, firstDate: null, lastDate: null };
  for (const [kind, f] of byKind) {
    if (!f || figure(f, 'records') === 0) continue;
    out.records += figure(f, 'records');
    out.declared += figure(f, 'declared');
    out.beneficiaries += figure(f, 'beneficiaries');
    if (kind === investmentProjectSpec.kind) out.amount = (out.amount ?? 0) + figure(f, 'amount');
    const first = dateFigure(f, 'firstDate');
    const last = dateFigure(f, 'lastDate');
    if (first && (!out.firstDate || first < out.firstDate)) out.firstDate = first;
    if (last && (!out.lastDate || last > out.lastDate)) out.lastDate = last;
  }
  return out;
}

/** A territory's group of a per-territory level in each kind. */
const groupOfKinds = (figures: KindFigures, level: string, key: string) =>
  new Map(RECORD_SPECS.map((spec) => [spec.kind, figures.get(spec.kind)?.get(level)?.get(key)]));

/** ServiceMobilisation rows of a territory, in catalogue order (services with at least one record). */
function serviceMobilisations(figures: KindFigures, axis?: AxisName | null) {
  const wanted = new Set(servicesOfAxis(axis).map((s) => s.id));
  return CATALOGUE.filter((s) => wanted.has(s.id))
    .map((s) => ({ s, c: combine(groupOfKinds(figures, 'service', s.id)) }))
    .filter(({ c }) => c.records > 0)
    .map(({ s, c }) => ({
      service: s,
      recordCount: c.records,
      amountEur: c.amount,
      beneficiaryCount: c.beneficiaries,
      firstDate: c.firstDate,
      lastDate: c.lastDate,
      declared: c.declared,
      // Figures mixing generated and declared records are still sample figures.
      dataset: recordDataset(s.records, c.declared === c.records ? 'OPERATOR' : 'SAMPLE'),
    }));
}

/** Counts and sums of investment projects, added up over the summary groups a filter selects. */
interface ProjectSums {
  records: number;
  declared: number;
  jobsCreated: number;
  jobsSaved: number;
  amount: number;
}

/**
 * Adds up the groups of an investment level (records.ts INVESTMENT_LEVELS) by the key `keyOf` gives a group's key
 * parts (null: the filter does not select the group).
 */
function addUp(groups: LevelFigures | undefined, keyOf: (parts: string[]) => string | null) {
  const out = new Map<string, ProjectSums>();
  for (const [groupKey, f] of groups ?? new Map<string, Figures>()) {
    const key = keyOf(groupKey.split('|'));
    if (key === null) continue;
    const sums = out.get(key) ?? { records: 0, declared: 0, jobsCreated: 0, jobsSaved: 0, amount: 0 };
    sums.records += figure(f, 'records');
    sums.declared += figure(f, 'declared');
    sums.jobsCreated += figure(f, 'jobsCreated');
    sums.jobsSaved += figure(f, 'jobsSaved');
    sums.amount += figure(f, 'amount');
    out.set(key, sums);
  }
  return out;
}

/** The figures of investment projects (a territory's, one country's or one sector's) and their provenance. */
const investmentSums = (s: ProjectSums | undefined) => ({
  projectCount: s?.records ?? 0,
  jobsCreated: s?.jobsCreated ?? 0,
  jobsSaved: s?.jobsSaved ?? 0,
  investmentEur: s?.amount ?? 0,
  provenance: provenanceOfCounts(s?.records ?? 0, s?.declared ?? 0, INVESTMENT_PROVENANCE),
});

/** Most projects first, then by key. */
const ranked = <T extends { key: string; projectCount: number }>(rows: T[]) =>
  rows.sort((a, b) => b.projectCount - a.projectCount || a.key.localeCompare(b.key));

/** What InvestmentTotals resolves from: the territory, the filter, and the totals (read with the slice). */
interface InvestmentTotalsParent {
  territoryId: string;
  filter: InvestmentFilter;
}

/** A territory's investment totals for one filter: `<status>|<year>` groups added up, investors kept per filter. */
function investmentTotals(territoryId: string, figures: KindFigures, filter: InvestmentFilter) {
  const own = figures.get(investmentProjectSpec.kind);
  const selected = ([status, year]: string[]) => (inFilter(filter, status!, Number(year)) ? '' : null);
  const totals = addUp(own?.get(INVESTMENT_LEVELS.territory), selected).get('');
  return {
    territoryId,
    filter,
    ...investmentSums(totals),
    investorCount: figure(own?.get(INVESTMENT_LEVELS.investors)?.get(filterKey(filter)), 'beneficiaries'),
  };
}

/** A territory's breakdown of its investment totals by country or sector, most projects first. */
async function breakdown(parent: InvestmentTotalsParent, by: 'country' | 'sector', ctx: AttractivenessContext) {
  const figures = await ctx.loaders.figures.load({ territoryId: parent.territoryId, part: 'breakdowns' });
  const groups = figures.get(investmentProjectSpec.kind)?.get(INVESTMENT_LEVELS.breakdown);
  const sums = addUp(groups, ([status, year, kind, ...value]) =>
    kind === by && inFilter(parent.filter, status!, Number(year)) ? value.join('|') : null,
  );
  return ranked([...sums].map(([key, s]) => ({ key, ...investmentSums(s) })));
}

/** create / update / delete of one record kind, through the kit (token of BUSINESS_FRANCE, scope attractiveness:write). */
function writeResolvers<R>(spec: RecordSpec, node: (row: R) => unknown) {
  const record = (row: Row) => node(row as R);
  return {
    async create(_: unknown, { input }: { input: Row }, ctx: AttractivenessContext) {
      const { created, row } = await createOne(ctx, spec, { ...input });
      return { created, updated: false, record: record(row) };
    },
    async update(_: unknown, { reference, patch }: { reference: string; patch: Row }, ctx: AttractivenessContext) {
      const { updated, row } = await updateOne(ctx, spec, reference, { ...patch });
      return { created: false, updated, record: record(row) };
    },
    async remove(_: unknown, { reference }: { reference: string }, ctx: AttractivenessContext) {
      return { reference, deleted: await deleteOne(ctx, spec, reference) };
    },
  };
}

const investmentWrites = writeResolvers(investmentProjectSpec, investmentNode);
const exportWrites = writeResolvers(exportSupportSpec, exportNode);
const siteWrites = writeResolvers(sitePromotionSpec, siteNode);

/** Aggregates over Business France's records: sample ones, or declared by the operator (runtime/provenance.ts). */
const PROVENANCE: RecordProvenance = {
  tables: ['investment_project', 'export_support', 'site_promotion'],
  sample: [RECORD_DATASET.investment, RECORD_DATASET.export, RECORD_DATASET.site],
  declared: OPERATOR_DATASET,
};
const INVESTMENT_PROVENANCE: RecordProvenance = {
  tables: ['investment_project'],
  sample: [RECORD_DATASET.investment],
  declared: OPERATOR_DATASET,
};
const investmentProvenance = provenanceResolvers(
  ['InvestmentTotals', 'CountryInvestmentTotal', 'SectorInvestmentTotal'],
  INVESTMENT_PROVENANCE,
  (ctx: AttractivenessContext) => ctx.db,
);

export const resolvers: GraphQLResolverMap<AttractivenessContext> = {
  ...provenanceResolvers(
    ['PanierSummary', 'PanierTotal', 'ActionSheetSummary', 'ActionSheetLinkSummary'],
    PROVENANCE,
    (ctx: AttractivenessContext) => ctx.db,
  ),
  InvestmentProject: actionSheet,
  ExportSupport: actionSheet,
  SitePromotion: actionSheet,
  ActionSheet: {
    ...actionSheetReference,
    attractiveness: (sheet: { id: string }): SheetSlice => ({ sheetId: sheet.id }),
  },
  AttractivenessActionSheetSlice: {
    operator: () => OPERATOR,
    summary: async (s: SheetSlice, _: unknown, ctx: AttractivenessContext) =>
      sheetSummary(await ctx.loaders.sheetSummary.load(s.sheetId), OPERATOR, PROVENANCE),
    investments: async (s: SheetSlice, args: PageArgs, ctx: AttractivenessContext) =>
      connection(
        await ctx.loaders.sheetInvestments.load(pageRequest(investmentProjectSpec, s.sheetId, args)),
        investmentNode,
      ),
    exportSupports: async (s: SheetSlice, args: PageArgs, ctx: AttractivenessContext) =>
      connection(
        await ctx.loaders.sheetExportSupports.load(pageRequest(exportSupportSpec, s.sheetId, args)),
        exportNode,
      ),
    sitePromotions: async (s: SheetSlice, args: PageArgs, ctx: AttractivenessContext) =>
      connection(await ctx.loaders.sheetSitePromotions.load(pageRequest(sitePromotionSpec, s.sheetId, args)), siteNode),
  },
  CountryInvestmentTotal: investmentProvenance.CountryInvestmentTotal!,
  SectorInvestmentTotal: investmentProvenance.SectorInvestmentTotal!,
  // GraphQL enum values ↔ the phase labels stored in the database.
  Phase: { PHASE_2019_2022: '2019-2022', PHASE_2023_2027: '2023-2027' } as never,

  Query: {
    attractivenessCatalogue: (_: unknown, { axis }: AxisArgs) => servicesOfAxis(axis),

    async attractivenessTotals(
      _: unknown,
      args: { by: TotalsGroup; phase?: PhaseId | null; axis?: AxisName | null },
      ctx: AttractivenessContext,
    ) {
      if (servicesOfAxis(args.axis).length === 0) return [];
      // The groups of the total, and the territories of the same phase and axis (their union over the kinds counts a
      // group's territories): two levels of the three kinds, one statement, O(groups).
      const territories = { by: 'TERRITORY' as const, phase: args.phase, axis: args.axis };
      const [level, territoryLevel] = [totalsLevel(args), totalsLevel(territories)];
      const read = await readKindsLevels(ctx.db, RECORD_SPECS, [...new Set([level, territoryLevel])]);
      const groups = new Map<string, Map<string, Figures>>();
      const withRecords: string[] = [];
      for (const spec of RECORD_SPECS) {
        const own = read.get(spec.kind)!;
        for (const { key, figures } of totalsOf(own.get(level), args))
          groups.set(key, (groups.get(key) ?? new Map<string, Figures>()).set(spec.kind, figures));
        for (const { key } of totalsOf(own.get(territoryLevel), territories)) withRecords.push(key);
      }
      const groupOf = (id: string) =>
        args.by === 'TERRITORY'
          ? id
          : args.by === 'PHASE'
            ? parseTerritoryId(id)?.phase
            : parseTerritoryId(id)?.regionCode;
      const territoryCount = new Map<string, number>();
      for (const id of new Set(withRecords)) {
        const key = groupOf(id);
        if (key) territoryCount.set(key, (territoryCount.get(key) ?? 0) + 1);
      }
      return [...groups]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, byKind]) => {
          const c = combine(byKind);
          return {
            operator: OPERATOR,
            group: args.by,
            key,
            provenance: provenanceOfCounts(c.records, c.declared, PROVENANCE),
            territoryCount: territoryCount.get(key) ?? 0,
            recordCount: c.records,
            amountEur: c.amount,
            beneficiaryCount: c.beneficiaries,
          };
        });
    },

    async attractivenessTerritories(
      _: unknown,
      { phase, mobilised }: { phase: PhaseId; mobilised: boolean },
      ctx: AttractivenessContext,
    ) {
      // Territories with at least one record of any kind: the per-territory totals of the phase, one statement.
      const args = { by: 'TERRITORY' as const, phase };
      const level = totalsLevel(args);
      const read = await readKindsLevels(ctx.db, RECORD_SPECS, [level]);
      const withRecords = new Set(
        RECORD_SPECS.flatMap((spec) => totalsOf(read.get(spec.kind)!.get(level), args).map((t) => t.key)),
      );
      return territoryIdsOf(phase)
        .filter((id) => withRecords.has(id) === mobilised)
        .map((id) => ({ id }));
    },

    async investmentsByCountry(_: unknown, args: TotalsArgs & { phase?: PhaseId | null }, ctx: AttractivenessContext) {
      // Projects per phase, status, year and country, added up over the groups the filter selects; the distinct
      // territories kept per filter: two levels, one statement, O(groups).
      const filter = investmentFilter(args);
      const levels = [INVESTMENT_LEVELS.country, INVESTMENT_LEVELS.countryTerritories];
      const own = (await readKindsLevels(ctx.db, [investmentProjectSpec], levels)).get(investmentProjectSpec.kind)!;
      const sums = addUp(own.get(INVESTMENT_LEVELS.country), ([phase, status, year, code]) =>
        (!args.phase || phase === args.phase) && inFilter(filter, status!, Number(year)) ? code! : null,
      );
      const territories = own.get(INVESTMENT_LEVELS.countryTerritories);
      const prefix = `${args.phase ?? ANY}|${filterKey(filter)}|`;
      return ranked(
        [...sums].map(([key, s]) => ({
          key,
          ...investmentSums(s),
          territoryCount: figure(territories?.get(`${prefix}${key}`), 'territories'),
        })),
      ).map(({ key, ...r }) => ({ country: country(key), ...r }));
    },

    attractivenessDatasets: (_: unknown, __: unknown, ctx: AttractivenessContext) => repository.datasets(ctx.db),
  },

  // Business France's own records, written through the kit.
  Mutation: {
    createInvestmentProject: investmentWrites.create,
    updateInvestmentProject: investmentWrites.update,
    deleteInvestmentProject: investmentWrites.remove,
    createExportSupport: exportWrites.create,
    updateExportSupport: exportWrites.update,
    deleteExportSupport: exportWrites.remove,
    createSitePromotion: siteWrites.create,
    updateSitePromotion: siteWrites.update,
    deleteSitePromotion: siteWrites.remove,
  },

  Territory: {
    // No database access: the id is checked against the reference perimeters; unknown ids resolve to null.
    __resolveReference: (ref: { id: string }) => (isKnownTerritory(ref.id) ? { id: ref.id } : null),
    attractiveness: (t: { id: string }): Slice => ({ territoryId: t.id }),
  },

  AttractivenessSlice: {
    operator: () => OPERATOR,
    async summary(s: Slice, _: unknown, ctx: AttractivenessContext) {
      const services = serviceMobilisations(
        await ctx.loaders.figures.load({ territoryId: s.territoryId, part: 'services' }),
      );
      const amounts = services.map((m) => m.amountEur).filter((a): a is number => a != null);
      const recordCount = services.reduce((sum, m) => sum + m.recordCount, 0);
      const declared = services.reduce((sum, m) => sum + m.declared, 0);
      return {
        territoryId: s.territoryId,
        operator: OPERATOR,
        provenance: provenanceOfCounts(recordCount, declared, PROVENANCE),
        mobilised: services.length > 0,
        serviceCount: services.length,
        recordCount,
        amountEur: amounts.length ? amounts.reduce((a, b) => a + b, 0) : null,
      };
    },
    services: async (s: Slice, { axis }: AxisArgs, ctx: AttractivenessContext) =>
      serviceMobilisations(await ctx.loaders.figures.load({ territoryId: s.territoryId, part: 'services' }), axis),
    datasets: () => DATASETS,
    investments: async (s: Slice, args: PageArgs, ctx: AttractivenessContext) =>
      connection(
        await ctx.loaders.investments.load(pageRequest(investmentProjectSpec, s.territoryId, args)),
        investmentNode,
      ),
    exportSupports: async (s: Slice, args: PageArgs, ctx: AttractivenessContext) =>
      connection(
        await ctx.loaders.exportSupports.load(pageRequest(exportSupportSpec, s.territoryId, args)),
        exportNode,
      ),
    sitePromotions: async (s: Slice, args: PageArgs, ctx: AttractivenessContext) =>
      connection(await ctx.loaders.sitePromotions.load(pageRequest(sitePromotionSpec, s.territoryId, args)), siteNode),
    actionSheetLinks: async (s: Slice, _: unknown, ctx: AttractivenessContext) =>
      linkSummary(await ctx.loaders.linkCounts.load(s.territoryId), ctx, OPERATOR, PROVENANCE),
    // Read with the summary and services of the batch (same loader, same statement).
    async investmentTotals(s: Slice, args: TotalsArgs, ctx: AttractivenessContext) {
      const filter = investmentFilter(args);
      const figures = await ctx.loaders.figures.load({ territoryId: s.territoryId, part: 'investments' });
      return investmentTotals(s.territoryId, figures, filter);
    },
  },

  InvestmentTotals: {
    ...investmentProvenance.InvestmentTotals,
    // Only when asked: one more statement per batch of territories.
    byCountry: async (t: InvestmentTotalsParent, _: unknown, ctx: AttractivenessContext) =>
      (await breakdown(t, 'country', ctx)).map(({ key, ...b }) => ({
        territoryId: t.territoryId,
        country: country(key),
        // The territory's own breakdown: one territory per country.
        territoryCount: 1,
        ...b,
      })),
    bySector: async (t: InvestmentTotalsParent, _: unknown, ctx: AttractivenessContext) =>
      (await breakdown(t, 'sector', ctx)).map(({ key, ...b }) => ({ territoryId: t.territoryId, sector: key, ...b })),
  },

  Service: {
    dataset: (s: { id: string }) => catalogueEntryDataset(s.id, CATALOGUE_DATASET, 'attractiveness', 'Business France'),
  },
};
