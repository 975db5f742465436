import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely } from 'kysely';
import { badInput, decodeCursor, encodeCursor, pageSize } from '../runtime/errors.ts';
import { isKnownTerritory, parseTerritoryId, type PhaseId } from '../runtime/perimeters.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import { CATALOGUE, CATALOGUE_DATASET_ID, SERVICE_BY_ID, type Axis, type CatalogueService } from './catalogue.ts';
import type {
  DepartmentIndicatorRow,
  JobSeekerTerritoryRow,
  RecruitmentActionRecord,
  RecruitmentDB,
  RecruitmentTerritoryRow,
} from './db.ts';
import { FIRST_MONTH, LAST_MONTH } from './jobseekers.ts';
import { DATASET_IDS, DATASETS } from './load.ts';
import { hiringNeedsOfSlice, hiringNeedsResolvers } from './hiring-needs.ts';
import { catalogueEntryDataset, provenanceResolvers, type RecordProvenance } from '../runtime/provenance.ts';
import { actionKey, type ActionFilter, type RecruitmentLoaders } from './loaders.ts';
import { mutationResolvers } from './mutations.ts';

export interface RecruitmentContext extends SubgraphContext {
  db: Kysely<RecruitmentDB>;
  loaders: RecruitmentLoaders;
}

interface Slice {
  territoryId: string;
}
const OPERATOR = 'FRANCE_TRAVAIL';
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

function coverage(t: RecruitmentTerritoryRow) {
  return {
    communesWithData: t.communes_with_data,
    communeCount: t.commune_count,
    populationCovered: t.population_covered,
    populationShare: t.population ? Math.round((t.population_covered / t.population) * 10000) / 10000 : 0,
  };
}

interface ActionArgs {
  first?: number | null;
  after?: string | null;
  service?: string | null;
  axis?: Axis | null;
  year?: number | null;
  status?: string | null;
}

function actionFilter(args: ActionArgs): ActionFilter {
  const first = pageSize(args.first);
  const after = Math.max(0, decodeCursor(args.after));
  let serviceIds: string[] | null = null;
  if (args.service != null) {
    if (!SERVICE_BY_ID.has(args.service)) {
      throw badInput(
        'service',
        `unknown service "${args.service.slice(0, 60)}" (known: ${CATALOGUE.map((s) => s.id).join(', ')})`,
      );
    }
    serviceIds = [args.service];
  }
  if (args.axis != null) {
    const ofAxis = servicesOfAxis(args.axis).map((s) => s.id);
    serviceIds = serviceIds ? serviceIds.filter((id) => ofAxis.includes(id)) : ofAxis;
  }
  if (args.year != null && (!Number.isInteger(args.year) || args.year < 2019 || args.year > 2027)) {
    throw badInput('year', `must be between 2019 and 2027 (got ${args.year})`);
  }
  return { serviceIds, year: args.year ?? null, status: args.status ?? null, after, first };
}

/** Aggregates over the recruitment actions: sample ones, or declared by France Travail (runtime/provenance.ts). */
const PROVENANCE: RecordProvenance = {
  tables: ['recruitment_action'],
  sample: DATASETS.filter((d) => d.id === DATASET_IDS.actions),
  declared: DATASETS.find((d) => d.id === DATASET_IDS.operatorActions)!,
};

