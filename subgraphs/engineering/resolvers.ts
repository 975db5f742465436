// Maps the engineering subgraph's rows to its schema; no SQL here (repository.ts, and the kit's pages and writes), no
// validation (the record kinds' declarations in records.ts do it, through the kit).
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely } from 'kysely';
import { actionSheetOf, actionSheetReference, linkSummary, sheetSummary } from '../runtime/action-sheet-links.ts';
import { pageRequest, type Page, type PageArgs } from '../runtime/loaders.ts';
import { isKnownTerritory, loadPerimeters, type PhaseId } from '../runtime/perimeters.ts';
import {
  catalogueEntryDataset,
  provenanceOfCounts,
  provenanceResolvers,
  type RecordProvenance,
} from '../runtime/provenance.ts';
import type { Row } from '../runtime/records.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import { dateFigure, figure, readTotals, type Figures, type TotalsGroup } from '../runtime/summaries.ts';
import { createOne, deleteOne, updateOne } from '../runtime/writes.ts';
import {
  DATASET_OPERATOR,
  DATASET_SAMPLE,
  DATASETS,
  datasetById,
  loadCatalogue,
  serviceById,
  serviceOfKind,
  type Axis,
  type CatalogueService,
} from './catalogue.ts';
import { RECORD_KINDS, type EngineeringDB, type RecordKind, type RecordRow } from './db.ts';
import type { EngineeringLoaders } from './loaders.ts';
import { SPECS, SUMMARIES } from './records.ts';

export interface EngineeringContext extends SubgraphContext {
  db: Kysely<EngineeringDB>;
  loaders: EngineeringLoaders;
}

const OPERATOR = 'BANQUE_DES_TERRITOIRES';
const sampleDataset = () => datasetById(DATASET_SAMPLE);
/** Records declared by the operator are REAL (its declaration); generated ones SAMPLE. */
const recordDataset = (r: RecordRow) => datasetById(r.origin === 'OPERATOR' ? DATASET_OPERATOR : DATASET_SAMPLE);

interface Slice {
  territoryId: string;
}
/** The Banque des Territoires' slice of one action sheet. */
interface SheetSlice {
  sheetId: string;
}

/** A territory's figures per service (its records of every kind), from the kit's summaries. */
async function serviceFigures(slice: Slice, ctx: EngineeringContext): Promise<Map<string, Figures>> {
  return ctx.loaders.figures.load({ territory: slice.territoryId, level: 'service' });
}

/** The mobilised services of a territory (at least one record), in catalogue order. */
async function mobilisations(
  slice: Slice,
  ctx: EngineeringContext,
): Promise<{ f: Figures; service: CatalogueService }[]> {
  const figures = await serviceFigures(slice, ctx);
  return loadCatalogue().flatMap((service) => {
    const f = figures.get(service.id);
    return f && figure(f, 'records') > 0 ? [{ f, service }] : [];
  });
}

/** The list field (and loader) of each kind's pages. */
const LIST_OF = {
  ENGINEERING_SUPPORT: 'supports',
  PROJECT_MANAGER_COFUNDING: 'projectManagerCofundings',
  VTE_AID: 'vteAids',
  LOCAL_AUTHORITY_LOAN: 'loans',
} as const;

/** The loader of each kind's pages of an action sheet. */
const SHEET_LIST_OF = {
  ENGINEERING_SUPPORT: 'sheetSupports',
  PROJECT_MANAGER_COFUNDING: 'sheetProjectManagerCofundings',
  VTE_AID: 'sheetVteAids',
  LOCAL_AUTHORITY_LOAN: 'sheetLoans',
} as const;

/**
 * A page of one kind's records of the slice (a territory's, or with `sheetId` an action sheet's), from the kit
 * (arguments validated, batched per request). The kit's arguments add the kind's own rows of the shared table, and
 * the VTE vert (stored 0/1) as 1/0.
 */
