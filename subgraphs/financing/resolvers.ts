// Maps the financing subgraph's rows to its schema; no SQL here (repository.ts, and the kit's pages and
// writes), no validation (the record kind's declaration in records.ts does it, through the kit).
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely } from 'kysely';
import { actionSheetOf, actionSheetReference, linkSummary, sheetSummary } from '../runtime/action-sheet-links.ts';
import { pageRequest, type Page, type PageArgs } from '../runtime/loaders.ts';
import {
  findDepartment,
  isKnownTerritory,
  parseTerritoryId,
  territoryIdsOf,
  type PhaseId,
} from '../runtime/perimeters.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import { dateFigure, figure, readTotals, type Figures, type TotalsGroup } from '../runtime/summaries.ts';
import { createOne, deleteOne, updateOne } from '../runtime/writes.ts';
import { DATASET_IDS, DATASETS, SERVICES, datasetById, serviceById, serviceNode, type Axis } from './catalogue.ts';
import type { Financing, FinancingDB } from './db.ts';
import type { DepartmentContext, FinancingLoaders } from './loaders.ts';
import { financingRecord } from './records.ts';
import { provenanceOfCounts, provenanceResolvers, type RecordProvenance } from '../runtime/provenance.ts';

export interface FinancingContext extends SubgraphContext {
  db: Kysely<FinancingDB>;
  loaders: FinancingLoaders;
}

interface Slice {
  territoryId: string;
}

/** Bpifrance's slice of one action sheet. */
interface SheetSlice {
  sheetId: string;
}

const connection = (page: Page<Financing>) => ({
  totalCount: page.totalCount,
  nodes: page.rows,
  pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
});

const sampleDataset = () => datasetById.get(DATASET_IDS.sample)!;
const declaredDataset = () => datasetById.get(DATASET_IDS.declared)!;
/** A group of records is REAL (declared) only when none of them is sample data. */
const groupDataset = (recordCount: number, operatorCount: number) =>
  recordCount > 0 && operatorCount === recordCount ? declaredDataset() : sampleDataset();
/** What every slice lists; the declared dataset is added where the operator declared financings. */
const STATIC_DATASETS = DATASETS.filter((d) => d.id !== DATASET_IDS.declared);

/** Aggregates over the financings: sample ones, or declared by Bpifrance (runtime/provenance.ts). */
const PROVENANCE: RecordProvenance = { tables: ['financing'], sample: [sampleDataset()], declared: declaredDataset() };

/** A group's totals (service or instrument of a territory), from the kit's summaries. */
const totalNode =
  (kind: 'service' | 'instrument') =>
  ([key, f]: [string, Figures]) => ({
    provenance: provenanceOfCounts(figure(f, 'records'), figure(f, 'declared'), PROVENANCE),
    service: kind === 'service' ? serviceNode(serviceById.get(key)!) : null,
    instrument: kind === 'instrument' ? key : null,
    recordCount: figure(f, 'records'),
    grantedCount: figure(f, 'granted'),
    requestedAmountEur: figure(f, 'requestedAmount'),
    grantedAmountEur: figure(f, 'grantedAmount'),
    paidAmountEur: figure(f, 'paidAmount'),
    beneficiaryCount: figure(f, 'beneficiaries'),
    dataset: groupDataset(figure(f, 'records'), figure(f, 'declared')),
  });

/** One level of a territory's figures, as [group key, figures] pairs. */
const groupsOf = async (ctx: FinancingContext, territory: string, level: string) => [
  ...(await ctx.loaders.figures.load({ territory, level })),
];

const catalogueOrder = (id: string) => SERVICES.findIndex((s) => s.id === id);

