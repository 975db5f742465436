// Sample financings: provenance, phase years, pagination, filters, totals, validation, determinism.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import type { FinancingContext } from '../resolvers.ts';
import { loadPerimeters } from '../../runtime/perimeters.ts';
import { industrialProfile } from '../../runtime/sample.ts';
import { generateAll } from '../sample.ts';
import financing from '../subgraph.ts';

const T1 = '2019-2022:ti-8401';
const T2 = '2023-2027:ti-8412';
const NODE =
  'reference company { siren name naf } service { id axes } instrument amountEur date year status dataset { id nature }';

let sg: TestSubgraph<FinancingContext>;
beforeAll(async () => {
  sg = await startTestSubgraph(financing);
});
afterAll(async () => {
  await sg?.stop();
});

/** A financing as these tests read it (the NODE selection). */
interface FinancingNode {
  reference: string;
  status: string;
  instrument: string;
  year: number;
  amountEur: number;
  date: string;
  service: { id: string; axes: string[] };
  company: { siren: string; name: string; naf: string };
  dataset: { id: string; nature: string };
}
interface FinancingPage {
  totalCount: number;
  nodes: FinancingNode[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
/** A row of financingTotals. */
interface Figures {
  key: string;
  territoryCount: number;
  recordCount: number;
  amountEur: number;
}

/** `financings(...)` of one territory through `_entities`. */
async function financings(id: string, args: string, variables: Record<string, unknown> = {}) {
  const decl = Object.keys(variables)
    .map((k) => `, $${k}: ${k === 'after' ? 'String' : 'Float'}`)
    .join('');
  const r = await sg.execute<{ _entities?: ({ financing?: { financings?: FinancingPage } } | null)[] }>(
    `query($r:[_Any!]!${decl}){ _entities(representations:$r){ ... on Territory { financing {
    financings(${args}) { totalCount nodes { ${NODE} } pageInfo { hasNextPage endCursor } } } } } }`,
    { r: [{ __typename: 'Territory', id }], ...variables },
  );
  return { errors: r.errors, page: r.data?._entities?.[0]?.financing?.financings };
}

async function allPages(id: string, filter = '') {
  const nodes: FinancingNode[] = [];
  let after: string | null = null;
  let totalCount = 0;
  for (let guard = 0; guard < 100; guard++) {
    const { errors, page } = await financings(
      id,
      `first: 7${after ? ', after: $after' : ''}${filter ? `, ${filter}` : ''}`,
      after ? { after } : {},
    );
    expect(errors).toBeUndefined();
    nodes.push(...page!.nodes);
    totalCount = page!.totalCount;
    if (!page!.pageInfo.hasNextPage) break;
    after = page!.pageInfo.endCursor;
  }
  return { nodes, totalCount };
}

describe('sample financings', () => {
  it('are SAMPLE, for companies of the territory profile, dated within the phase years', async () => {
    for (const [id, from, to] of [
      [T1, 2019, 2022],
      [T2, 2023, 2025],
    ] as const) {
      const { nodes, totalCount } = await allPages(id);
      expect(totalCount).toBeGreaterThan(0);
      expect(nodes).toHaveLength(totalCount);
      const nafs = new Set<string>(industrialProfile(id).map((a) => a.naf));
      const prefix = `BPI-FIN-${id.slice(0, 4)}-${id.slice(-4)}-`;
      for (const n of nodes) {
        expect(n.dataset).toEqual({ id: 'bpifrance-financements-echantillon', nature: 'SAMPLE' });
        expect(n.company.name).toMatch(/\(échantillon\)$/);
        expect(n.company.siren).toMatch(/^\d{9}$/);
        expect(nafs.has(n.company.naf)).toBe(true);
        expect(n.year).toBeGreaterThanOrEqual(from);
        expect(n.year).toBeLessThanOrEqual(to);
        expect(n.date.slice(0, 4)).toBe(String(n.year));
        expect(n.reference.startsWith(prefix)).toBe(true);
      }
      // Pagination walks every record once, in date order.
      expect(new Set(nodes.map((n) => n.reference)).size).toBe(totalCount);
      expect(nodes.map((n) => n.date)).toEqual([...nodes.map((n) => n.date)].sort());
    }
  });

  it('the Fonds d’accélération only appears in the first phase, 2020-2022', async () => {
    const first = await allPages(T1, 'service: "financing:fonds-acceleration"');
    for (const n of first.nodes) expect(n.year).toBeGreaterThanOrEqual(2020);
    const second = await financings(T2, 'service: "financing:fonds-acceleration"');
    expect(second.page!.totalCount).toBe(0);
    const r = await sg.execute<{ financingTotals: Figures[] }>(
      '{ financingTotals(by: PHASE, axis: INNOVATE) { key } }',
    );
    expect(r.data!.financingTotals.map((t) => t.key)).toEqual(['2019-2022', '2023-2027']);
  });

  it('filters combine and totalCount counts the matches of all pages', async () => {
    const all = (await allPages(T1)).nodes;
    const cases: [string, (n: FinancingNode) => boolean][] = [
      ['status: PAID', (n) => n.status === 'PAID'],
      ['instrument: LOAN', (n) => n.instrument === 'LOAN'],
      ['axis: RECRUIT', (n) => n.service.axes.includes('RECRUIT')],
      ['year: 2021, minAmountEur: 100000', (n) => n.year === 2021 && n.amountEur >= 100000],
      ['minAmountEur: 50000, maxAmountEur: 500000', (n) => n.amountEur >= 50000 && n.amountEur <= 500000],
      [
        'service: "financing:garantie", status: GRANTED',
        (n) => n.service.id === 'financing:garantie' && n.status === 'GRANTED',
      ],
    ];
    for (const [filter, keep] of cases) {
      const { nodes, totalCount } = await allPages(T1, filter);
      const expected = all.filter(keep).map((n) => n.reference);
      expect(
        nodes.map((n) => n.reference),
        filter,
      ).toEqual(expected);
      expect(totalCount, filter).toBe(expected.length);
    }
  });

  it('summary, services and totals agree with the records (granted = GRANTED or PAID)', async () => {
    const { nodes } = await allPages(T2);
    const grantedNodes = nodes.filter((n) => n.status === 'GRANTED' || n.status === 'PAID');
    type ServiceFigures = {
      service: { id: string };
      recordCount: number;
      firstDate: string;
      requestedAmountEur: number;
      paidAmountEur: number;
      dataset: { nature: string };
    };
    const r = await sg.execute<{
      _entities: {
        financing: {
          summary: { recordCount: number; amountEur: number };
          services: ServiceFigures[];
          totalsByService: ServiceFigures[];
          totalsByInstrument: { recordCount: number; grantedAmountEur: number }[];
        };
      }[];
    }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { financing {
      summary { operator mobilised serviceCount recordCount amountEur }
      services { service { id } recordCount amountEur beneficiaryCount firstDate lastDate dataset { nature } }
      totalsByService { service { id } recordCount grantedCount requestedAmountEur grantedAmountEur paidAmountEur beneficiaryCount }
      totalsByInstrument { instrument recordCount grantedAmountEur } } } } }`,
      { r: [{ __typename: 'Territory', id: T2 }] },
    );
    expect(r.errors).toBeUndefined();
    const slice = r.data!._entities[0]!.financing;
    const sum = <T>(list: T[], f: (n: T) => number) => list.reduce((s, n) => s + f(n), 0);
    expect(slice.summary).toEqual({
      operator: 'BPIFRANCE',
      mobilised: grantedNodes.length > 0,
      serviceCount: new Set(grantedNodes.map((n) => n.service.id)).size,
      recordCount: grantedNodes.length,
      amountEur: sum(grantedNodes, (n) => n.amountEur),
    });
    for (const m of slice.services) {
      const own = grantedNodes.filter((n) => n.service.id === m.service.id);
      expect(m).toMatchObject({
        recordCount: own.length,
        amountEur: sum(own, (n) => n.amountEur),
        beneficiaryCount: new Set(own.map((n) => n.company.siren)).size,
      });
      expect(m.firstDate).toBe(own.map((n) => n.date).sort()[0]);
      expect(m.dataset.nature).toBe('SAMPLE');
    }
    for (const t of slice.totalsByService) {
      const own = nodes.filter((n) => n.service.id === t.service.id);
      expect(t.recordCount).toBe(own.length);
      expect(t.requestedAmountEur).toBe(
        sum(
          own.filter((n) => n.status === 'REQUESTED'),
          (n) => n.amountEur,
        ),
      );
      expect(t.paidAmountEur).toBe(
        sum(
          own.filter((n) => n.status === 'PAID'),
          (n) => n.amountEur,
        ),
      );
    }
    expect(sum(slice.totalsByInstrument, (t) => t.recordCount)).toBe(nodes.length);
    expect(sum(slice.totalsByInstrument, (t) => t.grantedAmountEur)).toBe(slice.summary.amountEur);

    const totals = await sg.execute<{ financingTotals: Figures[] }>(
      '{ financingTotals(by: TERRITORY, phase: PHASE_2023_2027) { key group operator territoryCount recordCount amountEur } }',
    );
    const own = totals.data!.financingTotals.find((t) => t.key === T2);
    expect(own).toEqual({
      key: T2,
      group: 'TERRITORY',
      operator: 'BPIFRANCE',
      territoryCount: 1,
      recordCount: slice.summary.recordCount,
      amountEur: slice.summary.amountEur,
    });
  });

  it('financingTotals by phase and region add up; financingTerritories splits each phase', async () => {
    const r = await sg.execute<{
      phase: Figures[];
      region: Figures[];
      yes: { id: string }[];
      no: { id: string }[];
    }>(`{ phase: financingTotals(by: PHASE) { key territoryCount recordCount amountEur }
      region: financingTotals(by: REGION, phase: PHASE_2023_2027) { key recordCount amountEur }
      yes: financingTerritories(phase: PHASE_2023_2027, mobilised: true) { id }
      no: financingTerritories(phase: PHASE_2023_2027, mobilised: false) { id } }`);
    expect(r.errors).toBeUndefined();
    const second = r.data!.phase.find((t) => t.key === '2023-2027')!;
    expect(r.data!.region.reduce((s, t) => s + t.recordCount, 0)).toBe(second.recordCount);
    expect(r.data!.region.reduce((s, t) => s + t.amountEur, 0)).toBeCloseTo(second.amountEur, 2);
    expect(second.territoryCount).toBe(r.data!.yes.length);
    const ids = [...r.data!.yes, ...r.data!.no].map((t) => t.id).sort();
    expect(ids).toEqual(
      loadPerimeters()
        .filter((t) => t.phase === '2023-2027')
        .map((t) => t.id)
        .sort(),
    );
  });

  it('unknown or malformed territory references resolve to null', async () => {
    const r = await sg.execute<{ _entities: ({ id: string } | null)[] }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id } } }`,
      { r: ['2023-2027:ti-9999', 'nope', T2].map((id) => ({ __typename: 'Territory', id })) },
    );
    expect(r.data!._entities).toEqual([null, null, { id: T2 }]);
  });
});