async function page(kind: RecordKind, slice: Slice | SheetSlice, args: PageArgs, ctx: EngineeringContext) {
  const green = typeof args.green === 'boolean' ? Number(args.green) : args.green;
  const [partition, loader] =
    'sheetId' in slice ? [slice.sheetId, SHEET_LIST_OF[kind]] : [slice.territoryId, LIST_OF[kind]];
  const request = pageRequest(SPECS[kind], partition, { ...args, recordKind: kind, green });
  const result: Page<RecordRow> = await ctx.loaders[loader].load(request);
  return {
    totalCount: result.totalCount,
    nodes: result.rows,
    pageInfo: { hasNextPage: result.hasNextPage, endCursor: result.endCursor },
  };
}

const groupement = (r: RecordRow) => ({ siren: r.beneficiary_siren, name: r.beneficiary_name });
const recordCommon = {
  actionSheetId: (r: RecordRow) => r.action_sheet_id,
  actionSheet: (r: RecordRow, _: unknown, ctx: EngineeringContext) => actionSheetOf(r.action_sheet_id, ctx),
  amountEur: (r: RecordRow) => Number(r.amount_eur),
  service: (r: RecordRow) => serviceById(r.service_id),
  dataset: recordDataset,
};

interface CreateArgs {
  input: Row;
}
interface UpdateArgs {
  reference: string;
  patch: Row;
}
interface DeleteArgs {
  reference: string;
}

/** Aggregates over Banque des Territoires' records: sample ones, or declared by the operator (runtime/provenance.ts). */
const PROVENANCE: RecordProvenance = {
  tables: ['engineering_record'],
  sample: [datasetById(DATASET_SAMPLE)],
  declared: datasetById(DATASET_OPERATOR),
};

/** Provenance of figures over a group's records, from its counts (records, of which declared by the operator). */
const provenanceOf = (f: Figures | undefined) =>
  provenanceOfCounts(figure(f, 'records'), figure(f, 'declared'), PROVENANCE);

