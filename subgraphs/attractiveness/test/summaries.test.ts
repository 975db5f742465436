// The summary tables the record kit keeps for Business France's three kinds (records.ts `investmentSummary`,
// `exportSummary`, `siteSummary`): after random writes through the gateway (some concurrent, some moving records
// between territories, phases, statuses and years) and random CSV imports, they equal a full recomputation from the
// records, and every figure the graph serves equals the SQL aggregate of the records (the queries the subgraph ran
// before the summaries): totals by phase, region and territory, territories with records, investments by country,
// and each test territory's summary, services and investment totals. On the suite's dialect.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { expectSummariesMatchRecords } from '../../../test/support/summaries.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { importCsv } from '../../runtime/import.ts';
import { territoryIdsOf, type PhaseId } from '../../runtime/perimeters.ts';
import type { KitDB } from '../../runtime/records.ts';
import { CATALOGUE } from '../catalogue.ts';
import type { AttractivenessDB } from '../db.ts';
import {
  exportSupportSpec,
  INVESTMENT_STATUSES,
  investmentProjectSpec,
  RECORD_SPECS,
  sitePromotionSpec,
} from '../records.ts';
import { SECTORS } from '../sample.ts';
import { rng, sampleSiren } from '../../runtime/sample.ts';

let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories', 'attractiveness'], env: TEST_JWT_ENV });
  token = await signToken({ operator: 'BUSINESS_FRANCE', scope: 'attractiveness:write' });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});

const db = () => hub.subgraphs.get('attractiveness')!.test.prepared.database.db as unknown as Kysely<AttractivenessDB>;
const gql = <T>(query: string, variables: Record<string, unknown> = {}) =>
  post<T>(hub.gatewayUrl, query, variables, { authorization: `Bearer ${token}` });

// Deterministic: the same run every time (the sample's seeded generator).
const random = rng('attractiveness summaries test');
const rand = random.next;
const pick = random.pick;
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));

