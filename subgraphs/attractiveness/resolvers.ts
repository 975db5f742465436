import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { sql, type Kysely } from 'kysely';
import { encodeCursor } from '../runtime/errors.ts';
import { isKnownTerritory, territoryIdsOf, type PhaseId } from '../runtime/perimeters.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import { requireWriter } from '../runtime/auth.ts';
import { badInput } from '../runtime/errors.ts';
import type { RecordSpec } from '../runtime/records.ts';
import { createRecord, removeRecord, updateRecord } from '../runtime/writes.ts';
import {
  CATALOGUE,
  CATALOGUE_DATASET,
  DATASETS,
  OPERATOR,
  recordDataset,
  SERVICE_BY_ID,
  servicesOfAxis,
  type AxisName,
  type CatalogueService,
} from './catalogue.ts';
import {
  exportSupportSpec,
  investmentProjectSpec,
  SAMPLE_REFERENCE,
  sitePromotionSpec,
  WRITE_SCOPE,
  writeOptions,
} from './records.ts';
import { country } from './countries.ts';
import { OPERATOR_DATASET, RECORD_DATASET } from './catalogue.ts';
import { catalogueEntryDataset, provenanceResolvers, type RecordProvenance } from '../runtime/provenance.ts';
import type { AttractivenessDB, ExportSupportRow, InvestmentRow, SitePromotionRow } from './db.ts';
import { exportFilter, investmentFilter, siteFilter, totalsFilter, type TotalsFilter } from './filters.ts';
import type { AttractivenessLoaders, PageResult } from './loaders.ts';
import { activity, investmentSums, applyTotalsFilter, type InvestmentSums, type MobilisationRow } from './queries.ts';

export interface AttractivenessContext extends SubgraphContext {
  db: Kysely<AttractivenessDB>;
  loaders: AttractivenessLoaders;
}

/** The slice is only its territory id: every field batches through the loaders. */
interface Slice {
  territoryId: string;
}
type Args = Record<string, any>;

function connection<R extends { position: number }, N>(page: PageResult<R>, node: (row: R) => N) {
  const last = page.rows[page.rows.length - 1];
  return {
    totalCount: page.totalCount,
    nodes: page.rows.map(node),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(last.position) : null },
  };
}

const service = (id: string): CatalogueService => SERVICE_BY_ID.get(id)!;

