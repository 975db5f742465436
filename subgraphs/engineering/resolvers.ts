import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely } from 'kysely';
import { requireWriter } from '../runtime/auth.ts';
import { encodeCursor } from '../runtime/errors.ts';
import { isKnownTerritory, loadPerimeters, type PhaseId } from '../runtime/perimeters.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import { createRecord, removeRecord, updateRecord } from '../runtime/writes.ts';
import {
  DATASET_OPERATOR,
  DATASET_SAMPLE,
  DATASETS,
  datasetById,
  loadCatalogue,
  serviceById,
  serviceIdsOfAxis,
  serviceOfKind,
  type Axis,
  type CatalogueService,
} from './catalogue.ts';
import { RECORD_KINDS, type EngineeringDB, type RecordKind, type RecordRow } from './db.ts';
import { parseFilter, type RecordListArgs } from './filters.ts';
import type { EngineeringLoaders, ListKey, ServiceFigures } from './loaders.ts';
import { OWNER, ownRecord, SPECS, WRITE_SCOPE, writeOptions } from './records.ts';
import {
  catalogueEntryDataset,
  provenanceOfCounts,
  provenanceResolvers,
  type RecordProvenance,
} from '../runtime/provenance.ts';

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

/** The mobilised services of a territory, in catalogue order. */
async function mobilisations(
  slice: Slice,
  ctx: EngineeringContext,
): Promise<(ServiceFigures & { service: CatalogueService })[]> {
  const figures = new Map(
    (await ctx.loaders.servicesOfTerritory.load(slice.territoryId)).map((f) => [f.service_id, f]),
  );
  return loadCatalogue().flatMap((service) => {
    const f = figures.get(service.id);
    return f ? [{ ...f, service }] : [];
  });
}

/** A record list of the slice: validated now, fetched lazily (nodes/pageInfo and totalCount batch separately). */
function recordList(kind: RecordKind) {
  return (slice: Slice, args: RecordListArgs): ListKey => ({
    territoryId: slice.territoryId,
    filter: parseFilter(kind, args),
  });
}

const connection = {
  totalCount: (key: ListKey, _: unknown, ctx: EngineeringContext) => ctx.loaders.recordCount.load(key),
  nodes: async (key: ListKey, _: unknown, ctx: EngineeringContext) =>
    (await ctx.loaders.recordPage.load(key)).slice(0, key.filter.first),
  async pageInfo(key: ListKey, _: unknown, ctx: EngineeringContext) {
    const rows = await ctx.loaders.recordPage.load(key);
    const last = rows.slice(0, key.filter.first).at(-1);
    return {
      hasNextPage: rows.length > key.filter.first,
      endCursor: last ? encodeCursor(Number(last.position)) : null,
    };
  },
};

const groupement = (r: RecordRow) => ({ siren: r.beneficiary_siren, name: r.beneficiary_name });
const recordCommon = {
  amountEur: (r: RecordRow) => Number(r.amount_eur),
  service: (r: RecordRow) => serviceById(r.service_id),
  dataset: recordDataset,
};

/** create/update/delete of one record kind: the owner's token, validation, one transaction (runtime/writes.ts). */
function mutationsOf(kind: RecordKind) {
  const spec = SPECS[kind];
  const options = writeOptions(kind);
  const owner = async (ctx: EngineeringContext) => requireWriter(await ctx.identity?.(), OWNER, WRITE_SCOPE);
  return {
    async create(_: unknown, { input }: { input: Record<string, unknown> }, ctx: EngineeringContext) {
      const { created, row } = await createRecord(ctx, spec, options, { ...input });
      return { record: row, created, updated: false };
    },
    async update(
      _: unknown,
      { reference, patch }: { reference: string; patch: Record<string, unknown> },
      ctx: EngineeringContext,
    ) {
      // The token first (nothing is revealed to an anonymous caller), then: sample records and other kinds are not writable.
      await owner(ctx);
      await ownRecord(ctx.db, kind, reference);
      const { updated, row } = await updateRecord(ctx, spec, options, reference, { ...patch });
      return { record: row, created: false, updated };
    },
    async delete(_: unknown, { reference }: { reference: string }, ctx: EngineeringContext) {
      await owner(ctx);
      await ownRecord(ctx.db, kind, reference);
      return { reference, deleted: await removeRecord(ctx, spec, options, reference) };
    },
  };
}
const supports = mutationsOf('ENGINEERING_SUPPORT');
const cofundings = mutationsOf('PROJECT_MANAGER_COFUNDING');
const vteAids = mutationsOf('VTE_AID');
const loans = mutationsOf('LOCAL_AUTHORITY_LOAN');

const GROUP_COLUMN = { PHASE: 'phase', REGION: 'region_code', TERRITORY: 'territory_id' } as const;

/** Aggregates over Banque des Territoires' records: sample ones, or declared by the operator (runtime/provenance.ts). */
const PROVENANCE: RecordProvenance = {
  tables: ['engineering_record'],
  sample: [datasetById(DATASET_SAMPLE)],
  declared: datasetById(DATASET_OPERATOR),
};