/** A valid SIREN (Luhn) from a small pool, so that companies recur and distinct counts move both ways. */
const SIRENS = Array.from({ length: 6 }, () => sampleSiren(random));
const siren = (n: number) => SIRENS[n]!;
// Two territories of each phase, two of them in the same region (84).
const TERRITORIES = ['2023-2027:ti-8412', '2023-2027:ti-8402', '2019-2022:ti-8403', '2019-2022:ti-2701'];
const yearsOf = (territory: string) => (territory.startsWith('2019') ? [2019, 2022] : [2023, 2027]);
const dateIn = (territory: string) => {
  const [from, to] = yearsOf(territory) as [number, number];
  return `${int(from, to)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;
};
// Small pools: the same investor, company or site recurs across records, territories and kinds' groups.
const INVESTORS = ['Testwerk GmbH (test)', 'Nordic Parts AB (test)', 'Kansai Seiki KK (test)', 'Acme Corp (test)'];
const COUNTRIES = ['DE', 'SE', 'JP', 'US', 'IT'];
const SITES = ['Parc des Forges (test)', 'Zone du Canal (test)', 'Plateforme Sud (test)'];
const COMMUNES = ['Commune A (test)', 'Commune B (test)'];

type Input = Record<string, string | number>;

/** A valid record of each kind, at a random territory and date. */
const INPUTS: Record<string, (reference: string) => Input> = {
  [investmentProjectSpec.kind]: (reference) => {
    const territoryId = pick(TERRITORIES);
    return {
      reference,
      territoryId,
      serviceId: 'attractiveness:investissement-etranger',
      investorName: pick(INVESTORS),
      investorCountry: pick(COUNTRIES),
      sector: pick(SECTORS.slice(0, 4)),
      naf: '22.29A',
      kind: pick(['CREATION', 'EXTENSION', 'TAKEOVER']),
      jobsCreated: int(0, 300),
      jobsSaved: int(0, 80),
      investmentEur: int(0, 50_000_000),
      date: dateIn(territoryId),
      status: pick(INVESTMENT_STATUSES),
    };
  },
  [exportSupportSpec.kind]: (reference) => {
    const territoryId = pick(TERRITORIES);
    return {
      reference,
      territoryId,
      serviceId: 'attractiveness:export',
      companySiren: siren(int(0, 5)),
      companyName: 'Entreprise (test des sommes)',
      naf: '24.10Z',
      offer: pick(['PROSPECTION_MISSION', 'TRADE_FAIR', 'VIE', 'MARKET_STUDY']),
      targetCountry: pick(COUNTRIES),
      date: dateIn(territoryId),
      status: pick(['PLANNED', 'COMPLETED', 'CANCELLED']),
    };
  },
  [sitePromotionSpec.kind]: (reference) => {
    const territoryId = pick(TERRITORIES);
    return {
      reference,
      territoryId,
      serviceId: 'attractiveness:promotion-internationale',
      siteName: pick(SITES),
      communeName: pick(COMMUNES),
      // Decimals: hectares are not summed, but the record must round-trip.
      hectares: Math.round(rand() * 10_000) / 100,
      date: dateIn(territoryId),
      event: 'Salon (test des sommes)',
    };
  },
};
/** The fields a patch may change, per kind (a territory move carries a date of the new territory's phase). */
const PATCHABLE: Record<string, string[]> = {
  [investmentProjectSpec.kind]: [
    'territoryId',
    'date',
    'status',
    'investorName',
    'investorCountry',
    'sector',
    'jobsCreated',
    'jobsSaved',
    'investmentEur',
  ],
  [exportSupportSpec.kind]: ['territoryId', 'date', 'companySiren', 'status', 'targetCountry'],
  [sitePromotionSpec.kind]: ['territoryId', 'date', 'siteName', 'communeName', 'hectares'],
};
const MUTATIONS: Record<string, { name: string; input: string; patch: string }> = {
  [investmentProjectSpec.kind]: {
    name: 'InvestmentProject',
    input: 'InvestmentProjectInput',
    patch: 'InvestmentProjectPatch',
  },
  [exportSupportSpec.kind]: { name: 'ExportSupport', input: 'ExportSupportInput', patch: 'ExportSupportPatch' },
  [sitePromotionSpec.kind]: { name: 'SitePromotion', input: 'SitePromotionInput', patch: 'SitePromotionPatch' },
};
const create = (kind: string, input: Input) => {
  const m = MUTATIONS[kind]!;
  return gql(`mutation($input: ${m.input}!) { create${m.name}(input: $input) { created } }`, { input });
};
const update = (kind: string, reference: string, patch: Input) => {
  const m = MUTATIONS[kind]!;
  return gql(
    `mutation($key: ID!, $patch: ${m.patch}!) { update${m.name}(reference: $key, patch: $patch) { updated } }`,
    {
      key: reference,
      patch,
    },
  );
};
const remove = (kind: string, reference: string) =>
  gql(`mutation($key: ID!) { delete${MUTATIONS[kind]!.name}(reference: $key) { deleted } }`, { key: reference });

const csvOf = (rows: Input[]) => {
  const header = Object.keys(rows[0]!);
  const cell = (v: unknown) => `"${String(v).replace(/"/g, '""')}"`;
  return [header.join(','), ...rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\n');
};

const expectAllSummaries = async () => {
  for (const spec of RECORD_SPECS) await expectSummariesMatchRecords(db() as unknown as Kysely<KitDB>, spec);
};

