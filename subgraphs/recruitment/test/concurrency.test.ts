// France Travail's writes the user's way: over HTTP, through the gateway, with a real signed token, on the suite's
// dialect. The kit's shared write tests (test/support/record-writes.ts), then recruitment's own cursor checks.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { recordWriteTests } from '../../../test/support/record-writes.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { encodeKeyset } from '../../runtime/cursors.ts';
import type { RecruitmentDB } from '../db.ts';
import { actionRecord } from '../records.ts';

const T = '2023-2027:ti-8412';
let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories', 'recruitment'], env: TEST_JWT_ENV });
  token = await signToken({ operator: 'FRANCE_TRAVAIL', scope: 'recruitment:write' });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});

const db = () => hub.subgraphs.get('recruitment')!.test.prepared.database.db as unknown as Kysely<RecruitmentDB>;

/** The territory's summary, services and page total, through the gateway, equal what the table holds. */
async function consistent() {
  const r = await post<{
    territory: {
      recruitment: {
        summary: unknown;
        services: { service: { id: string }; recordCount: number; beneficiaryCount: number }[];
        actions: { totalCount: number };
      };
    };
  }>(
    hub.gatewayUrl,
    `query($id: ID!) { territory(id: $id) { recruitment {
      summary { recordCount serviceCount mobilised } services { service { id } recordCount beneficiaryCount }
      actions(first: 1) { totalCount } } } }`,
    { id: T },
  );
  expect(r.errors).toBeUndefined();
  const rows = await db().selectFrom('recruitment_action').selectAll().where('territory_id', '=', T).execute();
  const slice = r.data!.territory.recruitment;
  expect(slice.actions.totalCount).toBe(rows.length);
  expect(slice.summary).toEqual({
    recordCount: rows.length,
    serviceCount: new Set(rows.map((a) => a.service_id)).size,
    mobilised: rows.length > 0,
  });
  const byService = new Map<string, { recordCount: number; beneficiaryCount: number }>();
  for (const a of rows) {
    const s = byService.get(a.service_id) ?? { recordCount: 0, beneficiaryCount: 0 };
    s.recordCount++;
    s.beneficiaryCount += Number(a.participants);
    byService.set(a.service_id, s);
  }
  expect(
    Object.fromEntries(
      slice.services.map((s) => [s.service.id, { recordCount: s.recordCount, beneficiaryCount: s.beneficiaryCount }]),
    ),
  ).toEqual(Object.fromEntries(byService));
}

describe('recruitment action writes (record kit)', () => {
  recordWriteTests({
    subgraph: 'recruitment',
    spec: actionRecord,
    hub: () => hub,
    token: () => token,
    mutations: {
      create: 'createRecruitmentAction',
      update: 'updateRecruitmentAction',
      delete: 'deleteRecruitmentAction',
      input: 'RecruitmentActionInput',
      patch: 'RecruitmentActionPatch',
    },
    input: (reference, variant) => ({
      reference,
      territoryId: T,
      serviceId: 'recruitment:job-dating',
      title: 'Job dating industrie – Travail des métaux (test)',
      date: '2024-05-14',
      status: 'COMPLETED',
      participants: 40 + variant,
      hires: 9,
      companies: 11,
      nafCode: '25.62B',
      sector: 'Travail des métaux',
    }),
    patches: [{ status: 'IN_PROGRESS' }, { participants: 77 }, { title: 'Job dating patché (test)' }],
    consistent,
    prefix: 'KIT-TEST',
  });
});

describe('cursors', () => {
  const PAGE = `query($id: ID!, $after: String) { territory(id: $id) { recruitment { actions(first: 3, after: $after) { nodes { reference } pageInfo { endCursor } } } } }`;
  type Page = {
    territory: { recruitment: { actions: { nodes: { reference: string }[]; pageInfo: { endCursor: string | null } } } };
  };
  it('a forged or overflowing cursor is BAD_USER_INPUT naming `after`', async () => {
    const forged = [
      'garbage',
      Buffer.from('pos:3').toString('base64url'),
      Buffer.from('k1:[1e400,"x"]').toString('base64url'),
      Buffer.from('k1:["2024-01-01"]').toString('base64url'),
      Buffer.from(`k1:["${'9'.repeat(500)}","x"]`).toString('base64url'),
      encodeKeyset([2147483648, 'x']),
    ];
    for (const after of forged) {
      const r = await post(hub.gatewayUrl, PAGE, { id: T, after });
      expect([after, r.errors?.[0]?.extensions?.code, r.errors?.[0]?.extensions?.argumentName]).toEqual([
        after,
        'BAD_USER_INPUT',
        'after',
      ]);
      expect(r.errors![0]!.message).toMatch(/is not a cursor returned by this API/);
    }
  });

  it('a cursor stays valid across a write elsewhere in the territory: no action skipped or repeated', async () => {
    const first = await post<Page>(hub.gatewayUrl, PAGE, { id: T });
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.territory.recruitment.actions;
    // An action dated before the whole page: a position-based cursor would shift, a keyset one does not.
    const early = await post(
      hub.gatewayUrl,
      `mutation($input: RecruitmentActionInput!) { createRecruitmentAction(input: $input) { created } }`,
      {
        input: {
          reference: 'KIT-TEST-EARLY',
          territoryId: T,
          serviceId: 'recruitment:formation',
          title: 'Avant tout (test)',
          date: '2023-01-01',
          status: 'COMPLETED',
          participants: 1,
          hires: 1,
          companies: 1,
          nafCode: '25.62B',
          sector: 'Travail des métaux',
        },
      },
      { authorization: `Bearer ${token}` },
    );
    expect(early.errors).toBeUndefined();
    const next = await post<Page>(hub.gatewayUrl, PAGE, { id: T, after: page1.pageInfo.endCursor });
    const expected = await db()
      .selectFrom('recruitment_action')
      .select('reference')
      .where('territory_id', '=', T)
      .where(
        sql<boolean>`(date, reference) > (select date, reference from recruitment_action where reference = ${page1.nodes[2]!.reference})`,
      )
      .orderBy('date')
      .orderBy('reference')
      .limit(3)
      .execute();
    expect(next.data!.territory.recruitment.actions.nodes).toEqual(expected.map((e) => ({ reference: e.reference })));
    const removed = await post<{ deleteRecruitmentAction: { deleted: boolean } }>(
      hub.gatewayUrl,
      `mutation { deleteRecruitmentAction(reference: "KIT-TEST-EARLY") { deleted } }`,
      {},
      { authorization: `Bearer ${token}` },
    );
    expect(removed.data!.deleteRecruitmentAction.deleted).toBe(true);
  });
});