export const resolvers: GraphQLResolverMap<EngineeringContext> = {
  ...provenanceResolvers(
    ['PanierSummary', 'PanierTotal', 'EngineeringKindTotal', 'ActionSheetSummary', 'ActionSheetLinkSummary'],
    PROVENANCE,
    (ctx: EngineeringContext) => ctx.db,
  ),
  // GraphQL enum values ↔ the phase labels stored in the database.
  Phase: { PHASE_2019_2022: '2019-2022', PHASE_2023_2027: '2023-2027' } as never,

  Query: {
    engineeringCatalogue: (_: unknown, { axis }: { axis?: Axis | null }) =>
      loadCatalogue().filter((s) => axis == null || s.axes.includes(axis)),

    async engineeringTotals(
      _: unknown,
      args: { by: TotalsGroup; phase?: PhaseId | null; axis?: Axis | null },
      ctx: EngineeringContext,
    ) {
      // Read from the summaries (O(groups)): a group is there when it holds records, of any kind.
      const rows = await readTotals(ctx.db, SUMMARIES, args);
      return rows.map(({ key, figures: f }) => ({
        operator: OPERATOR,
        group: args.by,
        key,
        provenance: provenanceOf(f),
        territoryCount: figure(f, 'territories'),
        recordCount: figure(f, 'records'),
        amountEur: figure(f, 'amount'),
        beneficiaryCount: figure(f, 'beneficiaries'),
      }));
    },

    async engineeringTerritories(
      _: unknown,
      { phase, mobilised }: { phase: PhaseId; mobilised: boolean },
      ctx: EngineeringContext,
    ) {
      const totals = await readTotals(ctx.db, SUMMARIES, { by: 'TERRITORY', phase });
      const withRecords = new Set(totals.filter((t) => figure(t.figures, 'records') > 0).map((t) => t.key));
      return loadPerimeters()
        .filter((t) => t.phase === phase && withRecords.has(t.id) === mobilised)
        .map((t) => ({ id: t.id }));
    },

    engineeringDatasets: () => DATASETS,
  },

  // The Banque des Territoires' own records, written through the kit (token of BANQUE_DES_TERRITOIRES with scope
  // engineering:write); sample records and another kind's references are refused by the kinds' declarations.
  Mutation: {
    async createEngineeringSupport(_: unknown, { input }: CreateArgs, ctx: EngineeringContext) {
      const { created, row } = await createOne(ctx, SPECS.ENGINEERING_SUPPORT, { ...input });
      return { record: row, created, updated: false };
    },
    async updateEngineeringSupport(_: unknown, { reference, patch }: UpdateArgs, ctx: EngineeringContext) {
      const { updated, row } = await updateOne(ctx, SPECS.ENGINEERING_SUPPORT, reference, { ...patch });
      return { record: row, created: false, updated };
    },
    async deleteEngineeringSupport(_: unknown, { reference }: DeleteArgs, ctx: EngineeringContext) {
      return { reference, deleted: await deleteOne(ctx, SPECS.ENGINEERING_SUPPORT, reference) };
    },
    async createProjectManagerCofunding(_: unknown, { input }: CreateArgs, ctx: EngineeringContext) {
      const { created, row } = await createOne(ctx, SPECS.PROJECT_MANAGER_COFUNDING, { ...input });
      return { record: row, created, updated: false };
    },
    async updateProjectManagerCofunding(_: unknown, { reference, patch }: UpdateArgs, ctx: EngineeringContext) {
      const { updated, row } = await updateOne(ctx, SPECS.PROJECT_MANAGER_COFUNDING, reference, { ...patch });
      return { record: row, created: false, updated };
    },
    async deleteProjectManagerCofunding(_: unknown, { reference }: DeleteArgs, ctx: EngineeringContext) {
      return { reference, deleted: await deleteOne(ctx, SPECS.PROJECT_MANAGER_COFUNDING, reference) };
    },
    async createVteAid(_: unknown, { input }: CreateArgs, ctx: EngineeringContext) {
      const { created, row } = await createOne(ctx, SPECS.VTE_AID, { ...input });
      return { record: row, created, updated: false };
    },
    async updateVteAid(_: unknown, { reference, patch }: UpdateArgs, ctx: EngineeringContext) {
      const { updated, row } = await updateOne(ctx, SPECS.VTE_AID, reference, { ...patch });
      return { record: row, created: false, updated };
    },
    async deleteVteAid(_: unknown, { reference }: DeleteArgs, ctx: EngineeringContext) {
      return { reference, deleted: await deleteOne(ctx, SPECS.VTE_AID, reference) };
    },
    async createLocalAuthorityLoan(_: unknown, { input }: CreateArgs, ctx: EngineeringContext) {
      const { created, row } = await createOne(ctx, SPECS.LOCAL_AUTHORITY_LOAN, { ...input });
      return { record: row, created, updated: false };
    },
    async updateLocalAuthorityLoan(_: unknown, { reference, patch }: UpdateArgs, ctx: EngineeringContext) {
      const { updated, row } = await updateOne(ctx, SPECS.LOCAL_AUTHORITY_LOAN, reference, { ...patch });
      return { record: row, created: false, updated };
    },
    async deleteLocalAuthorityLoan(_: unknown, { reference }: DeleteArgs, ctx: EngineeringContext) {
      return { reference, deleted: await deleteOne(ctx, SPECS.LOCAL_AUTHORITY_LOAN, reference) };
    },
  },

  Territory: {
    // Unknown ids resolve to null, as the federation spec expects for _entities; no SQL here.
    __resolveReference: (ref: { id: string }) => (isKnownTerritory(ref.id) ? { id: ref.id } : null),
    engineering: (t: { id: string }): Slice => ({ territoryId: t.id }),
  },

  EngineeringSlice: {
    operator: () => OPERATOR,
    async summary(slice: Slice, _: unknown, ctx: EngineeringContext) {
      const services = await mobilisations(slice, ctx);
      // Counts and amounts add up across services (each record is in one); the amount is that of financial services.
      const sum = (measure: string, keep = (_: CatalogueService) => true) =>
        services.filter((s) => keep(s.service)).reduce((n, s) => n + figure(s.f, measure), 0);
      const recordCount = sum('records');
      return {
        territoryId: slice.territoryId,
        operator: OPERATOR,
        provenance: provenanceOfCounts(recordCount, sum('declared'), PROVENANCE),
        mobilised: services.length > 0,
        serviceCount: services.length,
        recordCount,
        amountEur: sum('amount', (service) => service.financial),
      };
    },
    async services(slice: Slice, { axis }: { axis?: Axis | null }, ctx: EngineeringContext) {
      return (await mobilisations(slice, ctx))
        .filter((m) => axis == null || m.service.axes.includes(axis))
        .map(({ f, service }) => ({
          service,
          recordCount: figure(f, 'records'),
          amountEur: service.financial ? figure(f, 'amount') : null,
          beneficiaryCount: figure(f, 'beneficiaries'),
          firstDate: dateFigure(f, 'firstDate'),
          lastDate: dateFigure(f, 'lastDate'),
          // Only the operator's declarations: REAL; any generated record among them: SAMPLE.
          dataset: figure(f, 'declared') === figure(f, 'records') ? datasetById(DATASET_OPERATOR) : sampleDataset(),
        }));
    },
    async totals(slice: Slice, _: unknown, ctx: EngineeringContext) {
      // A kind is one service: its totals are the service's figures.
      const figures = await serviceFigures(slice, ctx);
      return RECORD_KINDS.map((kind) => {
        const service = serviceOfKind(kind);
        const f = figures.get(service.id);
        return {
          kind,
          service,
          recordCount: figure(f, 'records'),
          amountEur: figure(f, 'amount'),
          provenance: provenanceOf(f),
        };
      });
    },
    datasets: () => DATASETS,
    supports: (s: Slice, args: PageArgs, ctx: EngineeringContext) => page('ENGINEERING_SUPPORT', s, args, ctx),
    projectManagerCofundings: (s: Slice, args: PageArgs, ctx: EngineeringContext) =>
      page('PROJECT_MANAGER_COFUNDING', s, args, ctx),
    vteAids: (s: Slice, args: PageArgs, ctx: EngineeringContext) => page('VTE_AID', s, args, ctx),
    loans: (s: Slice, args: PageArgs, ctx: EngineeringContext) => page('LOCAL_AUTHORITY_LOAN', s, args, ctx),
    actionSheetLinks: async (s: Slice, _: unknown, ctx: EngineeringContext) =>
      linkSummary(await ctx.loaders.linkCounts.load(s.territoryId), ctx, OPERATOR, PROVENANCE),
  },

  ActionSheet: {
    ...actionSheetReference,
    engineering: (sheet: { id: string }): SheetSlice => ({ sheetId: sheet.id }),
  },
  EngineeringActionSheetSlice: {
    operator: () => OPERATOR,
    summary: async (s: SheetSlice, _: unknown, ctx: EngineeringContext) =>
      sheetSummary(await ctx.loaders.sheetSummary.load(s.sheetId), OPERATOR, PROVENANCE),
    supports: (s: SheetSlice, args: PageArgs, ctx: EngineeringContext) => page('ENGINEERING_SUPPORT', s, args, ctx),
    projectManagerCofundings: (s: SheetSlice, args: PageArgs, ctx: EngineeringContext) =>
      page('PROJECT_MANAGER_COFUNDING', s, args, ctx),
    vteAids: (s: SheetSlice, args: PageArgs, ctx: EngineeringContext) => page('VTE_AID', s, args, ctx),
    loans: (s: SheetSlice, args: PageArgs, ctx: EngineeringContext) => page('LOCAL_AUTHORITY_LOAN', s, args, ctx),
  },

  EngineeringSupport: {
    ...recordCommon,
    kind: (r: RecordRow) => r.study_kind,
    beneficiary: groupement,
    cofundingRate: (r: RecordRow) => Number(r.cofunding_rate),
  },
  ProjectManagerCofunding: {
    ...recordCommon,
    employer: groupement,
    startDate: (r: RecordRow) => r.date,
  },
  VteAid: {
    ...recordCommon,
    company: (r: RecordRow) => ({ siren: r.beneficiary_siren, name: r.beneficiary_name, naf: r.naf }),
    // Stored as 0/1 (SQLite has no booleans).
    green: (r: RecordRow) => Number(r.green) === 1,
    hireDate: (r: RecordRow) => r.date,
  },
  LocalAuthorityLoan: {
    ...recordCommon,
    borrower: groupement,
    durationYears: (r: RecordRow) => r.duration_years,
  },

  Service: {
    dataset: (s: CatalogueService) =>
      catalogueEntryDataset(s.id, datasetById(s.datasetId), 'engineering', 'Banque des Territoires'),
  },
};
