// Sample records per territory: determinism, the real VTE rule, filters, pagination, validation.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type Result } from '../../../test/support/harness.ts';
import { generateRecords } from '../sample.ts';
import engineering from '../subgraph.ts';
import type { EngineeringSubgraph } from './support.ts';

/** The generator's output, recomputed here independently of the database. */
const RECORDS = generateRecords(1);
// A territory of 2023-2027 where all four record kinds occur (chosen from the generator, not hard-coded).
const T = (() => {
  const kinds = new Map<string, Set<string>>();
  for (const r of RECORDS)
    if (r.phase === '2023-2027') kinds.set(r.territory_id, (kinds.get(r.territory_id) ?? new Set()).add(r.record_kind));
  return [...kinds].find(([, k]) => k.size === 4)![0];
})();
const CODE = T.slice(-4);
let sg: EngineeringSubgraph;
beforeAll(async () => {
  sg = await startTestSubgraph(engineering);
});
afterAll(async () => {
  await sg?.stop();
});

type Row = Record<string, unknown>;
/** A page of records as the lists answer it. */
interface Connection {
  totalCount: number;
  nodes: Row[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
/** A total or figure row of an answer (the fields a query asks for). */
interface Figures {
  id: string;
  key: string;
  kind: string;
  recordCount: number;
  territoryCount: number;
  amountEur: number;
}

/** The Territory entity's engineering slice, shaped by the fields the test asks for. */
const slice = <E>(fields: string, id = T) =>
  sg.execute<{ _entities: ({ id: string; engineering: E } | null)[] }>(
    `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id engineering { ${fields} } } } }`,
    { r: [{ __typename: 'Territory', id }] },
  );

/** Every record of a list of one territory, walking the pages. */
async function walk(list: string, fields: string, id: string, args = '', first = 3) {
  const nodes: Row[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let page = 0; page < 100; page++) {
    const { data, errors }: Result<{ _entities: { engineering: Record<string, Connection> }[] }> = await sg.execute(
      `query($r:[_Any!]!, $after: String){ _entities(representations:$r){ ... on Territory { engineering {
      ${list}(first: ${first}, after: $after ${args}) { totalCount nodes { ${fields} } pageInfo { hasNextPage endCursor } } } } } }`,
      { r: [{ __typename: 'Territory', id }], after },
    );
    expect(errors).toBeUndefined();
    const connection: Connection = data!._entities[0]!.engineering[list]!;
    totalCount = connection.totalCount;
    nodes.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) return { nodes, totalCount };
    after = connection.pageInfo.endCursor;
  }
  throw new Error('pagination does not end');
}

describe('sample data', () => {
  it('is deterministic and labelled SAMPLE', async () => {
    expect(generateRecords(1)).toEqual(RECORDS);
    const { data } = await slice<{
      datasets: { id: string; nature: string }[];
      services: { dataset: { nature: string } }[];
      vteAids: { nodes: { dataset: { nature: string }; company: { name: string } }[] };
    }>(
      `datasets { id nature } services { dataset { nature } } vteAids(first: 1) { nodes { dataset { nature } company { name } } }`,
    );
    const e = data!._entities[0]!.engineering;
    expect(e.datasets.find((d) => d.id === 'banque-des-territoires-echantillon')!.nature).toBe('SAMPLE');
    expect(e.services.every((s) => s.dataset.nature === 'SAMPLE')).toBe(true);
    expect(e.vteAids.nodes[0]!.dataset.nature).toBe('SAMPLE');
    expect(e.vteAids.nodes[0]!.company.name).toMatch(/\(échantillon\)$/);
  });

  it('has between 3,000 and 6,000 records at SCALE=1 over the 332 territories', async () => {
    const { data } = await sg.execute<{ engineeringTotals: Figures[] }>(
      `{ engineeringTotals(by: PHASE) { key recordCount territoryCount } }`,
    );
    const total = data!.engineeringTotals.reduce((n, t) => n + t.recordCount, 0);
    expect(total).toBeGreaterThanOrEqual(3000);
    expect(total).toBeLessThanOrEqual(6000);
    expect(total).toBe(RECORDS.length);
  });

  it('follows the real VTE rule: 4,000 € per VTE, 8,000 € for a VTE vert (amounts read from the seeds)', async () => {
    const quote = readFileSync(new URL('../data/seeds/001-ag-2020-12-15.txt', import.meta.url), 'utf8');
    const regular = Number(/subvention de (\d+)\s?€/.exec(quote)![1]);
    const green = Number(
      /prime de (\d+)\s?€ est versée à l'entreprise qui accueille un talent en VTE « vert »/.exec(quote)![1],
    );
    expect([regular, green]).toEqual([4000, 8000]);
    const rows = await sg.prepared.database.db
      .selectFrom('engineering_record')
      .select(['amount_eur', 'green'])
      .where('record_kind', '=', 'VTE_AID')
      .execute();
    expect(rows.length).toBeGreaterThan(1000);
    for (const r of rows) expect(Number(r.amount_eur)).toBe(Number(r.green) === 1 ? green : regular);
    expect(rows.some((r) => Number(r.green) === 1)).toBe(true);
    // Through the graph as well, for a whole territory.
    const { nodes } = await walk('vteAids', 'green amountEur hireDate', T, '', 50);
    for (const n of nodes) expect(n.amountEur).toBe(n.green ? green : regular);
    const greens = await walk('vteAids', 'amountEur', T, ', green: true', 50);
    expect(greens.nodes.every((n) => n.amountEur === green)).toBe(true);
  });

  it('gives studies, project managers and loans to real groupements of the territory (ANCT perimeter)', async () => {
    const perimeter = parse(
      readFileSync(new URL('../../runtime/reference/ti-2023-2027-groupements.csv', import.meta.url)),
      { columns: true },
    ) as Record<string, string>[];
    const groupements = new Map(
      perimeter.filter((r) => r.id_ti === `ti-${CODE}`).map((r) => [r.siren_groupement!, r.lib_groupement!]),
    );
    type Of<K extends string> = { nodes: Record<K, { siren: string }>[] };
    const { data } = await slice<{
      supports: Of<'beneficiary'>;
      loans: Of<'borrower'>;
      projectManagerCofundings: Of<'employer'>;
    }>(
      `supports(first: 200) { nodes { beneficiary { siren } } } loans(first: 200) { nodes { borrower { siren } } } projectManagerCofundings(first: 200) { nodes { employer { siren } } }`,
    );
    const e = data!._entities[0]!.engineering;
    const sirens = [
      ...e.supports.nodes.map((n) => n.beneficiary.siren),
      ...e.loans.nodes.map((n) => n.borrower.siren),
      ...e.projectManagerCofundings.nodes.map((n) => n.employer.siren),
    ];
    expect(sirens.length).toBeGreaterThan(0);
    for (const siren of sirens) expect(groupements.has(siren)).toBe(true);
  });

  it('keeps records within the phase years, with unique references', async () => {
    const records = RECORDS;
    expect(new Set(records.map((r) => r.reference)).size).toBe(records.length);
    for (const r of records) {
      const [from, to] = r.phase === '2019-2022' ? [2019, 2022] : [2023, 2025];
      expect(r.year >= from && r.year <= to, r.reference).toBe(true);
    }
    // Project-manager cofundings reach a minority of territories only.
    const withManager = new Set(
      records.filter((r) => r.record_kind === 'PROJECT_MANAGER_COFUNDING').map((r) => r.territory_id),
    );
    expect(withManager.size).toBeGreaterThan(0);
    expect(withManager.size).toBeLessThan(332 / 2);
  });
});

describe('slice figures', () => {
  it('summary, services and totals agree with the records', async () => {
    const { data, errors } = await slice<{
      summary: Row;
      services: { service: { id: string } }[];
      totals: Figures[];
    }>(`summary { operator mobilised serviceCount recordCount amountEur }
      services { service { id } recordCount amountEur beneficiaryCount firstDate lastDate }
      totals { kind recordCount amountEur service { id } }`);
    expect(errors).toBeUndefined();
    const e = data!._entities[0]!.engineering;
    const mine = RECORDS.filter((r) => r.territory_id === T);
    expect(e.summary).toEqual({
      operator: 'BANQUE_DES_TERRITOIRES',
      mobilised: true,
      serviceCount: new Set(mine.map((r) => r.service_id)).size,
      recordCount: mine.length,
      amountEur: mine.reduce((s, r) => s + r.amount_eur, 0),
    });
    for (const s of e.services) {
      const of = mine.filter((r) => r.service_id === s.service.id);
      expect(s).toEqual({
        service: { id: s.service.id },
        recordCount: of.length,
        amountEur: of.reduce((sum, r) => sum + r.amount_eur, 0),
        beneficiaryCount: new Set(of.map((r) => r.beneficiary_siren)).size,
        firstDate: of.map((r) => r.date).sort()[0],
        lastDate: of
          .map((r) => r.date)
          .sort()
          .at(-1),
      });
    }
    expect(e.totals.map((t) => t.kind)).toEqual([
      'ENGINEERING_SUPPORT',
      'PROJECT_MANAGER_COFUNDING',
      'VTE_AID',
      'LOCAL_AUTHORITY_LOAN',
    ]);
    for (const t of e.totals) expect(t.recordCount).toBe(mine.filter((r) => r.record_kind === t.kind).length);
  });

  it('filters services by axis', async () => {
    const { data } = await slice<{ services: { service: { id: string } }[] }>(
      `services(axis: RECRUIT) { service { id } }`,
    );
    expect(data!._entities[0]!.engineering.services.map((s) => s.service.id)).toEqual([
      'engineering:aide-recrutement-vte',
    ]);
  });

  it('reports a territory without any record as not mobilised', async () => {
    const { data } = await sg.execute<{ engineeringTerritories: { id: string }[]; m: { id: string }[] }>(
      `{ engineeringTerritories(phase: PHASE_2023_2027, mobilised: false) { id } m: engineeringTerritories(phase: PHASE_2023_2027, mobilised: true) { id } }`,
    );
    const idle = RECORDS;
    const withRecords = new Set(idle.filter((r) => r.phase === '2023-2027').map((r) => r.territory_id));
    expect(data!.m.map((t) => t.id).sort()).toEqual([...withRecords].sort());
    expect(data!.engineeringTerritories.length + data!.m.length).toBe(183);
    expect(data!.engineeringTerritories.length).toBeGreaterThan(0);
    const { data: d } = await slice<unknown>(
      `summary { mobilised serviceCount recordCount amountEur } services { recordCount } vteAids { totalCount nodes { reference } }`,
      data!.engineeringTerritories[0]!.id,
    );
    expect(d!._entities[0]!.engineering).toEqual({
      summary: { mobilised: false, serviceCount: 0, recordCount: 0, amountEur: 0 },
      services: [],
      vteAids: { totalCount: 0, nodes: [] },
    });
  });

  it('resolves unknown or malformed territory ids to null', async () => {
    const { data, errors } = await sg.execute<{ _entities: ({ id: string } | null)[] }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id } } }`,
      {
        r: [
          { __typename: 'Territory', id: '2023-2027:ti-9999' },
          { __typename: 'Territory', id: 'nope' },
          { __typename: 'Territory', id: T },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data!._entities).toEqual([null, null, { id: T }]);
  });
});

describe('record lists', () => {
  it('paginates without gaps or duplicates, oldest first', async () => {
    const all = RECORDS.filter((r) => r.territory_id === T && r.record_kind === 'VTE_AID');
    const { nodes, totalCount } = await walk('vteAids', 'reference hireDate', T, '', 2);
    expect(totalCount).toBe(all.length);
    expect(nodes.map((n) => n.reference)).toEqual(all.map((r) => r.reference));
    expect(nodes.map((n) => n.hireDate)).toEqual([...nodes.map((n) => n.hireDate)].sort());
  });

  it('filters by year, amount range, status and kind', async () => {
    const phase2 = RECORDS.filter((r) => r.phase === '2023-2027');
    // A territory with enough studies to make the filters bite.
    const byTerritory = new Map<string, number>();
    for (const r of phase2)
      if (r.record_kind === 'ENGINEERING_SUPPORT')
        byTerritory.set(r.territory_id, (byTerritory.get(r.territory_id) ?? 0) + 1);
    const id = [...byTerritory].sort((a, b) => b[1] - a[1])[0]![0];
    const studies = phase2.filter((r) => r.territory_id === id && r.record_kind === 'ENGINEERING_SUPPORT');
    const year = studies[0]!.year;
    const status = studies[0]!.status;
    const kind = studies[0]!.study_kind!;
    const cases: [string, (r: (typeof studies)[number]) => boolean][] = [
      [`, year: ${year}`, (r) => r.year === year],
      [', minAmountEur: 30000', (r) => r.amount_eur >= 30000],
      [', minAmountEur: 20000, maxAmountEur: 60000', (r) => r.amount_eur >= 20000 && r.amount_eur <= 60000],
      [`, status: ${status}`, (r) => r.status === status],
      [`, kind: ${kind}`, (r) => r.study_kind === kind],
      [', axis: INNOVATE, service: "engineering:financement-ingenierie"', () => true],
      [', axis: RECRUIT', () => false],
      [', service: "engineering:aide-recrutement-vte"', () => false],
    ];
    for (const [args, keep] of cases) {
      const { nodes, totalCount } = await walk('supports', 'reference amountEur year status kind', id, args, 200);
      const expected = studies.filter(keep).map((r) => r.reference);
      expect(
        nodes.map((n) => n.reference),
        args,
      ).toEqual(expected);
      expect(totalCount, args).toBe(expected.length);
    }
  });

  it('serves the fields of each record kind', async () => {
    type Nodes<N> = { nodes: N[] };
    const { data, errors } = await slice<{
      supports: Nodes<{ reference: string; cofundingRate: number }>;
      loans: Nodes<{ reference: string }>;
      vteAids: Nodes<{ company: { siren: string }; service: unknown }>;
    }>(`
      supports(first: 1) { nodes { reference kind title beneficiary { siren name } amountEur cofundingRate date year status service { id } } }
      loans(first: 1) { nodes { reference borrower { siren name } purpose amountEur durationYears date year status } }
      vteAids(first: 1) { nodes { reference company { siren name naf } green amountEur hireDate year status service { id axes } } }`);
    expect(errors).toBeUndefined();
    const e = data!._entities[0]!.engineering;
    expect(e.supports.nodes[0]!.reference).toMatch(new RegExp(`^BDT-ING-2023-${CODE}-\\d{4}$`));
    expect(e.supports.nodes[0]!.cofundingRate).toBeGreaterThanOrEqual(0.3);
    expect(e.supports.nodes[0]!.cofundingRate).toBeLessThanOrEqual(0.8);
    expect(e.loans.nodes[0]!.reference).toMatch(new RegExp(`^BDT-PRT-2023-${CODE}-\\d{4}$`));
    expect(e.vteAids.nodes[0]!.company.siren).toMatch(/^\d{9}$/);
    expect(e.vteAids.nodes[0]!.service).toEqual({ id: 'engineering:aide-recrutement-vte', axes: ['RECRUIT'] });
  });

  it('rejects bad arguments with clear errors', async () => {
    const SERVICES =
      'engineering:financement-ingenierie, engineering:cofinancement-chef-de-projet, engineering:aide-recrutement-vte, engineering:mobili-jeune-vte, engineering:prets-collectivites, engineering:dataviz-territoires-industrie';
    const cases: [string, string, string, string][] = [
      ['supports(first: 0)', 'first: must be between 1 and 200 (got 0)', 'BAD_USER_INPUT', 'first'],
      ['supports(first: 201)', 'first: must be between 1 and 200 (got 201)', 'BAD_USER_INPUT', 'first'],
      [
        'supports(after: "garbage")',
        'after: "garbage" is not a cursor returned by this API (unknown format; use pageInfo.endCursor)',
        'BAD_USER_INPUT',
        'after',
      ],
      [
        `supports(after: "${Buffer.from('pos:12').toString('base64url')}")`,
        `after: "${Buffer.from('pos:12').toString('base64url')}" is not a cursor returned by this API (unknown format; use pageInfo.endCursor)`,
        'BAD_USER_INPUT',
        'after',
      ],
      [
        `supports(after: "${Buffer.from('k1:[2147483648,"x"]').toString('base64url')}")`,
        `after: "${Buffer.from('k1:[2147483648,"x"]').toString('base64url')}" is not a cursor returned by this API (value 1 is out of range or of the wrong type; use pageInfo.endCursor)`,
        'BAD_USER_INPUT',
        'after',
      ],
      [
        'loans(minAmountEur: -1)',
        'minAmountEur: must be a non-negative number (got -1)',
        'BAD_USER_INPUT',
        'minAmountEur',
      ],
      [
        'loans(minAmountEur: 10, maxAmountEur: 5)',
        'maxAmountEur: must be greater than or equal to minAmountEur (10 > 5)',
        'BAD_USER_INPUT',
        'maxAmountEur',
      ],
      ['vteAids(year: 2018)', 'year: must be between 2019 and 2027 (got 2018)', 'BAD_USER_INPUT', 'year'],
      [
        'vteAids(service: "financing:fonds-acceleration")',
        `service: unknown service "financing:fonds-acceleration" (expected one of ${SERVICES})`,
        'BAD_USER_INPUT',
        'service',
      ],
    ];
    for (const [field, message, code, argumentName] of cases) {
      const { errors } = await slice(`${field} { totalCount }`);
      expect(errors?.[0]?.message, field).toBe(message);
      expect(errors?.[0]?.extensions, field).toMatchObject({ code, argumentName });
    }
  });
});

describe('engineeringTotals', () => {
  it('sums the same records whatever the grouping', async () => {
    const { data } = await sg.execute<{ p: Figures[]; r: Figures[]; t: Figures[] }>(`{
      p: engineeringTotals(by: PHASE) { operator group key territoryCount recordCount amountEur beneficiaryCount }
      r: engineeringTotals(by: REGION, phase: PHASE_2023_2027) { key territoryCount recordCount amountEur }
      t: engineeringTotals(by: TERRITORY, phase: PHASE_2023_2027, axis: RECRUIT) { key recordCount amountEur } }`);
    const records = RECORDS;
    const phase2 = records.filter((r) => r.phase === '2023-2027');
    const p2 = data!.p.find((t) => t.key === '2023-2027')!;
    expect(p2).toEqual({
      operator: 'BANQUE_DES_TERRITOIRES',
      group: 'PHASE',
      key: '2023-2027',
      territoryCount: new Set(phase2.map((r) => r.territory_id)).size,
      recordCount: phase2.length,
      amountEur: phase2.reduce((s, r) => s + r.amount_eur, 0),
      beneficiaryCount: new Set(phase2.map((r) => r.beneficiary_siren)).size,
    });
    expect(data!.r.reduce((n, t) => n + t.recordCount, 0)).toBe(p2.recordCount);
    expect(data!.r.reduce((n, t) => n + t.territoryCount, 0)).toBe(p2.territoryCount);
    expect(data!.r.find((t) => t.key === '84')!.recordCount).toBe(
      phase2.filter((r) => r.territory_id.startsWith('2023-2027:ti-84')).length,
    );
    // RECRUIT = the VTE aids only.
    const vte = phase2.filter((r) => r.record_kind === 'VTE_AID');
    expect(data!.t.reduce((n, t) => n + t.recordCount, 0)).toBe(vte.length);
    expect(data!.t.reduce((n, t) => n + t.amountEur, 0)).toBe(vte.reduce((s, r) => s + r.amount_eur, 0));
  });
});