export const resolvers: GraphQLResolverMap<RecruitmentContext> = {
  ...provenanceResolvers(['PanierSummary', 'PanierTotal'], PROVENANCE, (ctx: RecruitmentContext) => ctx.db),
  Phase: { PHASE_2019_2022: '2019-2022', PHASE_2023_2027: '2023-2027' } as never,
  RecruitmentIndicator: INDICATORS as never,

  Query: {
    recruitmentCatalogue: (_: unknown, { axis }: { axis?: Axis }) => servicesOfAxis(axis),

    async recruitmentTotals(
      _: unknown,
      { by, phase, axis }: { by: 'PHASE' | 'REGION' | 'TERRITORY'; phase?: PhaseId; axis?: Axis },
      ctx: RecruitmentContext,
    ) {
      const column = by === 'PHASE' ? 't.phase' : by === 'REGION' ? 't.region_code' : 't.id';
      let query = ctx.db
        .selectFrom('recruitment_action as a')
        .innerJoin('recruitment_territory as t', 't.id', 'a.territory_id')
        .select((eb) => [
          eb.ref(column).as('key'),
          eb.fn.count<number>('a.territory_id').distinct().as('territories'),
          eb.fn.countAll<number>().as('records'),
          eb.fn.sum<number>('a.participants').as('participants'),
        ])
        .groupBy(column)
        .orderBy(column);
      if (phase) query = query.where('t.phase', '=', phase);
      if (axis) query = query.where('a.service_id', 'in', [...servicesOfAxis(axis).map((s) => s.id), '']);
      const rows = await query.execute();
      return rows.map((r) => ({
        operator: OPERATOR,
        group: by,
        key: String(r.key),
        territoryCount: Number(r.territories),
        recordCount: Number(r.records),
        amountEur: null,
        beneficiaryCount: Number(r.participants ?? 0),
      }));
    },

    async recruitmentTerritories(
      _: unknown,
      { phase, mobilised }: { phase: PhaseId; mobilised: boolean },
      ctx: RecruitmentContext,
    ) {
      const rows = await ctx.db
        .selectFrom('recruitment_territory')
        .select('id')
        .where('phase', '=', phase)
        .where('id', mobilised ? 'in' : 'not in', (qb) => qb.selectFrom('recruitment_action').select('territory_id'))
        .orderBy('position')
        .execute();
      return rows.map((r) => ({ id: r.id }));
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
      // One statement: each territory of the phase with its two months (territories without data drop out of the join).
      const rows = await ctx.db
        .selectFrom('recruitment_territory as t')
        .innerJoin('job_seeker_territory as f', (j) => j.onRef('f.territory_id', '=', 't.id').on('f.month', '=', from))
        .innerJoin('job_seeker_territory as l', (j) => j.onRef('l.territory_id', '=', 't.id').on('l.month', '=', to))
        .selectAll('t')
        .select(['f.value as from_value', 'l.value as to_value'])
        .where('t.phase', '=', args.phase)
        .execute();
      const measure = args.by ?? 'PERCENT';
      const sign = (args.order ?? 'DESC') === 'DESC' ? -1 : 1;
      const ranked = rows
        .map((t) => ({ t, cov: coverage(t), ...change(from, to, t.from_value, t.to_value) }))
        .filter((r) => r.cov.populationShare >= minShare && (measure === 'ABSOLUTE' || r.changePercent != null))
        .sort(
          (a, b) =>
            sign * (measure === 'ABSOLUTE' ? a.change - b.change : a.changePercent! - b.changePercent!) ||
            a.t.position - b.t.position,
        )
        .slice(0, first);
      for (const r of ranked) ctx.loaders.territory.prime(r.t.id, r.t);
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

    recruitmentDatasets: (_: unknown, __: unknown, ctx: RecruitmentContext) =>
      ctx.db.selectFrom('dataset').selectAll().orderBy('id').execute(),
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
      const row = await ctx.loaders.summary.load(s.territoryId);
      const records = Number(row?.records ?? 0);
      return {
        territoryId: s.territoryId,
        operator: OPERATOR,
        mobilised: records > 0,
        serviceCount: Number(row?.services ?? 0),
        recordCount: records,
        amountEur: null,
      };
    },
    async services(s: Slice, { axis }: { axis?: Axis }, ctx: RecruitmentContext) {
      const allowed = new Set(servicesOfAxis(axis).map((x) => x.id));
      const rows = await ctx.loaders.services.load(s.territoryId);
      return rows
        .filter((r) => allowed.has(r.service_id))
        .map((r) => ({
          service: SERVICE_BY_ID.get(r.service_id),
          recordCount: Number(r.records),
          amountEur: null,
          beneficiaryCount: Number(r.participants ?? 0),
          firstDate: r.first_date,
          lastDate: r.last_date,
          // Only actions declared by France Travail: their REAL dataset; any sample action among them: the sample's.
          datasetId:
            Number(r.operator_records) === Number(r.records) ? DATASET_IDS.operatorActions : DATASET_IDS.actions,
        }));
    },
    async actions(s: Slice, args: ActionArgs, ctx: RecruitmentContext) {
      const filter = actionFilter(args);
      const page = await ctx.loaders.actions.load(actionKey(s.territoryId, JSON.stringify(filter)));
      const nodes = page.rows.slice(0, filter.first);
      const last = nodes[nodes.length - 1];
      return {
        totalCount: page.total,
        nodes,
        pageInfo: { hasNextPage: page.rows.length > filter.first, endCursor: last ? encodeCursor(last.rn) : null },
      };
    },
    async jobSeekers(s: Slice, args: { from?: string; to?: string }, ctx: RecruitmentContext) {
      const [from, to] = checkMonthRange(args.from, args.to);
      return (await ctx.loaders.jobSeekers.load(s.territoryId)).filter((m) => m.month >= from && m.month <= to);
    },
    async jobSeekersLatest(s: Slice, _: unknown, ctx: RecruitmentContext) {
      const months = await ctx.loaders.jobSeekers.load(s.territoryId);
      return months[months.length - 1] ?? null;
    },
    async jobSeekerChange(s: Slice, args: { from?: string; to?: string }, ctx: RecruitmentContext) {
      const [from, to] = checkMonthRange(args.from, args.to);
      const months = await ctx.loaders.jobSeekers.load(s.territoryId);
      const value = (month: string) => months.find((m: JobSeekerTerritoryRow) => m.month === month)?.value;
      const f = value(from);
      const t = value(to);
      return f == null || t == null ? null : change(from, to, f, t);
    },
    async jobSeekerCoverage(s: Slice, _: unknown, ctx: RecruitmentContext) {
      const t = await ctx.loaders.territory.load(s.territoryId);
      if (!t) throw new Error(`territory ${s.territoryId} missing from the recruitment database`);
      return coverage(t);
    },
    hiringNeeds: hiringNeedsOfSlice,
    async employmentBasins(s: Slice, _: unknown, ctx: RecruitmentContext) {
      return (await ctx.loaders.basins.load(s.territoryId)).map((b) => ({
        code: b.basin_code,
        name: b.basin_name,
        communeCount: b.commune_count,
      }));
    },
    async departmentIndicators(s: Slice, { indicator }: { indicator?: string }, ctx: RecruitmentContext) {
      const series = new Map<string, DepartmentIndicatorRow[]>();
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
    datasets: (_: Slice, __: unknown, ctx: RecruitmentContext) =>
      Promise.all(DATASETS.map((d) => ctx.loaders.dataset.load(d.id))),
  },

  Service: {
    operator: () => OPERATOR,
    dataset: async (s: CatalogueService, __: unknown, ctx: RecruitmentContext) =>
      catalogueEntryDataset(
        s.id,
        (await ctx.loaders.dataset.load(CATALOGUE_DATASET_ID))!,
        'recruitment',
        'France Travail',
      ),
  },
  ServiceMobilisation: {
    dataset: (m: { datasetId: string }, _: unknown, ctx: RecruitmentContext) => ctx.loaders.dataset.load(m.datasetId),
  },
  DepartmentIndicatorSeries: {
    dataset: (m: { datasetId: string }, _: unknown, ctx: RecruitmentContext) => ctx.loaders.dataset.load(m.datasetId),
  },
  Mutation: mutationResolvers,
  RecruitmentAction: {
    service: (a: RecruitmentActionRecord) => SERVICE_BY_ID.get(a.service_id),
    nafCode: (a: RecruitmentActionRecord) => a.naf_code,
    employer: (a: RecruitmentActionRecord) =>
      a.employer_siren ? { siren: a.employer_siren, name: a.employer_name } : null,
    dataset: (a: RecruitmentActionRecord, __: unknown, ctx: RecruitmentContext) =>
      ctx.loaders.dataset.load(a.origin === 'OPERATOR' ? DATASET_IDS.operatorActions : DATASET_IDS.actions),
  },
  TerritoryJobSeekerChange: {},
  ...(hiringNeedsResolvers as object),
};
