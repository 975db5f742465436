// Bpifrance's writes the user's way: over HTTP, through the gateway, with a real signed token, on the suite's
// dialect. The kit's shared write tests (test/support/record-writes.ts), then financing's own checks.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { recordWriteTests } from '../../../test/support/record-writes.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { encodeKeyset } from '../../runtime/cursors.ts';
import { GRANTED_STATUSES } from '../catalogue.ts';
import type { FinancingDB } from '../db.ts';
import { financingRecord } from '../records.ts';
import type { Kysely } from 'kysely';

const T = '2023-2027:ti-8412';
let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories', 'financing'], env: TEST_JWT_ENV });
  token = await signToken({ operator: 'BPIFRANCE', scope: 'financing:write' });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});

const db = () => hub.subgraphs.get('financing')!.test.prepared.database.db as unknown as Kysely<FinancingDB>;

/** The territory's summary and page total, through the gateway, equal what the table holds. */
async function consistent() {
  const r = await post<{
    territory: {
      financing: { summary: { recordCount: number; amountEur: number }; financings: { totalCount: number } };
    };
  }>(
    hub.gatewayUrl,
    `query($id: ID!) { territory(id: $id) { financing { summary { recordCount amountEur } financings(first: 1) { totalCount } } } }`,
    { id: T },
  );
  expect(r.errors).toBeUndefined();
  const rows = await db().selectFrom('financing').selectAll().where('territory_id', '=', T).execute();
  const granted = rows.filter((f) => (GRANTED_STATUSES as readonly string[]).includes(f.status));
  const slice = r.data!.territory.financing;
  expect(slice.financings.totalCount).toBe(rows.length);
  expect(slice.summary.recordCount).toBe(granted.length);
  expect(slice.summary.amountEur).toBeCloseTo(
    granted.reduce((s, f) => s + Number(f.amount_eur), 0),
    2,
  );
}

describe('financing writes (record kit)', () => {
  recordWriteTests({
    subgraph: 'financing',
    spec: financingRecord,
    hub: () => hub,
    token: () => token,
    mutations: {
      create: 'createFinancing',
      update: 'updateFinancing',
      delete: 'deleteFinancing',
      input: 'FinancingInput',
      patch: 'FinancingPatch',
    },
    input: (reference, variant) => ({
      reference,
      territoryId: T,
      companySiren: '512345604',
      companyName: 'Décolletage du Genevois (test)',
      companyNaf: '25.62B',
      serviceId: 'financing:aide-innovation',
      instrument: 'SUBSIDY',
      amountEur: 10_000 + variant,
      date: '2024-03-28',
      status: 'REQUESTED',
    }),
    patches: [{ status: 'PAID' }, { amountEur: 777_777 }, { companyName: 'Usinage patché (test)' }],
    consistent,
    prefix: 'KIT-TEST',
  });
});

describe('cursors', () => {
  const PAGE = `query($id: ID!, $after: String) { territory(id: $id) { financing { financings(first: 3, after: $after) { nodes { reference } pageInfo { endCursor } } } } }`;
  type Page = {
    territory: {
      financing: { financings: { nodes: { reference: string }[]; pageInfo: { endCursor: string | null } } };
    };
  };
  it('a forged or overflowing cursor is BAD_USER_INPUT naming `after`', async () => {
    const forged = [
      'garbage',
      Buffer.from('pos:99999999999').toString('base64url'),
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

  it('a cursor stays valid across a write elsewhere in the territory: no record skipped or repeated', async () => {
    const first = await post<Page>(hub.gatewayUrl, PAGE, { id: T });
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.territory.financing.financings;
    // A record dated before the whole page: a position-based cursor would shift, a keyset one does not.
    const early = await post(
      hub.gatewayUrl,
      `mutation($input: FinancingInput!) { createFinancing(input: $input) { created } }`,
      {
        input: {
          reference: 'KIT-TEST-EARLY',
          territoryId: T,
          companySiren: '512345604',
          companyName: 'Avant tout (test)',
          companyNaf: '25.62B',
          serviceId: 'financing:garantie',
          instrument: 'GUARANTEE',
          amountEur: 1,
          date: '2023-01-01',
          status: 'PAID',
        },
      },
      { authorization: `Bearer ${token}` },
    );
    expect(early.errors).toBeUndefined();
    const next = await post<Page>(hub.gatewayUrl, PAGE, { id: T, after: page1.pageInfo.endCursor });
    const expected = await db()
      .selectFrom('financing')
      .select('reference')
      .where('territory_id', '=', T)
      .where(
        sql<boolean>`(date, reference) > (select date, reference from financing where reference = ${page1.nodes[2]!.reference})`,
      )
      .orderBy('date')
      .orderBy('reference')
      .limit(3)
      .execute();
    expect(next.data!.territory.financing.financings.nodes).toEqual(expected.map((e) => ({ reference: e.reference })));
    const removed = await post<{ deleteFinancing: { deleted: boolean } }>(
      hub.gatewayUrl,
      `mutation { deleteFinancing(reference: "KIT-TEST-EARLY") { deleted } }`,
      {},
      { authorization: `Bearer ${token}` },
    );
    expect(removed.data!.deleteFinancing.deleted).toBe(true);
  });
});
