// No write that lies: a write that runs past its deadline (WRITE_DEADLINE_MS, below the gateway's 5 s subgraph
// timeout) is told it failed and leaves nothing in the database; one that finishes in time commits. A test-only
// slow derived-rows hook (RecordSpec.afterWrite) makes the write slow, over HTTP through the gateway.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import type { KitDB } from '../../runtime/records.ts';
import { financingRecord } from '../records.ts';
import type { Kysely } from 'kysely';

// This file's own worker: the kit reads the deadline at each write.
const DEADLINE_MS = 2500;
process.env.WRITE_DEADLINE_MS = String(DEADLINE_MS);

let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories', 'financing'], env: TEST_JWT_ENV });
  token = await signToken({ operator: 'BPIFRANCE', scope: 'financing:write' });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});

const CREATE = `mutation($input: FinancingInput!) { createFinancing(input: $input) { created } }`;
const input = (reference: string) => ({
  reference,
  territoryId: '2023-2027:ti-8412',
  companySiren: '512345604',
  companyName: 'Décolletage du Genevois (test)',
  companyNaf: '25.62B',
  serviceId: 'financing:aide-innovation',
  instrument: 'SUBSIDY',
  amountEur: 1000,
  date: '2024-03-28',
  status: 'GRANTED',
});
const stored = async (reference: string) =>
  (hub.subgraphs.get('financing')!.test.prepared.database.db as unknown as Kysely<KitDB>)
    .selectFrom('financing')
    .selectAll()
    .where('reference', '=', reference)
    .execute();

/** Runs `body` with the record kind's derived-rows hook replaced by a sleep of `ms`. */
async function withSlowHook<T>(ms: number, body: () => Promise<T>): Promise<T> {
  const hook = financingRecord.afterWrite;
  financingRecord.afterWrite = async () => void (await sleep(ms));
  try {
    return await body();
  } finally {
    financingRecord.afterWrite = hook;
  }
}

it('a write that outlives its deadline is told it failed, and the database shows nothing, then or later', async () => {
  // Past the deadline but within the gateway's timeout: the subgraph answers, the gateway relays the failure.
  const r = await withSlowHook(DEADLINE_MS + 500, () =>
    post(hub.gatewayUrl, CREATE, { input: input('KIT-SLOW-1') }, { authorization: `Bearer ${token}` }),
  );
  expect(r.errors?.[0]?.extensions?.code).toBe('REQUEST_TIMEOUT');
  expect(r.errors?.[0]?.message).toMatch(/did not finish within 2500 ms .* nothing was written/);
  expect(await stored('KIT-SLOW-1')).toEqual([]);
  await sleep(1000);
  expect(await stored('KIT-SLOW-1')).toEqual([]);
});

it('a write that finishes well within its deadline commits', async () => {
  const r = await withSlowHook(100, () =>
    post<{ createFinancing: { created: boolean } }>(
      hub.gatewayUrl,
      CREATE,
      { input: input('KIT-SLOW-2') },
      { authorization: `Bearer ${token}` },
    ),
  );
  expect(r.errors).toBeUndefined();
  expect(r.data!.createFinancing.created).toBe(true);
  expect(await stored('KIT-SLOW-2')).toHaveLength(1);
});
