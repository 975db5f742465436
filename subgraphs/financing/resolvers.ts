import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { sql, type Kysely } from 'kysely';
import { badInput, decodeCursor, encodeCursor, pageSize } from '../runtime/errors.ts';
import { isKnownTerritory, parseTerritoryId, type PhaseId } from '../runtime/perimeters.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import { requireWriter } from '../runtime/auth.ts';
import { validationError } from '../runtime/records.ts';
import { createRecord, removeRecord, updateRecord, type WriteOptions } from '../runtime/writes.ts';
import {
  DATASET_IDS,
  DATASETS,
  GRANTED_STATUSES,
  SERVICES,
  datasetById,
  serviceById,
  serviceNode,
  type Axis,
} from './catalogue.ts';
import type { FinancingDB } from './db.ts';
import type { DepartmentContext, FinancingFilter, FinancingLoaders, FinancingNode, GroupTotalRow } from './loaders.ts';
import { afterFinancingWrite } from './positions.ts';
import { provenanceOfCounts, provenanceResolvers, type RecordProvenance } from '../runtime/provenance.ts';
import { OWNER, SAMPLE_REFERENCE, WRITE_SCOPE, financingRecord } from './records.ts';

export interface FinancingContext extends SubgraphContext {
  db: Kysely<FinancingDB>;
  loaders: FinancingLoaders;
}

interface Slice {
  territoryId: string;
}
interface FinancingsArgs {
  first?: number | null;
  after?: string | null;
  service?: string | null;
  instrument?: string | null;
  axis?: Axis | null;
  year?: number | null;
  minAmountEur?: number | null;
  maxAmountEur?: number | null;
  status?: string | null;
}

const FIRST_YEAR = 2019;
const LAST_YEAR = 2027;
const sampleDataset = () => datasetById.get(DATASET_IDS.sample)!;
const declaredDataset = () => datasetById.get(DATASET_IDS.declared)!;
/** A group of records is REAL (declared) only when none of them is sample data. */
const groupDataset = (recordCount: number, operatorCount: number) =>
  recordCount > 0 && operatorCount === recordCount ? declaredDataset() : sampleDataset();
/** What every slice lists; the declared dataset is added where the operator declared financings. */
const STATIC_DATASETS = DATASETS.filter((d) => d.id !== DATASET_IDS.declared);

/** Owner, scope and the hook that keeps the pagination order right, for every write. */
const WRITES: WriteOptions = { owner: OWNER, scope: WRITE_SCOPE, afterWrite: afterFinancingWrite };

interface FinancingInput {
  reference: string;
  territoryId: string;
  companySiren: string;
  companyName: string;
  companyNaf: string;
  serviceId: string;
  instrument: string;
  amountEur: number;
  date: string;
  status: string;
}

/** A stored row (as returned by the writes) in the shape the Financing resolvers read. */
function writtenNode(row: Record<string, unknown>): FinancingNode {
  return {
    ...(row as unknown as FinancingNode),
    company_name: String(row.company_name ?? ''),
    company_naf: String(row.company_naf ?? ''),
  };
}
const granted = [...GRANTED_STATUSES];

function checkService(id: string | null | undefined): string | null {
  if (id == null) return null;
  if (!serviceById.has(id)) {
    throw badInput(
      'service',
      `unknown service "${id.slice(0, 60)}" (expected one of ${SERVICES.map((s) => s.id).join(', ')})`,
    );
  }
  return id;
}

function checkAmount(name: string, value: number | null | undefined): number | null {
  if (value == null) return null;
  if (!Number.isFinite(value) || value < 0)
    throw badInput(name, `must be a non-negative amount in euros (got ${value})`);
  return value;
}

/** Validates and normalizes the filter; the normalized form is also the batching key. */
function financingFilter(args: FinancingsArgs): FinancingFilter {
  const first = pageSize(args.first);
  const after = decodeCursor(args.after);
  const service = checkService(args.service);
  if (args.year != null && (!Number.isInteger(args.year) || args.year < FIRST_YEAR || args.year > LAST_YEAR)) {
    throw badInput('year', `must be between ${FIRST_YEAR} and ${LAST_YEAR} (got ${args.year})`);
  }
  const minAmountEur = checkAmount('minAmountEur', args.minAmountEur);
  const maxAmountEur = checkAmount('maxAmountEur', args.maxAmountEur);
  if (minAmountEur != null && maxAmountEur != null && minAmountEur > maxAmountEur) {
    throw badInput('maxAmountEur', `must be greater than or equal to minAmountEur (${minAmountEur} > ${maxAmountEur})`);
  }
  return {
    first,
    after,
    service,
    instrument: args.instrument ?? null,
    axis: args.axis ?? null,
    year: args.year ?? null,
    minAmountEur,
    maxAmountEur,
    status: args.status ?? null,
  };
}

/** Aggregates over the financings: sample ones, or declared by Bpifrance (runtime/provenance.ts). */
const PROVENANCE: RecordProvenance = { tables: ['financing'], sample: [sampleDataset()], declared: declaredDataset() };