const investmentNode = (r: InvestmentRow) => ({
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
});
const exportNode = (r: ExportSupportRow) => ({
  reference: r.reference,
  service: service(r.service_id),
  company: { siren: r.company_siren, name: r.company_name, naf: r.naf },
  offer: r.offer,
  targetCountry: country(r.target_country),
  date: r.date,
  year: Number(r.year),
  status: r.status,
  dataset: recordDataset('export', r.origin),
});
const siteNode = (r: SitePromotionRow) => ({
  reference: r.reference,
  service: service(r.service_id),
  siteName: r.site_name,
  communeName: r.commune_name,
  hectares: Number(r.hectares),
  date: r.date,
  year: Number(r.year),
  event: r.event,
  dataset: recordDataset('site', r.origin),
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

const sums = (r: (InvestmentSums & { territory_count?: number }) | null | undefined) => ({
  projectCount: Number(r?.project_count ?? 0),
  investorCount: Number(r?.investor_count ?? 0),
  territoryCount: Number(r?.territory_count ?? 0),
  jobsCreated: Number(r?.jobs_created ?? 0),
  jobsSaved: Number(r?.jobs_saved ?? 0),
  investmentEur: Number(r?.investment_eur ?? 0),
});

/** create / update / delete of one record kind, owned by BUSINESS_FRANCE with the scope attractiveness:write. */
function writeResolvers(spec: RecordSpec, node: (row: any) => unknown) {
  const options = writeOptions(spec);
  return {
    async create(_: unknown, { input }: Args, ctx: AttractivenessContext) {
      const { created, row } = await createRecord(ctx, spec, options, input);
      return { created, updated: false, record: node(row) };
    },
    async update(_: unknown, { reference, patch }: Args, ctx: AttractivenessContext) {
      const { updated, row } = await updateRecord(ctx, spec, options, reference, patch);
      return { created: false, updated, record: node(row) };
    },
    async remove(_: unknown, { reference }: Args, ctx: AttractivenessContext) {
      requireWriter(await ctx.identity?.(), OPERATOR, WRITE_SCOPE);
      // The hub's sample records are not Business France's: they cannot be deleted (a reload would bring them back).
      if (SAMPLE_REFERENCE.test(reference))
        throw badInput(
          'reference',
          `"${reference}" is a sample record generated by the hub, not a record of Business France`,
        );
      return { reference, deleted: await removeRecord(ctx, spec, options, reference) };
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
  ...provenanceResolvers(['PanierSummary', 'PanierTotal'], PROVENANCE, (ctx: AttractivenessContext) => ctx.db),
  CountryInvestmentTotal: investmentProvenance.CountryInvestmentTotal!,
  SectorInvestmentTotal: investmentProvenance.SectorInvestmentTotal!,
  // GraphQL enum values ↔ the phase labels stored in the database.
  Phase: { PHASE_2019_2022: '2019-2022', PHASE_2023_2027: '2023-2027' } as never,

  Query: {
    attractivenessCatalogue: (_: unknown, { axis }: Args) => servicesOfAxis(axis),

    async attractivenessTotals(
      _: unknown,
      { by, phase, axis }: { by: keyof typeof TOTALS_KEY; phase?: PhaseId; axis?: AxisName },
      ctx: AttractivenessContext,
    ) {
      const serviceIds = servicesOfAxis(axis).map((s) => s.id);
      if (serviceIds.length === 0) return [];
      const key = TOTALS_KEY[by];
      const rows = (await ctx.db
        .selectFrom(activity(ctx.db, { phase: phase ?? undefined, serviceIds }).as('a'))
        .select((eb) => [
          sql.ref(key).as('key'),
          sql<number>`count(distinct territory_id)`.as('territory_count'),
          eb.fn.countAll<number>().as('record_count'),
          eb.fn.sum<number | null>('amount').as('amount'),
          sql<number>`count(distinct beneficiary)`.as('beneficiary_count'),
        ])
        .groupBy(key)
        .orderBy(key)
        .execute()) as {
        key: string;
        territory_count: number;
        record_count: number;
        amount: number | null;
        beneficiary_count: number;
      }[];
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
      const rows = await ctx.db
        .selectFrom(activity(ctx.db, { phase }).as('a'))
        .select('territory_id')
        .distinct()
        .execute();
      const withRecords = new Set(rows.map((r) => r.territory_id));
      return territoryIdsOf(phase)
        .filter((id) => withRecords.has(id) === mobilised)
        .map((id) => ({ id }));
    },

    async investmentsByCountry(
      _: unknown,
      args: { phase?: PhaseId; year?: number; status?: string },
      ctx: AttractivenessContext,
    ) {
      const filter: TotalsFilter = totalsFilter(args);
      const rows = await investmentSums(ctx.db, ['investor_country'], (q) =>
        applyTotalsFilter(args.phase ? q.where('phase', '=', args.phase) : q, filter),
      );
      return rows
        .map((r) => ({ country: country(r.investor_country), ...sums(r) }))
        .sort((a, b) => b.projectCount - a.projectCount || a.country.code.localeCompare(b.country.code));
    },

    attractivenessDatasets: (_: unknown, __: unknown, ctx: AttractivenessContext) =>
      ctx.db.selectFrom('dataset').selectAll().orderBy('id').execute(),
  },

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
    services: async (s: Slice, { axis }: Args, ctx: AttractivenessContext) =>
      serviceMobilisations(await ctx.loaders.mobilisations.load(s.territoryId), axis),
    datasets: () => DATASETS,
    investments: async (s: Slice, args: Args, ctx: AttractivenessContext) =>
      connection(
        await ctx.loaders.investments.load({ territoryId: s.territoryId, filter: investmentFilter(args) }),
        investmentNode,
      ),
    exportSupports: async (s: Slice, args: Args, ctx: AttractivenessContext) =>
      connection(
        await ctx.loaders.exportSupports.load({ territoryId: s.territoryId, filter: exportFilter(args) }),
        exportNode,
      ),
    sitePromotions: async (s: Slice, args: Args, ctx: AttractivenessContext) =>
      connection(
        await ctx.loaders.sitePromotions.load({ territoryId: s.territoryId, filter: siteFilter(args) }),
        siteNode,
      ),
    investmentTotals: (s: Slice, args: Args) => ({ territoryId: s.territoryId, filter: totalsFilter(args) }),
  },

  InvestmentTotals: {
    ...investmentProvenance.InvestmentTotals,
    projectCount: async (k: { territoryId: string; filter: TotalsFilter }, _: unknown, ctx: AttractivenessContext) =>
      sums(await ctx.loaders.investmentTotals.load(k)).projectCount,
    investorCount: async (k: { territoryId: string; filter: TotalsFilter }, _: unknown, ctx: AttractivenessContext) =>
      sums(await ctx.loaders.investmentTotals.load(k)).investorCount,
    jobsCreated: async (k: { territoryId: string; filter: TotalsFilter }, _: unknown, ctx: AttractivenessContext) =>
      sums(await ctx.loaders.investmentTotals.load(k)).jobsCreated,
    jobsSaved: async (k: { territoryId: string; filter: TotalsFilter }, _: unknown, ctx: AttractivenessContext) =>
      sums(await ctx.loaders.investmentTotals.load(k)).jobsSaved,
    investmentEur: async (k: { territoryId: string; filter: TotalsFilter }, _: unknown, ctx: AttractivenessContext) =>
      sums(await ctx.loaders.investmentTotals.load(k)).investmentEur,
    byCountry: async (k: { territoryId: string; filter: TotalsFilter }, _: unknown, ctx: AttractivenessContext) =>
      (await ctx.loaders.investmentsByCountry.load(k)).map((r) => ({
        territoryId: k.territoryId,
        country: country(r.investor_country),
        ...sums(r),
      })),
    bySector: async (k: { territoryId: string; filter: TotalsFilter }, _: unknown, ctx: AttractivenessContext) =>
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
