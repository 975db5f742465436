// Batching proof (same small number of SQL statements for 10 or 183 territories), argument validation,
// and the data version.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import { loadPerimeters } from '../../runtime/perimeters.ts';
import { encodeKeyset } from '../../runtime/cursors.ts';
import { generate } from '../sample.ts';
import { dataVersion } from '../load.ts';
import attractiveness from '../subgraph.ts';
import type { AttractivenessContext } from '../resolvers.ts';

let sg: TestSubgraph<AttractivenessContext>;
beforeAll(async () => {
  sg = await startTestSubgraph(attractiveness);
});
afterAll(() => sg?.stop());

const ids = (phase: string) =>
  loadPerimeters()
    .filter((t) => t.phase === phase)
    .map((t) => t.id);
const refs = (list: string[]) => list.map((id) => ({ __typename: 'Territory', id }));

const SLICE = `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id attractiveness {
  summary { recordCount amountEur } services { service { id } recordCount }
  investments(first: 5) { totalCount nodes { reference investor { name } } pageInfo { hasNextPage } }
  exportSupports(first: 3, status: COMPLETED) { totalCount nodes { reference } }
  sitePromotions(first: 3) { totalCount nodes { siteName } }
  investmentTotals { jobsCreated byCountry { country { code } projectCount } bySector { sector } } } } } }`;

