// Behaviour a user relies on, with figures recomputed from the copied catalogue and the generated records
// (independently of the SQL that serves them), and the provenance labels.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestSubgraph, type Result, type TestSubgraph } from '../../../test/support/harness.ts';
import { checkSiren } from '../../runtime/identifiers.ts';
import { industrialProfile, sampleScale } from '../../runtime/sample.ts';
import { generateRecords, PHASE_YEARS } from '../sample.ts';
import attractiveness from '../subgraph.ts';
import type { AttractivenessContext } from '../resolvers.ts';

let sg: TestSubgraph<AttractivenessContext>;
let records: ReturnType<typeof generateRecords>;
const csv = parse(readFileSync(new URL('../data/catalogue.csv', import.meta.url)), { columns: true }) as Record<
  string,
  string
>[];

beforeAll(async () => {
  sg = await startTestSubgraph(attractiveness);
  records = generateRecords(sampleScale());
});
afterAll(() => sg?.stop());

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const byDateDesc = <T extends { date: string; reference: string }>(a: T, b: T) =>
  b.date.localeCompare(a.date) || a.reference.localeCompare(b.reference);
interface InvestmentPage {
  totalCount: number;
  nodes: { reference: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface PageAnswer {
  _entities: { attractiveness: { investments: InvestmentPage } }[];
}
interface Dataset {
  id: string;
  nature: string;
}
interface Total {
  key: string;
  recordCount: number;
}
/** The Territory entity's attractiveness slice, shaped by the selection the test asks for. */
const entity = <Slice>(id: string, selection: string) =>
  sg.execute<{ _entities: ({ id: string; attractiveness: Slice } | null)[] }>(
    `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id attractiveness { ${selection} } } } }`,
    { r: [{ __typename: 'Territory', id }] },
  );

describe('catalogue (real, from the programme documents)', () => {
  test('lists the services of catalogue.csv, each resting on a verbatim quote of a copied seed document', async () => {
    const { data, errors } = await sg.execute<{
      attractivenessCatalogue: {
        id: string;
        name: string;
        operator: string;
        carrier: string | null;
        dataset: { nature: string };
      }[];
    }>('{ attractivenessCatalogue { id name operator carrier axes description dataset { nature publisher } } }');
    expect(errors).toBeUndefined();
    expect(data!.attractivenessCatalogue.map((s) => s.id)).toEqual(csv.map((r) => `attractiveness:${r.slug}`));
    expect(data!.attractivenessCatalogue.map((s) => s.name)).toEqual(csv.map((r) => r.name));
    for (const row of csv) {
      const document = readFileSync(new URL(`../data/${row.source_document}`, import.meta.url), 'utf8');
      expect(document).toContain(row.source_quote);
    }
    for (const service of data!.attractivenessCatalogue) {
      expect(service.operator).toBe('BUSINESS_FRANCE');
      expect(service.dataset.nature).toBe('REAL');
    }
    // Only what Business France runs: the State's Sites industriels clés en main is the programme's State tool.
    expect(data!.attractivenessCatalogue.map((s) => s.id)).toEqual([
      'attractiveness:investissement-etranger',
      'attractiveness:promotion-internationale',
      'attractiveness:export',
    ]);
    expect(data!.attractivenessCatalogue.map((s) => s.carrier)).not.toContain('État');
  });

  test('filters by axis', async () => {
    const { data } = await sg.execute<{ a: { id: string }[]; r: { id: string }[] }>(
      '{ a: attractivenessCatalogue(axis: ATTRACT) { id } r: attractivenessCatalogue(axis: RECRUIT) { id } }',
    );
    expect(data!.a).toHaveLength(csv.filter((r) => (r.axes ?? '').split('|').includes('ATTRACT')).length);
    expect(data!.r).toEqual([]);
  });

  test('datasets: the catalogue is REAL, every generated record dataset is SAMPLE, the operator-declared one REAL', async () => {
    const { data } = await sg.execute<{ attractivenessDatasets: Dataset[] }>(
      '{ attractivenessDatasets { id nature } }',
    );
    const natures = Object.fromEntries(data!.attractivenessDatasets.map((d) => [d.id, d.nature]));
    expect(natures).toEqual({
      'attractiveness-catalogue': 'REAL',
      'attractiveness-export-sample': 'SAMPLE',
      'attractiveness-investments-sample': 'SAMPLE',
      'attractiveness-sites-sample': 'SAMPLE',
      'attractiveness-operator-declared': 'REAL',
    });
  });
});

describe('sample records', () => {
  test('are deterministic, plausible and labelled', () => {
    expect(generateRecords(sampleScale())).toEqual(records);
    const all = [...records.investments, ...records.exportSupports, ...records.sitePromotions];
    expect(all.length).toBeGreaterThanOrEqual(3000);
    expect(all.length).toBeLessThanOrEqual(6000);
    expect(new Set(all.map((r) => r.reference)).size).toBe(all.length);
    for (const r of all) {
      const [from, to] = PHASE_YEARS[r.phase]!;
      expect(r.year).toBeGreaterThanOrEqual(from);
      expect(r.year).toBeLessThanOrEqual(to);
      expect(r.reference).toMatch(/^BF-(IDE|EXP|SIT)-(2019|2023)-\d{4}-\d{4,}$/);
    }
    for (const r of records.investments) {
      expect(r.investor_name).toMatch(/\(échantillon\)$/);
      expect(industrialProfile(r.territory_id).map((a) => a.naf)).toContain(r.naf);
      if (r.kind === 'CREATION') expect(r.jobs_saved).toBe(0);
    }
    for (const r of records.exportSupports) {
      expect(r.company_name).toMatch(/\(échantillon\)$/);
      expect(checkSiren(r.company_siren)).toBe(r.company_siren);
    }
    // Every site record is a Business France promotion (no State "clés en main" labelling in this slice).
    expect(new Set(records.sitePromotions.map((s) => s.service_id))).toEqual(
      new Set(['attractiveness:promotion-internationale']),
    );
    // Investor countries follow the usual ranking: the United States and Germany lead.
    const byCountry = new Map<string, number>();
    for (const r of records.investments)
      byCountry.set(r.investor_country, (byCountry.get(r.investor_country) ?? 0) + 1);
    const ranking = [...byCountry].sort((a, b) => b[1] - a[1]).map(([c]) => c);
    expect(ranking.slice(0, 2).sort()).toEqual(['DE', 'US']);
  });

  test('records served carry the SAMPLE dataset', async () => {
    type Natures = { nodes: { dataset: { nature: string } }[] };
    const { data } = await entity<{ investments: Natures; exportSupports: Natures; sitePromotions: Natures }>(
      '2023-2027:ti-8412',
      `investments(first: 1) { nodes { dataset { nature } } }
      exportSupports(first: 1) { nodes { dataset { nature } } } sitePromotions(first: 1) { nodes { dataset { nature } } }`,
    );
    const slice = data!._entities[0]!.attractiveness;
    for (const list of [slice.investments, slice.exportSupports, slice.sitePromotions]) {
      for (const node of list.nodes) expect(node.dataset.nature).toBe('SAMPLE');
    }
  });
});

describe('a territory slice', () => {
  const busiest = () => {
    const counts = new Map<string, number>();
    for (const r of records.investments) counts.set(r.territory_id, (counts.get(r.territory_id) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
  };

  test('summary and services match the records', async () => {
    const id = busiest();
    const { data, errors } = await entity<{
      operator: string;
      summary: { serviceCount: number };
      services: { service: { id: string } }[];
      datasets: { id: string }[];
    }>(
      id,
      `operator summary { operator mobilised serviceCount recordCount amountEur }
      services { service { id } recordCount amountEur beneficiaryCount firstDate lastDate dataset { nature } } datasets { id }`,
    );
    expect(errors).toBeUndefined();
    const slice = data!._entities[0]!.attractiveness;
    const inv = records.investments.filter((r) => r.territory_id === id);
    const exp = records.exportSupports.filter((r) => r.territory_id === id);
    const sites = records.sitePromotions.filter((r) => r.territory_id === id);
    expect(slice.operator).toBe('BUSINESS_FRANCE');
    expect(slice.summary).toMatchObject({
      operator: 'BUSINESS_FRANCE',
      mobilised: true,
      recordCount: inv.length + exp.length + sites.length,
      amountEur: sum(inv.map((r) => r.investment_eur)),
    });
    const investment = slice.services.find((s) => s.service.id === 'attractiveness:investissement-etranger');
    expect(investment).toMatchObject({
      recordCount: inv.length,
      amountEur: sum(inv.map((r) => r.investment_eur)),
      beneficiaryCount: new Set(inv.map((r) => r.investor_name)).size,
      firstDate: inv.map((r) => r.date).sort()[0],
      lastDate: inv
        .map((r) => r.date)
        .sort()
        .at(-1),
      dataset: { nature: 'SAMPLE' },
    });
    const exportService = slice.services.find((s) => s.service.id === 'attractiveness:export');
    expect(exportService).toMatchObject({
      recordCount: exp.length,
      amountEur: null,
      beneficiaryCount: new Set(exp.map((r) => r.company_siren)).size,
    });
    expect(slice.summary.serviceCount).toBe(slice.services.length);
    expect(slice.datasets).toHaveLength(5);
  });

  test('investments: pages walk the whole list, most recent first', async () => {
    const id = busiest();
    const expected = records.investments
      .filter((r) => r.territory_id === id)
      .sort(byDateDesc)
      .map((r) => r.reference);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { data, errors }: Result<PageAnswer> = await sg.execute<PageAnswer>(
        `query($r:[_Any!]!, $after: String){ _entities(representations:$r){ ... on Territory {
        attractiveness { investments(first: 3, after: $after) { totalCount nodes { reference } pageInfo { hasNextPage endCursor } } } } } }`,
        { r: [{ __typename: 'Territory', id }], after },
      );
      expect(errors).toBeUndefined();
      const page: InvestmentPage = data!._entities[0]!.attractiveness.investments;
      expect(page.totalCount).toBe(expected.length);
      seen.push(...page.nodes.map((n: { reference: string }) => n.reference));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  test('investments: filters combine (country, status, year, jobs, amount range)', async () => {
    const phase = records.investments.filter((r) => r.phase === '2019-2022');
    const pick = phase.find((r) => r.status === 'DECIDED')!;
    const id = pick.territory_id;
    const mine = phase.filter((r) => r.territory_id === id);
    const { data } = await entity<{
      c: { totalCount: number; nodes: { reference: string }[] };
      j: { totalCount: number };
      a: { totalCount: number };
      k: { totalCount: number };
    }>(
      id,
      `
      c: investments(country: "${pick.investor_country}", status: DECIDED, year: ${pick.year}, first: 200) { totalCount nodes { reference investor { country { code } } status year } }
      j: investments(minJobs: 50, first: 200) { totalCount }
      a: investments(minAmountEur: 1000000, maxAmountEur: 10000000, first: 200) { totalCount nodes { investmentEur } }
      k: investments(kind: TAKEOVER, sector: "${pick.sector}") { totalCount }`,
    );
    const slice = data!._entities[0]!.attractiveness;
    const c = mine.filter(
      (r) => r.investor_country === pick.investor_country && r.status === 'DECIDED' && r.year === pick.year,
    );
    expect(slice.c.totalCount).toBe(c.length);
    expect(slice.c.nodes.map((n) => n.reference)).toEqual(c.sort(byDateDesc).map((r) => r.reference));
    expect(slice.j.totalCount).toBe(mine.filter((r) => r.jobs_created + r.jobs_saved >= 50).length);
    expect(slice.a.totalCount).toBe(mine.filter((r) => r.investment_eur >= 1e6 && r.investment_eur <= 1e7).length);
    expect(slice.k.totalCount).toBe(mine.filter((r) => r.kind === 'TAKEOVER' && r.sector === pick.sector).length);
  });

  test('export supports and site promotions: filters', async () => {
    const pick = records.exportSupports.find((r) => r.phase === '2023-2027' && r.offer === 'TRADE_FAIR')!;
    const id = pick.territory_id;
    const { data } = await entity<{
      e: { totalCount: number; nodes: { targetCountry: { code: string } }[] };
      s: { totalCount: number };
      p: { totalCount: number };
    }>(
      id,
      `
      e: exportSupports(offer: TRADE_FAIR, targetCountry: "${pick.target_country}", first: 200) { totalCount nodes { company { siren naf } targetCountry { code name } } }
      s: exportSupports(status: COMPLETED, year: ${pick.year}) { totalCount }
      p: sitePromotions(service: "attractiveness:promotion-internationale", minHectares: 10) { totalCount nodes { hectares service { id } } }`,
    );
    const slice = data!._entities[0]!.attractiveness;
    const mine = records.exportSupports.filter((r) => r.territory_id === id);
    expect(slice.e.totalCount).toBe(
      mine.filter((r) => r.offer === 'TRADE_FAIR' && r.target_country === pick.target_country).length,
    );
    expect(slice.e.nodes[0]!.targetCountry.code).toBe(pick.target_country);
    expect(slice.s.totalCount).toBe(mine.filter((r) => r.status === 'COMPLETED' && r.year === pick.year).length);
    const sites = records.sitePromotions.filter(
      (r) => r.territory_id === id && r.service_id === 'attractiveness:promotion-internationale' && r.hectares >= 10,
    );
    expect(slice.p.totalCount).toBe(sites.length);
  });

  test('investment totals: jobs and amounts, by country and by sector (ABANDONED left out unless asked)', async () => {
    const id = busiest();
    const { data } = await entity<{
      t: {
        byCountry: { country: { code: string } }[];
        bySector: { projectCount: number }[];
      };
      x: { projectCount: number };
    }>(
      id,
      `t: investmentTotals { projectCount investorCount jobsCreated jobsSaved investmentEur
        byCountry { country { code } projectCount jobsCreated } bySector { sector projectCount jobsSaved } }
      x: investmentTotals(status: ABANDONED) { projectCount }`,
    );
    const slice = data!._entities[0]!.attractiveness;
    const live = records.investments.filter((r) => r.territory_id === id && r.status !== 'ABANDONED');
    expect(slice.t).toMatchObject({
      projectCount: live.length,
      investorCount: new Set(live.map((r) => r.investor_name)).size,
      jobsCreated: sum(live.map((r) => r.jobs_created)),
      jobsSaved: sum(live.map((r) => r.jobs_saved)),
      investmentEur: sum(live.map((r) => r.investment_eur)),
    });
    for (const row of slice.t.byCountry) {
      const of = live.filter((r) => r.investor_country === row.country.code);
      expect(row).toMatchObject({ projectCount: of.length, jobsCreated: sum(of.map((r) => r.jobs_created)) });
    }
    expect(sum(slice.t.bySector.map((s) => s.projectCount))).toBe(live.length);
    expect(slice.x.projectCount).toBe(
      records.investments.filter((r) => r.territory_id === id && r.status === 'ABANDONED').length,
    );
  });

  test('unknown territory references resolve to null', async () => {
    const { data, statements } = await sg.execute<{ _entities: ({ id: string } | null)[] }>(
      'query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id } } }',
      {
        r: [
          { __typename: 'Territory', id: '2023-2027:ti-9999' },
          { __typename: 'Territory', id: 'nonsense' },
          { __typename: 'Territory', id: '2023-2027:ti-8412' },
        ],
      },
    );
    expect(data!._entities).toEqual([null, null, { id: '2023-2027:ti-8412' }]);
    expect(statements).toBe(0);
  });
});

describe('analysts’ aggregates', () => {
  const all = () => [
    ...records.investments.map((r) => ({
      ...r,
      amount: r.investment_eur as number | null,
      beneficiary: r.investor_name,
    })),
    ...records.exportSupports.map((r) => ({ ...r, amount: null, beneficiary: r.company_siren })),
    ...records.sitePromotions.map((r) => ({ ...r, amount: null, beneficiary: `${r.site_name}, ${r.commune_name}` })),
  ];

  test('attractivenessTotals by phase and by region', async () => {
    const { data } = await sg.execute<{
      p: Total[];
      r: Total[];
      t: Total[];
      n: Total[];
    }>(`{ p: attractivenessTotals(by: PHASE) { operator group key territoryCount recordCount amountEur beneficiaryCount }
      r: attractivenessTotals(by: REGION, phase: PHASE_2023_2027) { key recordCount }
      t: attractivenessTotals(by: TERRITORY, phase: PHASE_2019_2022, axis: ATTRACT) { key }
      n: attractivenessTotals(by: PHASE, axis: SIMPLIFY) { key } }`);
    for (const phase of ['2019-2022', '2023-2027']) {
      const rows = all().filter((r) => r.phase === phase);
      expect(data!.p.find((t) => t.key === phase)).toEqual({
        operator: 'BUSINESS_FRANCE',
        group: 'PHASE',
        key: phase,
        territoryCount: new Set(rows.map((r) => r.territory_id)).size,
        recordCount: rows.length,
        amountEur: sum(rows.map((r) => r.amount ?? 0)),
        beneficiaryCount: new Set(rows.map((r) => r.beneficiary)).size,
      });
    }
    const second = all().filter((r) => r.phase === '2023-2027');
    expect(sum(data!.r.map((t) => t.recordCount))).toBe(second.length);
    expect(data!.r.find((t) => t.key === '84')!.recordCount).toBe(second.filter((r) => r.region_code === '84').length);
    expect(data!.t).toHaveLength(
      new Set(
        all()
          .filter((r) => r.phase === '2019-2022')
          .map((r) => r.territory_id),
      ).size,
    );
    expect(data!.n).toEqual([]);
  });

  test('attractivenessTerritories splits a phase into mobilised and not mobilised', async () => {
    const { data } = await sg.execute<{
      y: { id: string }[];
      n: { id: string }[];
    }>(`{ y: attractivenessTerritories(phase: PHASE_2023_2027, mobilised: true) { id }
      n: attractivenessTerritories(phase: PHASE_2023_2027, mobilised: false) { id } }`);
    const withRecords = new Set(
      all()
        .filter((r) => r.phase === '2023-2027')
        .map((r) => r.territory_id),
    );
    expect(data!.y.map((t) => t.id).sort()).toEqual([...withRecords].sort());
    expect(data!.y.length + data!.n.length).toBe(183);
    expect(data!.n.length).toBeGreaterThan(0);
    for (const t of data!.n) expect(withRecords.has(t.id)).toBe(false);
  });

  test('investmentsByCountry', async () => {
    const { data } = await sg.execute<{ investmentsByCountry: { country: { code: string }; projectCount: number }[] }>(
      `{ investmentsByCountry(phase: PHASE_2019_2022, year: 2021) { country { code name } projectCount territoryCount jobsCreated jobsSaved investmentEur } }`,
    );
    const rows = records.investments.filter(
      (r) => r.phase === '2019-2022' && r.year === 2021 && r.status !== 'ABANDONED',
    );
    const de = rows.filter((r) => r.investor_country === 'DE');
    expect(data!.investmentsByCountry.find((c) => c.country.code === 'DE')).toEqual({
      country: { code: 'DE', name: 'Allemagne' },
      projectCount: de.length,
      territoryCount: new Set(de.map((r) => r.territory_id)).size,
      jobsCreated: sum(de.map((r) => r.jobs_created)),
      jobsSaved: sum(de.map((r) => r.jobs_saved)),
      investmentEur: sum(de.map((r) => r.investment_eur)),
    });
    expect(sum(data!.investmentsByCountry.map((c) => c.projectCount))).toBe(rows.length);
    const counts = data!.investmentsByCountry.map((c) => c.projectCount);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });
});
