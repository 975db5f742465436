// Action sheets, contracts and governance read the user's way: through the gateway (territories + programme), on the
// suite's dialect. Sample volumes and axes, keyset pages and filters with counted statements, the `_entities` check the
// operators rely on (over HTTP against the subgraph itself, with the shared secret), contract and governance.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { sampleActionSheets } from '../../runtime/action-sheets.ts';
import { closeServer, listen } from '../../runtime/http.ts';
import { findTerritory, territoryIdsOf } from '../../runtime/perimeters.ts';
import { subgraphHttpServer } from '../../runtime/subgraph.ts';
import type { ProgrammeContext } from '../resolvers.ts';
import programme from '../subgraph.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories', 'programme'], env: TEST_JWT_ENV });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});
// No test leaves requests running into the next one (whose counters they would inflate).
afterEach(() => hub?.settled());

interface Sheet {
  id: string;
  title: string;
  axes: string[];
  status: string;
  holder: { kind: string; name: string; siren: string | null };
  startDate: string | null;
  endDate: string | null;
  origin: string;
  dataset: { id: string; nature: string };
}
interface SheetPage {
  totalCount: number;
  nodes: Sheet[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Runs a query through the gateway and returns its answer with the programme subgraph's SQL statements. */
async function counted<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  await hub.settled();
  hub.resetCounters();
  const r = await post<T>(hub.gatewayUrl, query, variables, headers);
  await hub.settled();
  return { ...r, statements: hub.counters().programme!.statements };
}

describe('sample action sheets', () => {
  it('1,000+ sheets for 2019-2022, every territory of both phases has some, ids and axes as runtime/action-sheets.ts', async () => {
    for (const [phase, value] of [
      ['2019-2022', 'PHASE_2019_2022'],
      ['2023-2027', 'PHASE_2023_2027'],
    ] as const) {
      const r = await counted<{
        territories: {
          nodes: { id: string; actionSheets: { totalCount: number; nodes: { id: string; axes: string[] }[] } }[];
        };
      }>(
        `query($phase: Phase) { territories(first: 200, phase: $phase) { nodes { id actionSheets(first: 20) { totalCount nodes { id axes } } } } }`,
        { phase: value },
      );
      expect(r.errors).toBeUndefined();
      const territories = r.data!.territories.nodes;
      expect(territories.map((t) => t.id)).toEqual(territoryIdsOf(phase));
      // A page of territories with their sheets: one statement (rows and counts), whatever the number of territories.
      expect(r.statements).toBe(1);
      const expected = sampleActionSheets(phase);
      const served = territories.flatMap((t) => t.actionSheets.nodes.map((s) => ({ ...s, territoryId: t.id })));
      expect(served.map((s) => [s.id, s.territoryId, s.axes])).toEqual(
        expected.map((s) => [s.id, s.territoryId, s.axes]),
      );
      expect(territories.every((t) => t.actionSheets.totalCount > 0)).toBe(true);
      // Each page held all of its territory's sheets.
      expect(territories.every((t) => t.actionSheets.nodes.length === t.actionSheets.totalCount)).toBe(true);
      if (phase === '2019-2022') expect(served.length).toBeGreaterThanOrEqual(1000);
    }
  });

  it('is plausible and labelled SAMPLE: title after the axis and activity, real EPCI holders, statuses that fit the dates', async () => {
    const r = await post<{ territory: { actionSheets: SheetPage } }>(
      hub.gatewayUrl,
      `{ territory(id: "2019-2022:ti-8403") { actionSheets(first: 200) { totalCount nodes { id title axes status holder { kind name siren } startDate endDate origin dataset { id nature } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const sheets = r.data!.territory.actionSheets.nodes;
    const sample = sampleActionSheets('2019-2022').filter((s) => s.territoryId === '2019-2022:ti-8403');
    const epcis = new Map(findTerritory('2019-2022:ti-8403')!.groupements.map((g) => [g.siren, g.name]));
    for (const [i, sheet] of sheets.entries()) {
      expect(sheet.origin).toBe('SAMPLE');
      expect(sheet.dataset).toEqual({ id: 'programme-fiches-actions-echantillon', nature: 'SAMPLE' });
      expect(sheet.title.endsWith(` — ${sample[i]!.activity.sector}`)).toBe(true);
      // The phase is over: every sheet of 2019-2022 is done or abandoned, within the phase's years.
      expect(['DONE', 'ABANDONED']).toContain(sheet.status);
      expect(sheet.startDate! >= '2019-01-01' && sheet.endDate! <= '2022-12-31').toBe(true);
      expect(sheet.startDate! < sheet.endDate!).toBe(true);
      if (sheet.holder.kind === 'EPCI') expect(epcis.get(sheet.holder.siren!)).toBe(sheet.holder.name);
      else if (sheet.holder.kind !== 'STATE') expect(sheet.holder.name).toMatch(/\(échantillon\)$/);
    }
  });
});

describe('Territory.actionSheets', () => {
  const PAGE = `query($id: ID!, $after: String, $axis: Axis, $status: ActionStatus) { territory(id: $id) {
    actionSheets(first: 2, after: $after, axis: $axis, status: $status) { totalCount nodes { id axes status } pageInfo { hasNextPage endCursor } } } }`;

  async function walk(variables: Record<string, unknown>): Promise<{ sheets: Sheet[]; totalCount: number }> {
    const ids: Sheet[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const r = await post<{ territory: { actionSheets: SheetPage } }>(hub.gatewayUrl, PAGE, { ...variables, after });
      expect(r.errors).toBeUndefined();
      const page: SheetPage = r.data!.territory.actionSheets;
      ids.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) return { sheets: ids, totalCount: page.totalCount };
      after = page.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  }

  it('walks every sheet once in id order with keyset cursors; axis and status filters agree with the sheets', async () => {
    const id = '2019-2022:ti-8403';
    const all = await walk({ id });
    expect(all.sheets.map((s) => s.id)).toEqual(
      sampleActionSheets('2019-2022')
        .filter((s) => s.territoryId === id)
        .map((s) => s.id),
    );
    expect(all.sheets).toHaveLength(all.totalCount);
    for (const axis of ['ATTRACT', 'RECRUIT', 'INNOVATE', 'SIMPLIFY']) {
      const filtered = await walk({ id, axis });
      expect(filtered.sheets.map((s) => s.id)).toEqual(
        all.sheets.filter((s) => s.axes.includes(axis)).map((s) => s.id),
      );
    }
    const done = await walk({ id, status: 'DONE' });
    expect(done.sheets.map((s) => s.id)).toEqual(all.sheets.filter((s) => s.status === 'DONE').map((s) => s.id));
    expect(done.totalCount).toBeGreaterThan(0);
  });

  it('batches: 20 territories with two filters cost one statement', async () => {
    const r = await counted<{ territories: { nodes: { recruit: SheetPage; done: SheetPage; again: SheetPage }[] } }>(
      `{ territories(first: 20, phase: PHASE_2023_2027) { nodes {
        recruit: actionSheets(axis: RECRUIT) { totalCount nodes { axes } }
        done: actionSheets(status: IN_PROGRESS) { totalCount nodes { status } }
        again: actionSheets(axis: RECRUIT) { totalCount } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.statements).toBe(1);
    const nodes = r.data!.territories.nodes;
    expect(nodes).toHaveLength(20);
    expect(nodes.every((t) => t.recruit.nodes.every((s) => s.axes.includes('RECRUIT')))).toBe(true);
    expect(nodes.every((t) => t.done.nodes.every((s) => s.status === 'IN_PROGRESS'))).toBe(true);
    expect(nodes.map((t) => t.again.totalCount)).toEqual(nodes.map((t) => t.recruit.totalCount));
  });

  it('refuses a bad page size, a forged cursor and an unknown status, naming the argument', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ first: 0 }, 'BAD_USER_INPUT', 'first'],
      [{ after: 'bm90LWEtY3Vyc29y' }, 'BAD_USER_INPUT', 'after'],
    ];
    for (const [args, code, argumentName] of cases) {
      const r = await post<unknown>(
        hub.gatewayUrl,
        `query($first: Int, $after: String) { territory(id: "2023-2027:ti-8402") { actionSheets(first: $first, after: $after) { totalCount } } }`,
        { first: 2, ...args },
      );
      expect(r.errors?.[0]?.extensions).toMatchObject({ code, argumentName });
    }
    const status = await post<unknown>(
      hub.gatewayUrl,
      `{ territory(id: "2023-2027:ti-8402") { actionSheets(status: FINISHED) { totalCount } } }`,
    );
    expect(status.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('actionSheet(id) answers a sheet, NOT_FOUND for an unknown id, BAD_USER_INPUT for a malformed one', async () => {
    const r = await post<{ actionSheet: { id: string; territory: { id: string; name: string } } }>(
      hub.gatewayUrl,
      `{ actionSheet(id: "FA-2019-8403-001") { id territory { id name } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.actionSheet).toEqual({
      id: 'FA-2019-8403-001',
      territory: { id: '2019-2022:ti-8403', name: 'Bourg-en-Bresse' },
    });
    const unknown = await post<unknown>(hub.gatewayUrl, `{ actionSheet(id: "NO-SUCH-SHEET") { id } }`);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argumentName: 'id' });
    const malformed = await post<unknown>(hub.gatewayUrl, `{ actionSheet(id: "x") { id } }`);
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'id' });
  });
});

describe('the operators’ check: _entities on the programme subgraph itself', () => {
  const SECRET = 'programme-shared-secret-for-tests-0123456789';
  const CHECK = `query($r:[_Any!]!){ _entities(representations:$r){ ... on ActionSheet { id territory { id } } } }`;
  let sg: TestSubgraph<ProgrammeContext>;
  let url: string;
  let server: ReturnType<typeof subgraphHttpServer>;
  beforeAll(async () => {
    sg = await startTestSubgraph(programme);
    server = subgraphHttpServer(sg.prepared, { HUB_SHARED_SECRET: SECRET });
    url = `http://127.0.0.1:${await listen(server, 0)}/graphql`;
  });
  afterAll(async () => {
    if (server) await closeServer(server);
    await sg?.stop();
  });

  it('answers known sheets with their territory and null for unknown or malformed ids, in one statement', async () => {
    const ids = ['FA-2019-8403-001', 'NO-SUCH-SHEET', 'FA-2023-8402-001', 'x', 'FA-2019-8403-002'];
    const before = sg.prepared.database.stats.statements;
    const r = await post<{ _entities: ({ id: string; territory: { id: string } } | null)[] }>(
      url,
      CHECK,
      { r: ids.map((id) => ({ __typename: 'ActionSheet', id })) },
      { 'x-hub-gateway-secret': SECRET },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!._entities).toEqual([
      { id: 'FA-2019-8403-001', territory: { id: '2019-2022:ti-8403' } },
      null,
      { id: 'FA-2023-8402-001', territory: { id: '2023-2027:ti-8402' } },
      null,
      { id: 'FA-2019-8403-002', territory: { id: '2019-2022:ti-8403' } },
    ]);
    expect(sg.prepared.database.stats.statements - before).toBe(1);
  });

  it('is refused without the shared secret', async () => {
    const r = await post<unknown>(url, CHECK, { r: [{ __typename: 'ActionSheet', id: 'FA-2019-8403-001' }] });
    expect([r.status, r.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});

describe('contract', () => {
  it('serves the phase and the parties every contract has (State, Région, the real EPCIs), kind and date null until declared', async () => {
    const r = await post<{
      territory: {
        contract: {
          phase: string;
          kind: string | null;
          signatureDate: string | null;
          declared: boolean;
          parties: { kind: string; name: string; siren: string | null; declared: boolean }[];
          nature: string;
          datasets: { id: string; nature: string }[];
        };
      };
    }>(
      hub.gatewayUrl,
      `{ territory(id: "2023-2027:ti-8402") { contract { phase kind signatureDate declared parties { kind name siren declared } nature datasets { id nature } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const contract = r.data!.territory.contract;
    const territory = findTerritory('2023-2027:ti-8402')!;
    expect(contract).toEqual({
      phase: 'PHASE_2023_2027',
      kind: null,
      signatureDate: null,
      declared: false,
      parties: [
        { kind: 'STATE', name: 'État', siren: null, declared: false },
        { kind: 'REGION', name: 'Région Auvergne-Rhône-Alpes', siren: null, declared: false },
        ...territory.groupements.map((g) => ({ kind: 'EPCI', name: g.name, siren: g.siren, declared: false })),
      ],
      nature: 'DERIVED',
      datasets: [{ id: 'programme-contrats-gouvernance', nature: 'DERIVED' }],
    });
    expect(contract.parties.some((p) => p.siren === '200071751')).toBe(true);
  });
});

describe('governance', () => {
  const QUERY = `query($id: ID!) { territory(id: $id) { governance { roles { role filled name organisation } nature datasets { id } } } }`;
  interface Roles {
    territory: {
      governance: { roles: { role: string; filled: boolean; name: string | null; organisation: string | null }[] };
    };
  }

  it('shows every role, the Région co-pilot by its real name, and no role filled before the territory declares one', async () => {
    const r = await post<Roles>(hub.gatewayUrl, QUERY, { id: '2023-2027:ti-8412' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.territory.governance.roles).toEqual([
      { role: 'ELECTED_OFFICIAL', filled: false, name: null, organisation: null },
      { role: 'INDUSTRIALIST', filled: false, name: null, organisation: null },
      { role: 'PROJECT_MANAGER', filled: false, name: null, organisation: null },
      { role: 'REGION_CO_PILOT', filled: true, name: null, organisation: 'Région Auvergne-Rhône-Alpes' },
    ]);
  });

  it('serves declared names to authenticated callers only; anonymous callers see which roles are filled', async () => {
    const T = '2023-2027:ti-8412';
    const writer = await signToken({ territory: T, scope: 'actions:write' });
    const created = await post<{ createGovernance: { created: boolean } }>(
      hub.gatewayUrl,
      `mutation($input: GovernanceInput!) { createGovernance(input: $input) { created } }`,
      {
        input: {
          territoryId: T,
          electedOfficialName: 'Élue Exemple',
          industrialistName: 'Industriel Exemple',
          industrialistCompany: 'Décolletage Exemple',
        },
      },
      { authorization: `Bearer ${writer}` },
    );
    expect(created.errors).toBeUndefined();
    // A write's answer is never cacheable.
    expect(created.headers.get('cache-control') ?? '').not.toMatch(/max-age=[1-9]/);
    try {
      const anonymous = await post<Roles>(hub.gatewayUrl, QUERY, { id: T });
      expect(anonymous.errors).toBeUndefined();
      // Names were withheld from this caller: the answer is still the caller's own, never shared.
      expect(anonymous.headers.get('cache-control')).toBe('max-age=60, private');
      expect(anonymous.data!.territory.governance.roles.slice(0, 3)).toEqual([
        { role: 'ELECTED_OFFICIAL', filled: true, name: null, organisation: null },
        { role: 'INDUSTRIALIST', filled: true, name: null, organisation: null },
        { role: 'PROJECT_MANAGER', filled: false, name: null, organisation: null },
      ]);
      // Any valid token reads them, an operator's or another territory's; never from a shared cache.
      for (const token of [
        await signToken({ operator: 'BUSINESS_FRANCE' }),
        await signToken({ territory: '2019-2022:ti-8403' }),
      ]) {
        const reader = await post<Roles>(hub.gatewayUrl, QUERY, { id: T }, { authorization: `Bearer ${token}` });
        expect(reader.errors).toBeUndefined();
        expect(reader.data!.territory.governance.roles.slice(0, 3)).toEqual([
          { role: 'ELECTED_OFFICIAL', filled: true, name: 'Élue Exemple', organisation: null },
          { role: 'INDUSTRIALIST', filled: true, name: 'Industriel Exemple', organisation: 'Décolletage Exemple' },
          { role: 'PROJECT_MANAGER', filled: false, name: null, organisation: null },
        ]);
        expect(reader.headers.get('cache-control')).toBe('max-age=60, private');
      }
      // An expired token reads nothing: it is refused, not treated as anonymous.
      const expired = await signToken({ operator: 'BUSINESS_FRANCE', expiresAt: Math.floor(Date.now() / 1000) - 60 });
      const refused = await post<Roles>(hub.gatewayUrl, QUERY, { id: T }, { authorization: `Bearer ${expired}` });
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(refused.data ?? null)).not.toContain('Exemple');
    } finally {
      const deleted = await post<{ deleteGovernance: { deleted: boolean } }>(
        hub.gatewayUrl,
        `mutation($id: ID!) { deleteGovernance(territoryId: $id) { deleted } }`,
        { id: T },
        { authorization: `Bearer ${writer}` },
      );
      expect(deleted.data?.deleteGovernance.deleted).toBe(true);
    }
  });
});