export const resolvers: GraphQLResolverMap<EngineeringContext> = {
  ...provenanceResolvers(
    ['PanierSummary', 'PanierTotal', 'EngineeringKindTotal'],
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
      args: { by: keyof typeof GROUP_COLUMN; phase?: PhaseId | null; axis?: Axis | null },
      ctx: EngineeringContext,
    ) {
      const column = GROUP_COLUMN[args.by];
      let q = ctx.db
        .selectFrom('engineering_record')
        .select((eb) => [
          eb.ref(column).as('key'),
          eb.fn.count<number>('territory_id').distinct().as('territory_count'),
          eb.fn.countAll<number>().as('record_count'),
          eb.fn.sum<number>('amount_eur').as('amount_eur'),
          eb.fn.count<number>('beneficiary_siren').distinct().as('beneficiary_count'),
        ])
        .groupBy(column)
        .orderBy(column);
      if (args.phase) q = q.where('phase', '=', args.phase);
      if (args.axis) {
        const ids = serviceIdsOfAxis(args.axis).filter((id) => serviceById(id)?.recordKind);
        if (!ids.length) return [];
        q = q.where('service_id', 'in', ids);
      }
      const rows = await q.execute();
      return rows.map((r) => ({
        operator: OPERATOR,
        group: args.by,
        key: String(r.key),
        territoryCount: Number(r.territory_count),
        recordCount: Number(r.record_count),
        amountEur: Number(r.amount_eur),
        beneficiaryCount: Number(r.beneficiary_count),
      }));
    },

    async engineeringTerritories(
      _: unknown,
      { phase, mobilised }: { phase: PhaseId; mobilised: boolean },
      ctx: EngineeringContext,
    ) {
      const rows = await ctx.db
        .selectFrom('engineering_record')
        .select('territory_id')
        .distinct()
        .where('phase', '=', phase)
        .execute();
      const withRecords = new Set(rows.map((r) => r.territory_id));
      return loadPerimeters()
        .filter((t) => t.phase === phase && withRecords.has(t.id) === mobilised)
        .map((t) => ({ id: t.id }));
    },

    engineeringDatasets: () => DATASETS,
  },

  Mutation: {
    createEngineeringSupport: supports.create,
    updateEngineeringSupport: supports.update,
    deleteEngineeringSupport: supports.delete,
    createProjectManagerCofunding: cofundings.create,
    updateProjectManagerCofunding: cofundings.update,
    deleteProjectManagerCofunding: cofundings.delete,
    createVteAid: vteAids.create,
    updateVteAid: vteAids.update,
    deleteVteAid: vteAids.delete,
    createLocalAuthorityLoan: loans.create,
    updateLocalAuthorityLoan: loans.update,
    deleteLocalAuthorityLoan: loans.delete,
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
      return {
        territoryId: slice.territoryId,
        operator: OPERATOR,
        mobilised: services.length > 0,
        serviceCount: services.length,
        recordCount: services.reduce((n, s) => n + Number(s.record_count), 0),
        amountEur: services.filter((s) => s.service.financial).reduce((sum, s) => sum + Number(s.amount_eur), 0),
      };
    },
    async services(slice: Slice, { axis }: { axis?: Axis | null }, ctx: EngineeringContext) {
      return (await mobilisations(slice, ctx))
        .filter((m) => axis == null || m.service.axes.includes(axis))
        .map((m) => ({
          service: m.service,
          recordCount: Number(m.record_count),
          amountEur: m.service.financial ? Number(m.amount_eur) : null,
          beneficiaryCount: Number(m.beneficiary_count),
          firstDate: m.first_date,
          lastDate: m.last_date,
          // Only the operator's declarations: REAL; any generated record among them: SAMPLE.
          dataset:
            Number(m.operator_count) === Number(m.record_count) ? datasetById(DATASET_OPERATOR) : sampleDataset(),
        }));
    },
    async totals(slice: Slice, _: unknown, ctx: EngineeringContext) {
      const figures = await ctx.loaders.servicesOfTerritory.load(slice.territoryId);
      return RECORD_KINDS.map((kind) => {
        const service = serviceOfKind(kind);
        const f = figures.find((x) => x.service_id === service.id);
        return {
          kind,
          service,
          recordCount: Number(f?.record_count ?? 0),
          amountEur: Number(f?.amount_eur ?? 0),
          provenance: provenanceOfCounts(Number(f?.record_count ?? 0), Number(f?.operator_count ?? 0), PROVENANCE),
        };
      });
    },
    datasets: () => DATASETS,
    supports: recordList('ENGINEERING_SUPPORT'),
    projectManagerCofundings: recordList('PROJECT_MANAGER_COFUNDING'),
    vteAids: recordList('VTE_AID'),
    loans: recordList('LOCAL_AUTHORITY_LOAN'),
  },

  EngineeringSupportConnection: connection,
  ProjectManagerCofundingConnection: connection,
  VteAidConnection: connection,
  LocalAuthorityLoanConnection: connection,

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
