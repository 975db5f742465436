// The Banque des Territoires' writes the user's way: over HTTP, through the gateway, with a real signed token, on the
// suite's dialect. The kit's shared write tests (test/support/record-writes.ts) for each of the four record kinds,
// then the keyset cursors of a kind's pages across a write.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { recordWriteTests } from '../../../test/support/record-writes.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { loadPerimeters } from '../../runtime/perimeters.ts';
import { serviceById } from '../catalogue.ts';
import { RECORD_KINDS, type EngineeringDB } from '../db.ts';
import { SPECS } from '../records.ts';
import { generateRecords } from '../sample.ts';

// A 2023-2027 territory with at least 5 sample studies (chosen from the generator, not hard-coded).
const T = (() => {
  const studies = new Map<string, number>();
  for (const r of generateRecords(1))
    if (r.phase === '2023-2027' && r.record_kind === 'ENGINEERING_SUPPORT')
      studies.set(r.territory_id, (studies.get(r.territory_id) ?? 0) + 1);
  return [...studies].find(([, n]) => n >= 5)![0];
})();
const GROUPEMENT = loadPerimeters().find((t) => t.id === T)!.groupements[0]!.siren;
let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories', 'engineering'], env: TEST_JWT_ENV });
  token = await signToken({ operator: 'BANQUE_DES_TERRITOIRES', scope: 'engineering:write' });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});

const db = () => hub.subgraphs.get('engineering')!.test.prepared.database.db as unknown as Kysely<EngineeringDB>;
const auth = () => ({ authorization: `Bearer ${token}` });

interface Figures {
  territory: {
    engineering: {
      summary: { recordCount: number; amountEur: number };
      totals: { kind: string; recordCount: number; amountEur: number }[];
    } & Record<'supports' | 'projectManagerCofundings' | 'vteAids' | 'loans', { totalCount: number }>;
  };
}

/** The territory's summary, per-kind totals and page totals, through the gateway, equal what the table holds. */
async function consistent() {
  const r = await post<Figures>(
    hub.gatewayUrl,
    `query($id: ID!) { territory(id: $id) { engineering { summary { recordCount amountEur } totals { kind recordCount amountEur }
      supports(first: 1) { totalCount } projectManagerCofundings(first: 1) { totalCount } vteAids(first: 1) { totalCount }
      loans(first: 1) { totalCount } } } }`,
    { id: T },
  );
  expect(r.errors).toBeUndefined();
  const rows = await db().selectFrom('engineering_record').selectAll().where('territory_id', '=', T).execute();
  const slice = r.data!.territory.engineering;
  expect(slice.summary.recordCount).toBe(rows.length);
  const financial = rows.filter((row) => serviceById(row.service_id)!.financial);
  expect(slice.summary.amountEur).toBeCloseTo(
    financial.reduce((s, row) => s + Number(row.amount_eur), 0),
    2,
  );
  const lists = {
    ENGINEERING_SUPPORT: slice.supports,
    PROJECT_MANAGER_COFUNDING: slice.projectManagerCofundings,
    VTE_AID: slice.vteAids,
    LOCAL_AUTHORITY_LOAN: slice.loans,
  };
  for (const kind of RECORD_KINDS) {
    const ofKind = rows.filter((row) => row.record_kind === kind);
    const total = slice.totals.find((t) => t.kind === kind)!;
    expect([kind, total.recordCount, lists[kind].totalCount]).toEqual([kind, ofKind.length, ofKind.length]);
    expect(total.amountEur).toBeCloseTo(
      ofKind.reduce((s, row) => s + Number(row.amount_eur), 0),
      2,
    );
  }
}

const common = { hub: () => hub, token: () => token, consistent, subgraph: 'engineering' };
const mutations = (name: string) => ({
  create: `create${name}`,
  update: `update${name}`,
  delete: `delete${name}`,
  input: `${name}Input`,
  patch: `${name}Patch`,
});

describe('engineering studies (record kit)', () => {
  recordWriteTests({
    ...common,
    spec: SPECS.ENGINEERING_SUPPORT,
    mutations: mutations('EngineeringSupport'),
    input: (reference, variant) => ({
      reference,
      territoryId: T,
      kind: 'SECTOR_STUDY',
      title: 'Étude sectorielle de la filière décolletage (test)',
      beneficiarySiren: GROUPEMENT,
      amountEur: 40_000 + variant,
      cofundingRate: 0.5,
      date: '2024-06-12',
      status: 'COMMITTED',
    }),
    patches: [{ status: 'PAID' }, { amountEur: 77_777 }, { title: 'Étude patchée (test)' }],
    prefix: 'KIT-ING',
  });
});