describe('summaries', () => {
  it('after random writes through the gateway and random imports, every kind’s summaries equal a recomputation from the records', async () => {
    /** Live records written by the test: kind and current values. */
    const live = new Map<string, { kind: string; input: Input }>();
    let next = 0;
    const reference = () => `SUM-BF-${String(next++).padStart(3, '0')}`;
    for (let round = 0; round < 12; round++) {
      // Six writes at once over the three kinds: creates, patches (moving records between territories, phases,
      // statuses, years, investors, sites…) and deletes, on the same few territories, so they share summary rows.
      // Only records committed before the round are patched or deleted, each once per round.
      const settled = [...live.keys()];
      const writes = Array.from({ length: 6 }, () => {
        const choice = rand();
        if (settled.length < 6 || choice < 0.45) {
          const kind = pick(RECORD_SPECS).kind;
          const input = INPUTS[kind]!(reference());
          live.set(String(input.reference), { kind, input });
          return create(kind, input);
        }
        const key = settled.splice(Math.floor(rand() * settled.length), 1)[0]!;
        const record = live.get(key)!;
        if (choice < 0.8) {
          const field = pick(PATCHABLE[record.kind]!);
          const other = INPUTS[record.kind]!(key);
          // A date stays inside the phase of the record's territory; a move carries a date of its new one.
          const patch: Input =
            field === 'territoryId'
              ? { territoryId: other.territoryId!, date: other.date! }
              : field === 'date'
                ? { date: dateIn(String(record.input.territoryId)) }
                : { [field]: other[field]! };
          record.input = { ...record.input, ...patch };
          return update(record.kind, key, patch);
        }
        live.delete(key);
        return remove(record.kind, key);
      });
      for (const answer of await Promise.all(writes)) expect(answer.errors).toBeUndefined();
      if (round % 4 === 3) {
        // An import of one kind, new and existing references (updated in place), as `npm run import` does.
        const spec = pick(RECORD_SPECS);
        const existing = [...live].filter(([, r]) => r.kind === spec.kind).map(([key]) => key);
        const rows = [
          ...Array.from({ length: 6 }, () => INPUTS[spec.kind]!(reference())),
          ...existing.slice(0, 4).map((key) => INPUTS[spec.kind]!(key)),
        ];
        for (const input of rows) live.set(String(input.reference), { kind: spec.kind, input });
        const result = await importCsv(db(), spec, csvOf(rows));
        expect(result.rejected).toEqual([]);
        expect(result.written!.inserted + result.written!.updated).toBeGreaterThan(0);
      }
      await expectAllSummaries();
    }
    const written = await Promise.all(
      RECORD_SPECS.map((spec) =>
        db()
          .selectFrom(spec.table as 'investment_project')
          .select(sql<number>`count(*)`.as('n'))
          .where('reference', 'like', 'SUM-BF-%')
          .executeTakeFirstOrThrow(),
      ),
    );
    // Every kind was written, and kept records in the end.
    expect(written.map((w) => Number(w.n) > 3)).toEqual([true, true, true]);
  }, 300_000);

  // ---- every figure served equals the SQL aggregate of the records (after the writes above) ----

  /** The three tables as one (the query the totals ran before the summaries), optionally scoped. */
  const activity = (where: { phase?: string | null; territories?: string[] } = {}) => {
    const branch = (table: 'investment_project' | 'export_support' | 'site_promotion', amount: string, who: string) => {
      let q = db()
        .selectFrom(table)
        .select([
          'territory_id',
          'phase',
          'region_code',
          'service_id',
          'date',
          'origin',
          sql<number | null>`${sql.raw(amount)}`.as('amount'),
          sql<string>`${sql.raw(who)}`.as('beneficiary'),
        ]);
      if (where.phase) q = q.where('phase', '=', where.phase);
      if (where.territories) q = q.where('territory_id', 'in', where.territories);
      return q;
    };
    return branch('investment_project', 'investment_eur', 'investor_name')
      .unionAll(branch('export_support', 'null', 'company_siren'))
      .unionAll(branch('site_promotion', 'null', "site_name || ', ' || commune_name"));
  };
  /** The nature of figures over `records` records of which `declared` are Business France's (runtime/provenance.ts). */
  const natureOf = (records: number, declared: number) =>
    declared === 0 ? 'SAMPLE' : declared === records ? 'DERIVED' : 'MIXED';

  interface Total {
    key: string;
    territoryCount: number;
    recordCount: number;
    amountEur: number | null;
    beneficiaryCount: number;
    nature: string;
  }

  it('every total served equals the SQL aggregate of the records (by phase, region, territory; one phase; one axis)', async () => {
    const natures = new Set<string>();
    for (const by of ['PHASE', 'REGION', 'TERRITORY'] as const)
      for (const phase of [null, '2023-2027'] as const)
        for (const axis of [null, 'ATTRACT', 'INNOVATE'] as const) {
          const r = await post<{ attractivenessTotals: Total[] }>(
            hub.gatewayUrl,
            `query($by: TotalsGroup!, $phase: Phase, $axis: Axis) { attractivenessTotals(by: $by, phase: $phase, axis: $axis) {
              key territoryCount recordCount amountEur beneficiaryCount nature } }`,
            { by, phase: phase && 'PHASE_2023_2027', axis },
          );
          expect(r.errors).toBeUndefined();
          for (const t of r.data!.attractivenessTotals) natures.add(t.nature);
          // Every service serves ATTRACT only (catalogue.csv): no record under INNOVATE.
          const column = ({ PHASE: 'phase', REGION: 'region_code', TERRITORY: 'territory_id' } as const)[by];
          const expected =
            axis === 'INNOVATE'
              ? []
              : await db()
                  .selectFrom(activity({ phase }).as('a'))
                  .select((eb) => [
                    eb.ref(column).as('key'),
                    sql<number>`count(distinct territory_id)`.as('territoryCount'),
                    eb.fn.countAll<number>().as('recordCount'),
                    eb.fn.sum<number | null>('amount').as('amountEur'),
                    sql<number>`count(distinct beneficiary)`.as('beneficiaryCount'),
                    sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('declared'),
                  ])
                  .groupBy(column)
                  .orderBy(column)
                  .execute();
          expect([by, phase, axis, r.data!.attractivenessTotals]).toEqual([
            by,
            phase,
            axis,
            expected.map((e) => ({
              key: String(e.key),
              territoryCount: Number(e.territoryCount),
              recordCount: Number(e.recordCount),
              amountEur: e.amountEur === null ? null : Number(e.amountEur),
              beneficiaryCount: Number(e.beneficiaryCount),
              nature: natureOf(Number(e.recordCount), Number(e.declared)),
            })),
          ]);
        }
    // The writes above mixed declared records with the sample's.
    expect([...natures]).toContain('MIXED');
  });

  it('territories with and without records equal the records', async () => {
    for (const phase of ['2019-2022', '2023-2027'] as const) {
      const withRecords = new Set(
        (await db().selectFrom(activity({ phase }).as('a')).select('territory_id').distinct().execute()).map(
          (r) => r.territory_id,
        ),
      );
      for (const mobilised of [true, false]) {
        const r = await post<{ attractivenessTerritories: { id: string }[] }>(
          hub.gatewayUrl,
          `query($phase: Phase!, $mobilised: Boolean!) { attractivenessTerritories(phase: $phase, mobilised: $mobilised) { id } }`,
          { phase: phase === '2019-2022' ? 'PHASE_2019_2022' : 'PHASE_2023_2027', mobilised },
        );
        expect(r.errors).toBeUndefined();
        expect(r.data!.attractivenessTerritories.map((t) => t.id)).toEqual(
          territoryIdsOf(phase as PhaseId).filter((id) => withRecords.has(id) === mobilised),
        );
      }
    }
  });

  /** The investment sums of the records (the query InvestmentTotals and investmentsByCountry ran before). */
  const investmentSums = async (
    /** The column grouped by (each group's `key`), or null: one row for all the projects. */
    groupBy: 'investor_country' | 'sector' | null,
    filter: { status: string | null; year: number | null },
    scope: { phase?: string | null; territories?: string[] },
  ) => {
    let q = db()
      .selectFrom('investment_project')
      .select((eb) => [
        groupBy ? eb.ref(groupBy).as('key') : sql<string>`''`.as('key'),
        eb.fn.countAll<number>().as('projectCount'),
        sql<number>`count(distinct investor_name)`.as('investorCount'),
        sql<number>`count(distinct territory_id)`.as('territoryCount'),
        eb.fn.sum<number>('jobs_created').as('jobsCreated'),
        eb.fn.sum<number>('jobs_saved').as('jobsSaved'),
        eb.fn.sum<number>('investment_eur').as('investmentEur'),
        sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('declared'),
      ]);
    if (groupBy) q = q.groupBy(groupBy);
    q = filter.status ? q.where('status', '=', filter.status) : q.where('status', '!=', 'ABANDONED');
    if (filter.year) q = q.where('year', '=', filter.year);
    if (scope.phase) q = q.where('phase', '=', scope.phase);
    if (scope.territories) q = q.where('territory_id', 'in', scope.territories);
    return (await q.execute()).map((r) => ({
      key: String(r.key),
      projectCount: Number(r.projectCount),
      investorCount: Number(r.investorCount),
      territoryCount: Number(r.territoryCount),
      jobsCreated: Number(r.jobsCreated),
      jobsSaved: Number(r.jobsSaved),
      investmentEur: Number(r.investmentEur),
      nature: natureOf(Number(r.projectCount), Number(r.declared)),
    }));
  };
  const FILTERS = [
    { status: null, year: null },
    { status: 'DECIDED', year: null },
    { status: 'ABANDONED', year: null },
    { status: null, year: 2024 },
    { status: 'DETECTED', year: 2021 },
  ];
  const byRank =
    <T extends { projectCount: number }>(key: (r: T) => string) =>
    (a: T, b: T) =>
      b.projectCount - a.projectCount || key(a).localeCompare(key(b));

  it('investments by country over all territories equal the SQL aggregate (each phase, status and year filter)', async () => {
    for (const phase of [null, '2019-2022', '2023-2027'])
      for (const filter of FILTERS) {
        const r = await post<{ investmentsByCountry: unknown[] }>(
          hub.gatewayUrl,
          `query($phase: Phase, $status: InvestmentStatus, $year: Int) { investmentsByCountry(phase: $phase, status: $status, year: $year) {
            country { code } projectCount territoryCount jobsCreated jobsSaved investmentEur nature } }`,
          {
            phase: phase && (phase === '2019-2022' ? 'PHASE_2019_2022' : 'PHASE_2023_2027'),
            ...filter,
          },
        );
        expect(r.errors).toBeUndefined();
        const expected = (await investmentSums('investor_country', filter, { phase }))
          .sort(byRank((e) => e.key))
          .map((e) => ({
            country: { code: e.key },
            projectCount: e.projectCount,
            territoryCount: e.territoryCount,
            jobsCreated: e.jobsCreated,
            jobsSaved: e.jobsSaved,
            investmentEur: e.investmentEur,
            nature: e.nature,
          }));
        expect([phase, filter, r.data!.investmentsByCountry]).toEqual([phase, filter, expected]);
      }
  });

  interface SliceAnswer {
    summary: {
      mobilised: boolean;
      serviceCount: number;
      recordCount: number;
      amountEur: number | null;
      nature: string;
    };
    services: {
      service: { id: string };
      recordCount: number;
      amountEur: number | null;
      beneficiaryCount: number;
      firstDate: string;
      lastDate: string;
      dataset: { nature: string };
    }[];
  }

  it("each test territory's summary, services and investment totals equal the SQL aggregates of its records", async () => {
    const TOTALS = (alias: string, args: string) => `${alias}: investmentTotals${args} { projectCount investorCount
      jobsCreated jobsSaved investmentEur nature
      byCountry { country { code } projectCount territoryCount jobsCreated jobsSaved investmentEur nature }
      bySector { sector projectCount jobsCreated jobsSaved investmentEur nature } }`;
    // The test territories through the gateway, one query.
    const r = await post<Record<string, { id: string; attractiveness: SliceAnswer & Record<string, unknown> }>>(
      hub.gatewayUrl,
      `{ ${TERRITORIES.map(
        (id, t) => `territory${t}: territory(id: "${id}") { id attractiveness {
        summary { mobilised serviceCount recordCount amountEur nature }
        services { service { id } recordCount amountEur beneficiaryCount firstDate lastDate dataset { nature } }
        ${FILTERS.map((f, i) => TOTALS(`t${i}`, f.status || f.year ? `(${[f.status && `status: ${f.status}`, f.year && `year: ${f.year}`].filter(Boolean).join(', ')})` : '')).join('\n')}
      } }`,
      ).join('\n')} }`,
    );
    expect(r.errors).toBeUndefined();
    const services = await db()
      .selectFrom(activity({ territories: TERRITORIES }).as('a'))
      .select((eb) => [
        'territory_id',
        'service_id',
        eb.fn.countAll<number>().as('records'),
        eb.fn.sum<number | null>('amount').as('amount'),
        sql<number>`count(distinct beneficiary)`.as('beneficiaries'),
        eb.fn.min<string>('date').as('first'),
        eb.fn.max<string>('date').as('last'),
        sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('declared'),
      ])
      .groupBy(['territory_id', 'service_id'])
      .orderBy('service_id')
      .execute();
    for (const entity of Object.values(r.data!)) {
      const slice = entity.attractiveness;
      const own = services.filter((s) => s.territory_id === entity.id);
      // Services in catalogue order.
      const order = CATALOGUE.map((s) => s.id);
      own.sort((a, b) => order.indexOf(a.service_id) - order.indexOf(b.service_id));
      expect([entity.id, slice.services]).toEqual([
        entity.id,
        own.map((s) => ({
          service: { id: s.service_id },
          recordCount: Number(s.records),
          amountEur: s.amount === null ? null : Number(s.amount),
          beneficiaryCount: Number(s.beneficiaries),
          firstDate: s.first,
          lastDate: s.last,
          dataset: { nature: Number(s.declared) === Number(s.records) ? 'REAL' : 'SAMPLE' },
        })),
      ]);
      const records = own.reduce((n, s) => n + Number(s.records), 0);
      const amounts = own.filter((s) => s.amount !== null);
      expect([entity.id, slice.summary]).toEqual([
        entity.id,
        {
          mobilised: own.length > 0,
          serviceCount: own.length,
          recordCount: records,
          amountEur: amounts.length ? amounts.reduce((n, s) => n + Number(s.amount), 0) : null,
          nature: natureOf(
            records,
            own.reduce((n, s) => n + Number(s.declared), 0),
          ),
        },
      ]);
      for (const [i, filter] of FILTERS.entries()) {
        const scope = { territories: [entity.id] };
        const [totals] = await investmentSums(null, filter, scope);
        const only = <T extends Record<string, unknown>>(e: T, keys: string[]) =>
          Object.fromEntries(keys.map((k) => [k, e[k]]));
        const figures = ['projectCount', 'jobsCreated', 'jobsSaved', 'investmentEur', 'nature'];
        const byCountry = (await investmentSums('investor_country', filter, scope))
          .sort(byRank((e) => e.key))
          .map((e) => ({
            country: { code: e.key },
            territoryCount: e.territoryCount,
            ...only(e, figures),
          }));
        const bySector = (await investmentSums('sector', filter, scope))
          .sort(byRank((e) => e.key))
          .map((e) => ({ sector: e.key, ...only(e, figures) }));
        const empty = {
          projectCount: 0,
          investorCount: 0,
          jobsCreated: 0,
          jobsSaved: 0,
          investmentEur: 0,
          nature: 'SAMPLE',
        };
        // No project: sums of nothing are 0 (the SQL answers null for them).
        const expectedTotals = totals!.projectCount ? only(totals!, [...figures, 'investorCount']) : empty;
        expect([entity.id, filter, slice[`t${i}`]]).toEqual([
          entity.id,
          filter,
          { ...expectedTotals, byCountry, bySector },
        ]);
      }
    }
  });

  it('reading a total costs one statement, whatever the number of records', async () => {
    for (const query of [
      `{ attractivenessTotals(by: REGION) { key territoryCount recordCount amountEur beneficiaryCount nature datasets { id } } }`,
      `{ attractivenessTotals(by: TERRITORY, phase: PHASE_2023_2027, axis: ATTRACT) { key territoryCount beneficiaryCount nature } }`,
      `{ investmentsByCountry(phase: PHASE_2023_2027, status: DECIDED) { country { code } projectCount territoryCount nature datasets { id } } }`,
      `{ attractivenessTerritories(phase: PHASE_2019_2022, mobilised: false) { id } }`,
    ]) {
      hub.resetCounters();
      const r = await post(hub.gatewayUrl, query);
      expect(r.errors).toBeUndefined();
      expect([query, hub.counters().attractiveness!.statements]).toEqual([query, 1]);
    }
  });
});