describe('validation', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['first: 0', {}, 'first', 'first: must be between 1 and 200 (got 0)'],
    ['first: 201', {}, 'first', 'first: must be between 1 and 200 (got 201)'],
    ['after: "garbage"', {}, 'after', 'is not a cursor returned by this API'],
    ['service: "financing:nope"', {}, 'service', 'unknown service "financing:nope"'],
    ['year: 2030', {}, 'year', 'year: must be between 2019 and 2027 (got 2030)'],
    ['minAmountEur: $min', { min: -1 }, 'minAmountEur', 'must be a non-negative number (got -1)'],
    [
      'minAmountEur: $min, maxAmountEur: $max',
      { min: 1000, max: 10 },
      'maxAmountEur',
      'must be greater than or equal to minAmountEur (1000 > 10)',
    ],
  ];
  for (const [args, variables, argumentName, message] of cases) {
    it(`rejects ${args}`, async () => {
      const { errors } = await financings(T2, args, variables);
      expect(errors?.[0]?.message).toContain(message);
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    });
  }
});

describe('determinism and scale', () => {
  const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

  it('the generator gives the same records on every run, with unique references and SIRENs', () => {
    const a = generateAll(1);
    const b = generateAll(1);
    expect(digest(a)).toBe(digest(b));
    expect(new Set(a.financings.map((f) => f.reference)).size).toBe(a.financings.length);
    expect(new Set(a.companies.map((c) => c.siren)).size).toBe(a.companies.length);
    expect(a.financings.length).toBeGreaterThanOrEqual(3000);
    expect(a.financings.length).toBeLessThanOrEqual(6000);
  });

  it('record counts grow linearly with SCALE', () => {
    const one = generateAll(1).financings.length;
    const five = generateAll(5).financings.length;
    expect(five / one).toBeGreaterThan(4.5);
    expect(five / one).toBeLessThan(5.5);
  });

  it('the served records equal the generated ones', async () => {
    const generated = generateAll(1).financings.filter((f) => f.territory_id === T1);
    const { nodes } = await allPages(T1);
    expect(
      nodes.map((n) => [n.reference, n.company.siren, n.service.id, n.instrument, n.amountEur, n.date, n.status]),
    ).toEqual(generated.map((f) => [f.reference, f.siren, f.service_id, f.instrument, f.amount_eur, f.date, f.status]));
  });
});