describe('batching', () => {
  test('the slice of 10 or of all 183 territories of 2023-2027 costs the same statements', async () => {
    const all = ids('2023-2027');
    expect(all).toHaveLength(183);
    const ten = await sg.execute(SLICE, { r: refs(all.slice(0, 10)) });
    const every = await sg.execute<{ _entities: unknown[] }>(SLICE, { r: refs(all) });
    expect(ten.errors).toBeUndefined();
    expect(every.errors).toBeUndefined();
    expect(every.data!._entities).toHaveLength(183);
    // The kit's summary tables: summary, services and investment totals 1 + their breakdowns by country and sector 1
    // (were: mobilisations 1 + 3 investment aggregates); 3 paged lists (rows and counts: the kit's pageLoader) 3.
    expect(ten.statements).toBe(5);
    expect(every.statements).toBe(ten.statements);
  });

  test('the minimal slice query: one statement whatever the number of territories', async () => {
    const q =
      'query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id attractiveness { summary { recordCount } } } } }';
    const ten = await sg.execute(q, { r: refs(ids('2023-2027').slice(0, 10)) });
    const every = await sg.execute(q, { r: refs(ids('2023-2027')) });
    expect([ten.statements, every.statements]).toEqual([1, 1]);
  });

  test('different arguments in one request batch in one statement', async () => {
    const { data, statements } = await sg.execute<{ _entities: unknown[] }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { attractiveness {
      a: investments(first: 2) { totalCount } b: investments(first: 2, status: DECIDED) { totalCount } } } } }`,
      { r: refs(ids('2019-2022')) },
    );
    expect(data!._entities).toHaveLength(149);
    // Two distinct filters, one statement for both (rows and counts).
    expect(statements).toBe(1);
  });
});

describe('validation', () => {
  const slice = (args: string, field = 'investments') =>
    sg.execute(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { attractiveness { ${field}(${args}) { totalCount } } } } }`,
      { r: refs(['2023-2027:ti-8412']) },
    );
  const cases: [string, string, string, string][] = [
    ['investments', 'first: 0', 'first', 'first: must be between 1 and 200 (got 0)'],
    ['investments', 'first: 201', 'first', 'first: must be between 1 and 200 (got 201)'],
    [
      'investments',
      'after: "bogus"',
      'after',
      'after: "bogus" is not a cursor returned by this API (unknown format; use pageInfo.endCursor)',
    ],
    [
      'investments',
      `after: "${Buffer.from('pos:99999999999').toString('base64url')}"`,
      'after',
      'is not a cursor returned by this API (unknown format',
    ],
    [
      'investments',
      `after: "${encodeKeyset([2147483648, 'x'])}"`,
      'after',
      'is not a cursor returned by this API (value 1 is out of range or of the wrong type',
    ],
    ['exportSupports', `after: "${encodeKeyset(['2024-01-01'])}"`, 'after', '(wrong shape; use pageInfo.endCursor)'],
    ['investments', 'year: 2018', 'year', 'year: must be between 2019 and 2027 (got 2018)'],
    [
      'investments',
      'country: "Germany"',
      'country',
      'country: "Germany" is not an ISO 3166-1 alpha-2 country code (2 capital letters, e.g. DE)',
    ],
    ['investments', 'sector: "Textile"', 'sector', 'sector: unknown sector "Textile" (expected one of'],
    ['investments', 'minJobs: -1', 'minJobs', 'minJobs: must be a non-negative number (got -1)'],
    ['investments', 'minAmountEur: -5', 'minAmountEur', 'minAmountEur: must be a non-negative number (got -5)'],
    [
      'investments',
      'minAmountEur: 10, maxAmountEur: 5',
      'maxAmountEur',
      'maxAmountEur: must be greater than or equal to minAmountEur (10 > 5)',
    ],
    [
      'exportSupports',
      'targetCountry: "usa"',
      'targetCountry',
      'targetCountry: "usa" is not an ISO 3166-1 alpha-2 country code',
    ],
    [
      'sitePromotions',
      'service: "attractiveness:export"',
      'service',
      'service: unknown service "attractiveness:export" (expected one of attractiveness:promotion-internationale)',
    ],
    ['sitePromotions', 'minHectares: -2', 'minHectares', 'minHectares: must be a non-negative number (got -2)'],
  ];
  test.each(cases)('%s(%s) is refused', async (field, args, argumentName, message) => {
    const { errors } = await slice(args, field);
    expect(errors?.[0]?.message).toContain(message);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
  });

  test('an unknown service is BAD_USER_INPUT naming `service` (the same rule in every operator)', async () => {
    const { errors } = await slice('service: "attractiveness:nope"', 'sitePromotions');
    expect(errors?.[0]?.message).toBe(
      'service: unknown service "attractiveness:nope" (expected one of attractiveness:promotion-internationale)',
    );
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'service' });
  });

  test('root fields validate too', async () => {
    const { errors } = await sg.execute('{ investmentsByCountry(year: 2030) { projectCount } }');
    expect(errors?.[0]?.message).toBe('year: must be between 2019 and 2027 (got 2030)');
    const totals = await sg.execute(
      'query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { attractiveness { investmentTotals(year: 1999) { projectCount } } } } }',
      { r: refs(['2023-2027:ti-8412']) },
    );
    expect(totals.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'year' });
  });

  test('a well-formed country without projects gives an empty page', async () => {
    const { data } = await sg.execute<{ _entities: { attractiveness: { investments: unknown } }[] }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { attractiveness {
      investments(country: "FI") { totalCount nodes { reference } pageInfo { hasNextPage endCursor } } } } } }`,
      { r: refs(['2023-2027:ti-8412']) },
    );
    expect(data!._entities[0]!.attractiveness.investments).toEqual({
      totalCount: 0,
      nodes: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });
});

describe('scale', () => {
  test('record counts grow linearly with SCALE and the data version follows it', () => {
    const perimeters = loadPerimeters();
    const count = (scale: number) => {
      const r = generate(perimeters, (code) => code, scale);
      return r.investments.length + r.exportSupports.length + r.sitePromotions.length;
    };
    const one = count(1);
    const five = count(5);
    expect(five / one).toBeGreaterThan(4.5);
    expect(five / one).toBeLessThan(5.5);
    const saved = process.env.SCALE;
    try {
      process.env.SCALE = '1';
      const v1 = dataVersion();
      process.env.SCALE = '10';
      expect(dataVersion()).not.toBe(v1);
      expect(dataVersion()).toMatch(/-x10$/);
    } finally {
      if (saved === undefined) delete process.env.SCALE;
      else process.env.SCALE = saved;
    }
  });
});
