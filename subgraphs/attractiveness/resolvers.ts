// Maps the attractiveness subgraph's rows to its schema; no SQL here (repository.ts, and the kit's pages and
// writes), no validation (the record kinds' declarations in records.ts do it, through the kit).
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely } from 'kysely';
import { validateFilters } from '../runtime/filters.ts';
import { actionSheetOf, actionSheetReference, linkSummary, sheetSummary } from '../runtime/action-sheet-links.ts';
import { pageRequest, type Page, type PageArgs } from '../runtime/loaders.ts';
import { isKnownTerritory, territoryIdsOf, type PhaseId } from '../runtime/perimeters.ts';
import { catalogueEntryDataset, provenanceResolvers, type RecordProvenance } from '../runtime/provenance.ts';
import type { RecordSpec, Row } from '../runtime/records.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
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
import type { AttractivenessLoaders, TotalsKey } from './loaders.ts';
import {
  exportSupportSpec,
  INVESTMENT_STATUSES,
  investmentProjectSpec,
  sitePromotionSpec,
  TOTALS_FILTERS,
} from './records.ts';
import * as repository from './repository.ts';
import type { InvestmentSums, MobilisationRow, TotalsFilter } from './repository.ts';

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

/** Totals: `statuses` is never empty (default: all but ABANDONED); the year is validated by the kit. */
function totalsFilter(args: TotalsArgs): TotalsFilter {
  return {
    statuses: args.status ? [args.status] : INVESTMENT_STATUSES.filter((s) => s !== 'ABANDONED'),
    filters: validateFilters(TOTALS_FILTERS, { ...args }),
  };
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

/** ServiceMobilisation rows of a territory, in catalogue order. */
function serviceMobilisations(rows: MobilisationRow[], axis?: AxisName | null) {
  const wanted = new Set(servicesOfAxis(axis).map((s) => s.id));
  const byService = new Map(rows.map((r) => [r.service_id, r]));
  return CATALOGUE.filter((s) => wanted.has(s.id) && byService.has(s.id)).map((s) => {
    const r = byService.get(s.id)!;
    return {
      service: s,
      recordCount: Number(r.record_count),
      amountEur: r.amount == null ? null : Number(r.amount),
      beneficiaryCount: Number(r.beneficiary_count),
      firstDate: r.first_date,
      lastDate: r.last_date,
      // Figures mixing generated and declared records are still sample figures.
      dataset: recordDataset(s.records, Number(r.operator_count) === Number(r.record_count) ? 'OPERATOR' : 'SAMPLE'),
    };
  });
}

const sums = (r: InvestmentSums | null | undefined) => ({
  projectCount: Number(r?.project_count ?? 0),
  investorCount: Number(r?.investor_count ?? 0),
  territoryCount: Number(r?.territory_count ?? 0),
  jobsCreated: Number(r?.jobs_created ?? 0),
  jobsSaved: Number(r?.jobs_saved ?? 0),
  investmentEur: Number(r?.investment_eur ?? 0),
});

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

const TOTALS_KEY = { PHASE: 'phase', REGION: 'region_code', TERRITORY: 'territory_id' } as const;

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
      { by, phase, axis }: { by: keyof typeof TOTALS_KEY; phase?: PhaseId | null; axis?: AxisName | null },
      ctx: AttractivenessContext,
    ) {
      const serviceIds = servicesOfAxis(axis).map((s) => s.id);
      if (serviceIds.length === 0) return [];
      const rows = await repository.totals(ctx.db, TOTALS_KEY[by], { phase: phase ?? undefined, serviceIds });
      return rows.map((r) => ({
        operator: OPERATOR,
        group: by,
        key: r.key,
        territoryCount: Number(r.territory_count),
        recordCount: Number(r.record_count),
        amountEur: r.amount == null ? null : Number(r.amount),
        beneficiaryCount: Number(r.beneficiary_count),
      }));
    },

    async attractivenessTerritories(
      _: unknown,
      { phase, mobilised }: { phase: PhaseId; mobilised: boolean },
      ctx: AttractivenessContext,
    ) {
      const withRecords = await repository.territoriesWithRecords(ctx.db, phase);
      return territoryIdsOf(phase)
        .filter((id) => withRecords.has(id) === mobilised)
        .map((id) => ({ id }));
    },

    async investmentsByCountry(_: unknown, args: TotalsArgs & { phase?: PhaseId | null }, ctx: AttractivenessContext) {
      const rows = await repository.investmentSums(ctx.db, ['investor_country'], totalsFilter(args), {
        phase: args.phase,
      });
      return rows
        .map((r) => ({ country: country(r.investor_country), ...sums(r) }))
        .sort((a, b) => b.projectCount - a.projectCount || a.country.code.localeCompare(b.country.code));
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
      const services = serviceMobilisations(await ctx.loaders.mobilisations.load(s.territoryId));
      const amounts = services.map((m) => m.amountEur).filter((a): a is number => a != null);
      return {
        territoryId: s.territoryId,
        operator: OPERATOR,
        mobilised: services.length > 0,
        serviceCount: services.length,
        recordCount: services.reduce((sum, m) => sum + m.recordCount, 0),
        amountEur: amounts.length ? amounts.reduce((a, b) => a + b, 0) : null,
      };
    },
    services: async (s: Slice, { axis }: AxisArgs, ctx: AttractivenessContext) =>
      serviceMobilisations(await ctx.loaders.mobilisations.load(s.territoryId), axis),
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
    investmentTotals: (s: Slice, args: TotalsArgs): TotalsKey => ({
      territoryId: s.territoryId,
      filter: totalsFilter(args),
    }),
  },

  InvestmentTotals: {
    ...investmentProvenance.InvestmentTotals,
    projectCount: async (k: TotalsKey, _: unknown, ctx: AttractivenessContext) =>
      sums(await ctx.loaders.investmentTotals.load(k)).projectCount,
    investorCount: async (k: TotalsKey, _: unknown, ctx: AttractivenessContext) =>
      sums(await ctx.loaders.investmentTotals.load(k)).investorCount,
    jobsCreated: async (k: TotalsKey, _: unknown, ctx: AttractivenessContext) =>
      sums(await ctx.loaders.investmentTotals.load(k)).jobsCreated,
    jobsSaved: async (k: TotalsKey, _: unknown, ctx: AttractivenessContext) =>
      sums(await ctx.loaders.investmentTotals.load(k)).jobsSaved,
    investmentEur: async (k: TotalsKey, _: unknown, ctx: AttractivenessContext) =>
      sums(await ctx.loaders.investmentTotals.load(k)).investmentEur,
    byCountry: async (k: TotalsKey, _: unknown, ctx: AttractivenessContext) =>
      (await ctx.loaders.investmentsByCountry.load(k)).map((r) => ({
        territoryId: k.territoryId,
        country: country(r.investor_country),
        ...sums(r),
      })),
    bySector: async (k: TotalsKey, _: unknown, ctx: AttractivenessContext) =>
      (await ctx.loaders.investmentsBySector.load(k)).map((r) => ({
        territoryId: k.territoryId,
        sector: r.sector,
        ...sums(r),
      })),
  },

  Service: {
    dataset: (s: { id: string }) => catalogueEntryDataset(s.id, CATALOGUE_DATASET, 'attractiveness', 'Business France'),
  },
};