export const resolvers: GraphQLResolverMap<FinancingContext> = {
  ...provenanceResolvers(
    ['PanierSummary', 'PanierTotal', 'FinancingTotal', 'ActionSheetSummary', 'ActionSheetLinkSummary'],
    PROVENANCE,
    (ctx: FinancingContext) => ctx.db,
  ),
  // GraphQL enum values ↔ the phase labels stored in the database.
  Phase: { PHASE_2019_2022: '2019-2022', PHASE_2023_2027: '2023-2027' } as never,

  Query: {
    financingCatalogue: (_: unknown, { axis }: { axis?: Axis | null }) =>
      SERVICES.filter((s) => !axis || s.axes.includes(axis)).map(serviceNode),

    async financingTotals(
      _: unknown,
      args: { by: TotalsGroup; phase?: PhaseId | null; axis?: Axis | null },
      ctx: FinancingContext,
    ) {
      // Read from the summaries (O(groups)); a group counts when it holds financings granted.
      const rows = await readTotals(ctx.db, financingRecord, args);
      return rows
        .filter(({ figures: f }) => figure(f, 'granted') > 0)
        .map(({ key, figures: f }) => ({
          operator: 'BPIFRANCE',
          group: args.by,
          key,
          provenance: provenanceOfCounts(figure(f, 'records'), figure(f, 'declared'), PROVENANCE),
          territoryCount: figure(f, 'territories'),
          recordCount: figure(f, 'granted'),
          amountEur: figure(f, 'grantedAmount'),
          beneficiaryCount: figure(f, 'beneficiaries'),
        }));
    },

    async financingTerritories(
      _: unknown,
      { phase, mobilised }: { phase: PhaseId; mobilised: boolean },
      ctx: FinancingContext,
    ) {
      const totals = await readTotals(ctx.db, financingRecord, { by: 'TERRITORY', phase });
      const granted = new Set(totals.filter((t) => figure(t.figures, 'granted') > 0).map((t) => t.key));
      return territoryIdsOf(phase)
        .filter((id) => granted.has(id) === mobilised)
        .sort()
        .map((id) => ({ id }));
    },
  },

  Territory: {
    // No database access: a well-formed id of the perimeters is enough; unknown ids resolve to null.
    __resolveReference: (ref: { id: string }) =>
      parseTerritoryId(ref.id) && isKnownTerritory(ref.id) ? { id: ref.id } : null,
    financing: (t: { id: string }): Slice => ({ territoryId: t.id }),
  },

  Department: {
    // No database access: the COG, as the territories subgraph loads it; unknown codes resolve to null as there.
    __resolveReference: (ref: { code: string }) => (findDepartment(ref.code) ? { code: ref.code } : null),
    // Shareable reference data (schema/CONVENTIONS.md): the same COG name as the territories subgraph's.
    name: (d: { code: string }) => findDepartment(d.code)!.name,
    financingContext: (d: { code: string }, _: unknown, ctx: FinancingContext) =>
      ctx.loaders.departmentContext.load(d.code),
  },

  FinancingSlice: {
    operator: () => 'BPIFRANCE',
    async summary(s: Slice, _: unknown, ctx: FinancingContext) {
      const f = (await groupsOf(ctx, s.territoryId, 'territory'))[0]?.[1];
      const recordCount = figure(f, 'granted');
      return {
        territoryId: s.territoryId,
        operator: 'BPIFRANCE',
        provenance: provenanceOfCounts(figure(f, 'records'), figure(f, 'declared'), PROVENANCE),
        mobilised: recordCount > 0,
        serviceCount: figure(f, 'services'),
        recordCount,
        amountEur: figure(f, 'grantedAmount'),
      };
    },
    async services(s: Slice, { axis }: { axis?: Axis | null }, ctx: FinancingContext) {
      return (await groupsOf(ctx, s.territoryId, 'service'))
        .filter(([, f]) => figure(f, 'granted') > 0)
        .map(([key, f]) => ({ f, service: serviceById.get(key)! }))
        .filter(({ service }) => !axis || service.axes.includes(axis))
        .sort((a, b) => catalogueOrder(a.service.id) - catalogueOrder(b.service.id))
        .map(({ f, service }) => ({
          service: serviceNode(service),
          recordCount: figure(f, 'granted'),
          amountEur: figure(f, 'grantedAmount'),
          beneficiaryCount: figure(f, 'beneficiaries'),
          firstDate: dateFigure(f, 'firstDate'),
          lastDate: dateFigure(f, 'lastDate'),
          dataset: groupDataset(figure(f, 'granted'), figure(f, 'declaredGranted')),
        }));
    },
    async datasets(s: Slice, _: unknown, ctx: FinancingContext) {
      const f = (await groupsOf(ctx, s.territoryId, 'territory'))[0]?.[1];
      return figure(f, 'declared') > 0 ? [...STATIC_DATASETS, declaredDataset()] : STATIC_DATASETS;
    },
    financings: async (s: Slice, args: PageArgs, ctx: FinancingContext) =>
      connection(await ctx.loaders.financings.load(pageRequest(financingRecord, s.territoryId, args))),
    actionSheetLinks: async (s: Slice, _: unknown, ctx: FinancingContext) =>
      linkSummary(await ctx.loaders.linkCounts.load(s.territoryId), ctx, 'BPIFRANCE', PROVENANCE),
    totalsByService: async (s: Slice, _: unknown, ctx: FinancingContext) =>
      (await groupsOf(ctx, s.territoryId, 'service'))
        .sort(([a], [b]) => catalogueOrder(a) - catalogueOrder(b))
        .map(totalNode('service')),
    totalsByInstrument: async (s: Slice, _: unknown, ctx: FinancingContext) =>
      (await groupsOf(ctx, s.territoryId, 'instrument'))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(totalNode('instrument')),
    departments: (s: Slice, _: unknown, ctx: FinancingContext) =>
      ctx.loaders.departmentsOfTerritory.load(s.territoryId),
  },

  ActionSheet: {
    ...actionSheetReference,
    financing: (sheet: { id: string }): SheetSlice => ({ sheetId: sheet.id }),
  },

  FinancingActionSheetSlice: {
    operator: () => 'BPIFRANCE',
    summary: async (s: SheetSlice, _: unknown, ctx: FinancingContext) =>
      sheetSummary(await ctx.loaders.sheetSummary.load(s.sheetId), 'BPIFRANCE', PROVENANCE),
    financings: async (s: SheetSlice, args: PageArgs, ctx: FinancingContext) =>
      connection(await ctx.loaders.sheetFinancings.load(pageRequest(financingRecord, s.sheetId, args))),
  },

  Financing: {
    actionSheetId: (f: Financing) => f.action_sheet_id,
    actionSheet: (f: Financing, _: unknown, ctx: FinancingContext) => actionSheetOf(f.action_sheet_id, ctx),
    company: (f: Financing) => ({ siren: f.siren, name: f.company_name, naf: f.company_naf }),
    service: (f: Financing) => serviceNode(serviceById.get(f.service_id)!),
    amountEur: (f: Financing) => Number(f.amount_eur),
    dataset: (f: Financing) => (f.origin === 'OPERATOR' ? declaredDataset() : sampleDataset()),
  },

  // Bpifrance's own financings, written through the kit (token of BPIFRANCE with scope financing:write).
  Mutation: {
    async createFinancing(_: unknown, { input }: { input: Record<string, unknown> }, ctx: FinancingContext) {
      const { created, row } = await createOne(ctx, financingRecord, { ...input });
      return { financing: row, created, updated: false };
    },
    async updateFinancing(
      _: unknown,
      { reference, patch }: { reference: string; patch: Record<string, unknown> },
      ctx: FinancingContext,
    ) {
      const { updated, row } = await updateOne(ctx, financingRecord, reference, { ...patch });
      return { financing: row, created: false, updated };
    },
    async deleteFinancing(_: unknown, { reference }: { reference: string }, ctx: FinancingContext) {
      return { reference, deleted: await deleteOne(ctx, financingRecord, reference) };
    },
  },

  DepartmentFinancingContext: {
    department: (c: DepartmentContext) => ({ code: c.department_code }),
    pge: (c: DepartmentContext) =>
      c.pge_date === null
        ? null
        : {
            loanCount: Number(c.pge_loan_count),
            amountEur: Number(c.pge_amount_eur),
            manufacturingLoanCount: Number(c.pge_c_loan_count),
            manufacturingAmountEur: Number(c.pge_c_amount_eur),
            date: c.pge_date,
            dataset: datasetById.get(DATASET_IDS.pge)!,
          },
    franceRelanceIndustry: (c: DepartmentContext) =>
      c.indicator_id === null
        ? null
        : {
            id: c.indicator_id,
            label: c.indicator_label,
            value: Number(c.indicator_value),
            date: c.indicator_date,
            initialValue: c.indicator_initial_value == null ? null : Number(c.indicator_initial_value),
            initialDate: c.indicator_initial_date,
            unit: c.indicator_unit,
            dataset: datasetById.get(DATASET_IDS.barometre)!,
          },
  },
};