describe('project-manager cofundings (record kit)', () => {
  recordWriteTests({
    ...common,
    spec: SPECS.PROJECT_MANAGER_COFUNDING,
    mutations: mutations('ProjectManagerCofunding'),
    input: (reference, variant) => ({
      reference,
      territoryId: T,
      employerSiren: GROUPEMENT,
      amountEur: 60_000 + variant,
      startDate: '2024-01-01',
      months: 24,
      status: 'COMMITTED',
    }),
    patches: [{ status: 'PAID' }, { amountEur: 55_555 }, { months: 36 }],
    prefix: 'KIT-CDP',
  });
});

describe('VTE aids (record kit)', () => {
  recordWriteTests({
    ...common,
    spec: SPECS.VTE_AID,
    mutations: mutations('VteAid'),
    // The amount follows the rule (derived from `green`): the variants differ by company name.
    input: (reference, variant) => ({
      reference,
      territoryId: T,
      companySiren: '900000092',
      companyName: `Forges n° ${variant} (exemple fictif)`,
      naf: '25.50A',
      green: false,
      hireDate: '2024-03-01',
      status: 'COMMITTED',
    }),
    patches: [{ status: 'CLOSED' }, { companyName: 'Usinage patché (exemple fictif)' }, { naf: '25.62B' }],
    prefix: 'KIT-VTE',
  });
});

describe('loans to local authorities (record kit)', () => {
  recordWriteTests({
    ...common,
    spec: SPECS.LOCAL_AUTHORITY_LOAN,
    mutations: mutations('LocalAuthorityLoan'),
    input: (reference, variant) => ({
      reference,
      territoryId: T,
      borrowerSiren: GROUPEMENT,
      purpose: "Réhabilitation d'une friche industrielle (test)",
      amountEur: 2_500_000 + variant,
      durationYears: 25,
      date: '2025-02-03',
      status: 'COMMITTED',
    }),
    patches: [{ status: 'PAID' }, { durationYears: 30 }, { purpose: 'Zone d’activité patchée (test)' }],
    prefix: 'KIT-PRT',
  });
});

describe('cursors', () => {
  interface PageData {
    territory: {
      engineering: { supports: { nodes: { reference: string }[]; pageInfo: { endCursor: string | null } } };
    };
  }
  const PAGE = `query($id: ID!, $after: String) { territory(id: $id) { engineering { supports(first: 3, after: $after) {
    nodes { reference } pageInfo { endCursor } } } } }`;

  it('a cursor stays valid across a write earlier in the territory: no record skipped or repeated', async () => {
    const first = await post<PageData>(hub.gatewayUrl, PAGE, { id: T });
    const page1 = first.data!.territory.engineering.supports;
    expect(page1.nodes).toHaveLength(3);
    // A study dated before the whole page: a position-based cursor would shift, a keyset one does not.
    const early = await post(
      hub.gatewayUrl,
      `mutation($input: EngineeringSupportInput!) { createEngineeringSupport(input: $input) { created } }`,
      {
        input: {
          reference: 'KIT-EARLY-1',
          territoryId: T,
          kind: 'STRATEGIC_STUDY',
          title: 'Avant tout (test)',
          beneficiarySiren: GROUPEMENT,
          amountEur: 1,
          cofundingRate: 0.5,
          date: '2023-01-01',
          status: 'PAID',
        },
      },
      auth(),
    );
    expect(early.errors).toBeUndefined();
    const next = await post<PageData>(hub.gatewayUrl, PAGE, { id: T, after: page1.pageInfo.endCursor });
    const expected = await db()
      .selectFrom('engineering_record')
      .select('reference')
      .where('territory_id', '=', T)
      .where('record_kind', '=', 'ENGINEERING_SUPPORT')
      .where(
        sql<boolean>`(date, reference) > (select date, reference from engineering_record where reference = ${page1.nodes[2]!.reference})`,
      )
      .orderBy('date')
      .orderBy('reference')
      .limit(3)
      .execute();
    expect(expected.length).toBeGreaterThan(0);
    expect(next.data!.territory.engineering.supports.nodes).toEqual(expected.map((e) => ({ reference: e.reference })));
    const removed = await post(
      hub.gatewayUrl,
      `mutation { deleteEngineeringSupport(reference: "KIT-EARLY-1") { deleted } }`,
      {},
      auth(),
    );
    expect(removed.errors).toBeUndefined();
  });
});