const totalNode = (kind: 'service' | 'instrument') => (r: GroupTotalRow) => ({
  provenance: provenanceOfCounts(Number(r.record_count), Number(r.operator_count), PROVENANCE),
  service: kind === 'service' ? serviceNode(serviceById.get(r.group_key)!) : null,
  instrument: kind === 'instrument' ? r.group_key : null,
  recordCount: Number(r.record_count),
  grantedCount: Number(r.granted_count),
  requestedAmountEur: Number(r.requested_amount),
  grantedAmountEur: Number(r.granted_amount),
  paidAmountEur: Number(r.paid_amount),
  beneficiaryCount: Number(r.beneficiary_count),
  dataset: groupDataset(Number(r.record_count), Number(r.operator_count)),
});

const catalogueOrder = (id: string) => SERVICES.findIndex((s) => s.id === id);

export const resolvers: GraphQLResolverMap<FinancingContext> = {
  ...provenanceResolvers(['PanierSummary', 'PanierTotal', 'FinancingTotal'], PROVENANCE, (ctx) => ctx.db),
  // GraphQL enum values ↔ the phase labels stored in the database.
  Phase: { PHASE_2019_2022: '2019-2022', PHASE_2023_2027: '2023-2027' } as never,

  Query: {
    financingCatalogue: (_: unknown, { axis }: { axis?: Axis | null }) =>
      SERVICES.filter((s) => !axis || s.axes.includes(axis)).map(serviceNode),

    async financingTotals(
      _: unknown,
      args: { by: 'PHASE' | 'REGION' | 'TERRITORY'; phase?: PhaseId | null; axis?: Axis | null },
      ctx: FinancingContext,
    ) {
      const column = ({ PHASE: 't.phase', REGION: 't.region_code', TERRITORY: 't.id' } as const)[args.by];
      let query = ctx.db
        .selectFrom('financing as f')
        .innerJoin('territory as t', 't.id', 'f.territory_id')
        .where('f.status', 'in', granted);
      if (args.phase) query = query.where('t.phase', '=', args.phase);
      if (args.axis) {
        const axis = args.axis;
        query = query.where('f.service_id', 'in', (eb) =>
          eb.selectFrom('service_axis').select('service_id').where('axis', '=', axis),
        );
      }
      const rows = await query
        .select((eb) => [
          eb.ref(column).as('key'),
          sql<number>`count(distinct f.territory_id)`.as('territory_count'),
          eb.fn.countAll<number>().as('record_count'),
          eb.fn.sum<number>('f.amount_eur').as('amount'),
          sql<number>`count(distinct f.siren)`.as('beneficiary_count'),
        ])
        .groupBy(column)
        .orderBy(column)
        .execute();
      return rows.map((r) => ({
        operator: 'BPIFRANCE',
        group: args.by,
        key: r.key,
        territoryCount: Number(r.territory_count),
        recordCount: Number(r.record_count),
        amountEur: Number(r.amount),
        beneficiaryCount: Number(r.beneficiary_count),
      }));
    },

    async financingTerritories(
      _: unknown,
      { phase, mobilised }: { phase: PhaseId; mobilised: boolean },
      ctx: FinancingContext,
    ) {
      const rows = await ctx.db
        .selectFrom('territory as t')
        .select('t.id')
        .where('t.phase', '=', phase)
        .where((eb) => {
          const any = eb.exists(
            eb
              .selectFrom('financing as f')
              .select('f.reference')
              .whereRef('f.territory_id', '=', 't.id')
              .where('f.status', 'in', granted),
          );
          return mobilised ? any : eb.not(any);
        })
        .orderBy('t.id')
        .execute();
      return rows.map((r) => ({ id: r.id }));
    },
  },

  Territory: {
    // No database access: a well-formed id of the perimeters is enough; unknown ids resolve to null.
    __resolveReference: (ref: { id: string }) =>
      parseTerritoryId(ref.id) && isKnownTerritory(ref.id) ? { id: ref.id } : null,
    financing: (t: { id: string }): Slice => ({ territoryId: t.id }),
  },

  Department: {
    __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
    financingContext: (d: { code: string }, _: unknown, ctx: FinancingContext) =>
      ctx.loaders.departmentContext.load(d.code),
  },

  FinancingSlice: {
    operator: () => 'BPIFRANCE',
    async summary(s: Slice, _: unknown, ctx: FinancingContext) {
      const row = await ctx.loaders.summary.load(s.territoryId);
      const recordCount = Number(row?.record_count ?? 0);
      return {
        territoryId: s.territoryId,
        operator: 'BPIFRANCE',
        mobilised: recordCount > 0,
        serviceCount: Number(row?.service_count ?? 0),
        recordCount,
        amountEur: Number(row?.amount ?? 0),
      };
    },
    async services(s: Slice, { axis }: { axis?: Axis | null }, ctx: FinancingContext) {
      const rows = await ctx.loaders.byService.load(s.territoryId);
      return rows
        .filter((r) => Number(r.granted_count) > 0)
        .map((r) => ({ r, service: serviceById.get(r.group_key)! }))
        .filter(({ service }) => !axis || service.axes.includes(axis))
        .sort((a, b) => catalogueOrder(a.service.id) - catalogueOrder(b.service.id))
        .map(({ r, service }) => ({
          service: serviceNode(service),
          recordCount: Number(r.granted_count),
          amountEur: Number(r.granted_amount),
          beneficiaryCount: Number(r.beneficiary_count),
          firstDate: r.first_date,
          lastDate: r.last_date,
          dataset: groupDataset(Number(r.granted_count), Number(r.operator_granted_count)),
        }));
    },
    async datasets(s: Slice, _: unknown, ctx: FinancingContext) {
      const groups = await ctx.loaders.byService.load(s.territoryId);
      return groups.some((g) => Number(g.operator_count) > 0)
        ? [...STATIC_DATASETS, declaredDataset()]
        : STATIC_DATASETS;
    },
    async financings(s: Slice, args: FinancingsArgs, ctx: FinancingContext) {
      const filter = financingFilter(args);
      const page = await ctx.loaders.financings.load({ territoryId: s.territoryId, filter });
      const last = page.rows[page.rows.length - 1];
      return {
        totalCount: page.totalCount,
        nodes: page.rows,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(last.position) : null },
      };
    },
    totalsByService: async (s: Slice, _: unknown, ctx: FinancingContext) =>
      (await ctx.loaders.byService.load(s.territoryId))
        .slice()
        .sort((a, b) => catalogueOrder(a.group_key) - catalogueOrder(b.group_key))
        .map(totalNode('service')),
    totalsByInstrument: async (s: Slice, _: unknown, ctx: FinancingContext) =>
      (await ctx.loaders.byInstrument.load(s.territoryId)).map(totalNode('instrument')),
    async departments(s: Slice, _: unknown, ctx: FinancingContext) {
      const links = await ctx.loaders.departmentsOfTerritory.load(s.territoryId);
      const contexts = await ctx.loaders.departmentContext.loadMany(links.map((l) => l.department_code));
      return contexts.filter((c): c is DepartmentContext => !!c && !(c instanceof Error));
    },
  },

  Financing: {
    company: (f: FinancingNode) => ({ siren: f.siren, name: f.company_name, naf: f.company_naf }),
    service: (f: FinancingNode) => serviceNode(serviceById.get(f.service_id)!),
    amountEur: (f: FinancingNode) => Number(f.amount_eur),
    dataset: (f: FinancingNode) => (f.origin === 'OPERATOR' ? declaredDataset() : sampleDataset()),
  },

  // Writes of Bpifrance's own financings: token of operator BPIFRANCE with scope financing:write (runtime/writes.ts).
  Mutation: {
    async createFinancing(_: unknown, { input }: { input: FinancingInput }, ctx: FinancingContext) {
      const { created, row } = await createRecord(ctx, financingRecord, WRITES, { ...input });
      return { financing: writtenNode(row), created, updated: false };
    },
    async updateFinancing(
      _: unknown,
      { reference, patch }: { reference: string; patch: Partial<FinancingInput> },
      ctx: FinancingContext,
    ) {
      const { updated, row } = await updateRecord(ctx, financingRecord, WRITES, reference, { ...patch });
      return { financing: writtenNode(row), created: false, updated };
    },
    async deleteFinancing(_: unknown, { reference }: { reference: string }, ctx: FinancingContext) {
      requireWriter(await ctx.identity?.(), OWNER, WRITE_SCOPE);
      // Sample records are not the operator's: their references are reserved (create and update refuse them too).
      if (SAMPLE_REFERENCE.test(reference)) {
        throw validationError(financingRecord, [
          {
            field: 'reference',
            message: `"${reference}" is a generated sample reference, not a financing declared by ${OWNER}`,
          },
        ]);
      }
      return { reference, deleted: await removeRecord(ctx, financingRecord, WRITES, reference) };
    },
  },

  DepartmentFinancingContext: {
    department: (c: DepartmentContext) => ({ code: c.code }),
    pge: (c: DepartmentContext) =>
      c.pge && {
        loanCount: Number(c.pge.loan_count),
        amountEur: Number(c.pge.amount_eur),
        manufacturingLoanCount: Number(c.pge.c_loan_count),
        manufacturingAmountEur: Number(c.pge.c_amount_eur),
        date: c.pge.date,
        dataset: datasetById.get(DATASET_IDS.pge)!,
      },
    franceRelanceIndustry: (c: DepartmentContext) =>
      c.indicator && {
        id: c.indicator.indicator_id,
        label: c.indicator.label,
        value: Number(c.indicator.value),
        date: c.indicator.date,
        initialValue: c.indicator.initial_value == null ? null : Number(c.indicator.initial_value),
        initialDate: c.indicator.initial_date,
        unit: c.indicator.unit,
        dataset: datasetById.get(DATASET_IDS.barometre)!,
      },
  },
};
