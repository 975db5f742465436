// Sample recruitment actions: determinism, provenance, pagination, filters, aggregates, validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type Result, type TestSubgraph } from '../../../test/support/harness.ts';
import { loadGeography, loadPerimeters } from '../../runtime/perimeters.ts';
import { industrialProfile } from '../../runtime/sample.ts';
import { generateActions } from '../sample.ts';
import recruitment from '../subgraph.ts';
import type { RecruitmentContext } from '../resolvers.ts';

let sub: TestSubgraph<RecruitmentContext>;
const perimeters = loadPerimeters();
const geo = loadGeography();
const name = (code: string) => geo.communeByCode.get(code)?.name ?? code;
const ID = '2023-2027:ti-8412';
const ref = (id = ID) => ({ r: [{ __typename: 'Territory', id }] });
const slice = (body: string) =>
  `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id recruitment { ${body} } } } }`;
/** The answer of a `slice` query: the recruitment fields its body selects. */
type Slice<R> = { _entities: { id: string; recruitment: R }[] };
interface ActionPage {
  totalCount: number;
  nodes: { reference: string; service: { id: string }; dataset: { nature: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface Total {
  key: string;
  territoryCount: number;
  recordCount: number;
  beneficiaryCount: number;
  amountEur: number | null;
}

beforeAll(async () => {
  sub = await startTestSubgraph(recruitment);
});
afterAll(async () => {
  await sub?.stop();
});

describe('sample actions', () => {
  it('are deterministic, uniquely referenced, and follow the territory industrial profile', () => {
    const all = perimeters.flatMap((t) => generateActions(t, 1, name));
    const again = perimeters.flatMap((t) => generateActions(t, 1, name));
    expect(again).toEqual(all);
    expect(all.length).toBeGreaterThan(3000);
    expect(all.length).toBeLessThan(6000);
    expect(new Set(all.map((a) => a.reference)).size).toBe(all.length);
    const byId = new Map(perimeters.map((p) => [p.id, p]));
    for (const a of all) {
      const t = byId.get(a.territory_id)!;
      expect(industrialProfile(t.id).map((m) => m.naf)).toContain(a.naf_code);
      expect(a.date.slice(0, 4)).toBe(String(a.year));
      if (t.phase === '2019-2022') expect(a.year).toBeLessThanOrEqual(2022);
      else expect(a.year).toBeGreaterThanOrEqual(2023);
      if (a.employer_name) expect(a.employer_name.endsWith('(échantillon)')).toBe(true);
      expect(a.hires).toBeLessThanOrEqual(a.participants);
    }
    // Linear in SCALE.
    const t = perimeters.find((p) => p.id === ID)!;
    expect(generateActions(t, 10, name).length).toBeGreaterThan(5 * generateActions(t, 1, name).length);
  });

  it('serves the generated records, labelled SAMPLE', async () => {
    const expected = generateActions(
      perimeters.find((p) => p.id === ID)!,
      1,
      name,
    ).sort((a, b) => a.date.localeCompare(b.date) || a.reference.localeCompare(b.reference));
    const res = await sub.execute<
      Slice<{ actions: ActionPage; datasets: { id: string; nature: string }[]; summary: unknown }>
    >(
      slice(`actions(first: 200) { totalCount nodes { reference date service { id } participants hires employer { name } dataset { nature } } }
      datasets { id nature } summary { operator mobilised recordCount serviceCount amountEur }`),
      ref(),
    );
    expect(res.errors).toBeUndefined();
    const r = res.data!._entities[0]!.recruitment;
    expect(r.actions.totalCount).toBe(expected.length);
    expect(r.actions.nodes.map((n) => n.reference)).toEqual(expected.map((a) => a.reference));
    expect(new Set(r.actions.nodes.map((n) => n.dataset.nature))).toEqual(new Set(['SAMPLE']));
    expect(r.summary).toEqual({
      operator: 'FRANCE_TRAVAIL',
      mobilised: true,
      recordCount: expected.length,
      serviceCount: new Set(expected.map((a) => a.service_id)).size,
      amountEur: null,
    });
    const natures = Object.fromEntries(r.datasets.map((d) => [d.id, d.nature]));
    expect(natures).toMatchObject({
      'france-travail-demandeurs-emploi': 'REAL',
      'recruitment-demandeurs-emploi-territoires': 'DERIVED',
      'france-travail-bassins-bmo': 'REAL',
      'recruitment-actions-echantillon': 'SAMPLE',
    });
  });

  it('paginates with cursors over the whole list', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    let lastCursor: string | null = '';
    for (;;) {
      const res: Result<Slice<{ actions: ActionPage }>> = await sub.execute<Slice<{ actions: ActionPage }>>(
        slice(
          `actions(first: 4, after: ${after ? `"${after}"` : 'null'}) { totalCount nodes { reference } pageInfo { hasNextPage endCursor } }`,
        ),
        ref(),
      );
      const page = res.data!._entities[0]!.recruitment.actions;
      total = page.totalCount;
      seen.push(...page.nodes.map((n) => n.reference));
      expect(page.nodes.length).toBeLessThanOrEqual(4);
      lastCursor = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    // Past the end: empty page, total still known.
    const res = await sub.execute<Slice<{ actions: ActionPage }>>(
      slice(
        `actions(first: 5, after: "${lastCursor}") { totalCount nodes { reference } pageInfo { hasNextPage endCursor } }`,
      ),
      ref(),
    );
    expect(res.data!._entities[0]!.recruitment.actions).toMatchObject({
      totalCount: total,
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it('filters by service, axis, year and status', async () => {
    const expected = generateActions(
      perimeters.find((p) => p.id === ID)!,
      1,
      name,
    );
    const count = async (args: string) =>
      (
        await sub.execute<Slice<{ actions: ActionPage }>>(
          slice(`actions(${args}) { totalCount nodes { service { id } year status } }`),
          ref(),
        )
      ).data!._entities[0]!.recruitment.actions;
    const jd = await count('service: "recruitment:job-dating", first: 200');
    expect(jd.totalCount).toBe(expected.filter((a) => a.service_id === 'recruitment:job-dating').length);
    expect(jd.nodes.every((n) => n.service.id === 'recruitment:job-dating')).toBe(true);
    expect((await count('year: 2024')).totalCount).toBe(expected.filter((a) => a.year === 2024).length);
    expect((await count('status: COMPLETED')).totalCount).toBe(expected.filter((a) => a.status === 'COMPLETED').length);
    expect((await count('axis: RECRUIT')).totalCount).toBe(expected.length);
    expect((await count('axis: INNOVATE')).totalCount).toBe(0);
    expect((await count('year: 2024, status: COMPLETED, service: "recruitment:offres-emploi"')).totalCount).toBe(
      expected.filter(
        (a) => a.year === 2024 && a.status === 'COMPLETED' && a.service_id === 'recruitment:offres-emploi',
      ).length,
    );
  });

  it('services and totals agree with the records', async () => {
    const res = await sub.execute<
      Slice<{
        services: { recordCount: number; dataset: { nature: string }; service: { operator: string } }[];
        summary: { recordCount: number };
      }>
    >(
      slice(
        'services { service { id operator dataset { nature } } recordCount beneficiaryCount firstDate lastDate dataset { nature } } summary { recordCount }',
      ),
      ref(),
    );
    const r = res.data!._entities[0]!.recruitment;
    expect(r.services.reduce((s, x) => s + x.recordCount, 0)).toBe(r.summary.recordCount);
    expect(r.services.every((x) => x.dataset.nature === 'SAMPLE' && x.service.operator === 'FRANCE_TRAVAIL')).toBe(
      true,
    );

    const all = perimeters.flatMap((t) => generateActions(t, 1, name));
    const totals = await sub.execute<{
      phase: Total[];
      region: Total[];
      territory: Total[];
    }>(`{ phase: recruitmentTotals(by: PHASE) { key territoryCount recordCount beneficiaryCount amountEur }
      region: recruitmentTotals(by: REGION, phase: PHASE_2023_2027) { key recordCount }
      territory: recruitmentTotals(by: TERRITORY, phase: PHASE_2023_2027) { key recordCount } }`);
    expect(totals.errors).toBeUndefined();
    const p2 = totals.data!.phase.find((p) => p.key === '2023-2027')!;
    const expected2 = all.filter((a) => a.territory_id.startsWith('2023-2027'));
    expect(p2.recordCount).toBe(expected2.length);
    expect(p2.beneficiaryCount).toBe(expected2.reduce((s, a) => s + a.participants, 0));
    expect(p2.territoryCount).toBe(new Set(expected2.map((a) => a.territory_id)).size);
    expect(p2.amountEur).toBeNull();
    expect(totals.data!.region.reduce((s, x) => s + x.recordCount, 0)).toBe(expected2.length);
    expect(totals.data!.territory.find((x) => x.key === ID)!.recordCount).toBe(r.summary.recordCount);
  });

  it('splits the territories of a phase into mobilised and not mobilised', async () => {
    const res = await sub.execute<{
      yes: { id: string }[];
      no: { id: string }[];
    }>(`{ yes: recruitmentTerritories(phase: PHASE_2023_2027, mobilised: true) { id }
      no: recruitmentTerritories(phase: PHASE_2023_2027, mobilised: false) { id } }`);
    expect(res.data!.yes.length + res.data!.no.length).toBe(183);
    expect(res.data!.no.length).toBeGreaterThan(0);
    const none = res.data!.no[0]!.id;
    const s = await sub.execute<Slice<unknown>>(
      slice('summary { mobilised recordCount serviceCount } services { recordCount }'),
      ref(none),
    );
    expect(s.data!._entities[0]!.recruitment).toEqual({
      summary: { mobilised: false, recordCount: 0, serviceCount: 0 },
      services: [],
    });
  });

  it('lists the catalogue', async () => {
    type Entry = { id: string; carrier: string | null };
    const res = await sub.execute<{ recruitmentCatalogue: Entry[]; none: Entry[] }>(
      '{ recruitmentCatalogue { id name carrier axes dataset { nature } } none: recruitmentCatalogue(axis: SIMPLIFY) { id } }',
    );
    const ids = res.data!.recruitmentCatalogue.map((s) => s.id);
    // Only what France Travail runs: the Ministry of Labour's Transitions collectives is the programme's State tool.
    expect(ids).toEqual([
      'recruitment:offres-emploi',
      'recruitment:job-dating',
      'recruitment:formation',
      'recruitment:pret-main-oeuvre',
      'recruitment:donnees-marche-travail',
    ]);
    expect(res.data!.recruitmentCatalogue.map((s) => s.carrier)).toEqual(ids.map(() => null));
    expect(res.data!.none).toEqual([]);
  });

  it('resolves unknown or malformed territory references to null', async () => {
    const res = await sub.execute<{ _entities: ({ id: string } | null)[] }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id } } }`,
      {
        r: [
          { __typename: 'Territory', id: '2023-2027:ti-9999' },
          { __typename: 'Territory', id: 'nope' },
          { __typename: 'Territory', id: ID },
        ],
      },
    );
    expect(res.data!._entities).toEqual([null, null, { id: ID }]);
    expect(res.statements).toBe(0);
  });

  it('rejects bad arguments with clear errors', async () => {
    const cases: [string, string, string][] = [
      ['first: 201', 'first', 'first: must be between 1 and 200 (got 201)'],
      [
        'after: "garbage"',
        'after',
        'after: "garbage" is not a cursor returned by this API (unknown format; use pageInfo.endCursor)',
      ],
      // A position cursor of the former scheme (before the kit's keyset cursors) is refused too.
      [
        `after: "${Buffer.from('pos:4').toString('base64url')}"`,
        'after',
        `after: "${Buffer.from('pos:4').toString('base64url')}" is not a cursor returned by this API`,
      ],
      ['service: "financing:x"', 'service', 'service: unknown service "financing:x" (expected one of recruitment:'],
      ['status: PLANNED, year: 2018', 'year', 'year: must be between 2019 and 2027 (got 2018)'],
      ['year: 2030', 'year', 'year: must be between 2019 and 2027 (got 2030)'],
    ];
    for (const [args, argumentName, message] of cases) {
      const res = await sub.execute(slice(`actions(${args}) { totalCount }`), ref());
      expect(res.errors?.[0]?.message.startsWith(message), res.errors?.[0]?.message).toBe(true);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    }
  });
});
