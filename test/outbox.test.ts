// The outbox (subgraphs/runtime/outbox.ts): every write and import records what it touched (record kind,
// territories) in the subgraph's database, in its own transaction, numbered in commit order; a refused write records
// nothing. Read the way the gateways read it: GET /outbox?since=N on the subgraph, with the hub's shared secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { financingRecord } from '../subgraphs/financing/records.ts';
import { openDatabase } from '../subgraphs/runtime/database.ts';
import { importCsv } from '../subgraphs/runtime/import.ts';
import { migrate, runtimeMigrations } from '../subgraphs/runtime/migrations.ts';
import { changesSince, KEEP, recordChange, type OutboxRow } from '../subgraphs/runtime/outbox.ts';
import { POSTGRES_URL, post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { testSchema } from './support/schemas.ts';
import { signToken, TEST_JWT_ENV } from './support/token.ts';

const SECRET = 'outbox-test-shared-secret';
const T1 = '2023-2027:ti-8412';
const T2 = '2023-2027:ti-8413';
const CREATE = 'mutation($input: FinancingInput!) { createFinancing(input: $input) { created } }';
const UPDATE =
  'mutation($reference: ID!, $patch: FinancingPatch!) { updateFinancing(reference: $reference, patch: $patch) { updated } }';
const DELETE = 'mutation($reference: ID!) { deleteFinancing(reference: $reference) { deleted } }';
const financing = (reference: string, overrides: Record<string, unknown> = {}) => ({
  reference,
  territoryId: T1,
  companySiren: '512345604',
  companyName: 'Décolletage du Genevois (outbox test)',
  companyNaf: '25.62B',
  serviceId: 'financing:fonds-propres',
  instrument: 'EQUITY',
  amountEur: 1000,
  date: '2024-06-15',
  status: 'GRANTED',
  ...overrides,
});

interface Outbox {
  subgraph: string;
  last: number;
  changes: { seq: number; kind: string; territories: string[] | null }[];
}

let hub: TestHub;
let writer: string;
beforeAll(async () => {
  hub = await startTestHub({
    only: ['territories', 'financing'],
    env: { ...TEST_JWT_ENV, HUB_SHARED_SECRET: SECRET },
  });
  writer = await signToken({ operator: 'BPIFRANCE', scope: 'financing:write' });
}, 120_000);
afterAll(async () => {
  await hub?.stop();
});

const outboxUrl = (since: number | string) => {
  const url = new URL('/outbox', hub.subgraphs.get('financing')!.url);
  url.searchParams.set('since', String(since));
  return url;
};
async function outbox(since: number): Promise<Omit<Outbox, 'subgraph'>> {
  const response = await fetch(outboxUrl(since), { headers: { 'x-hub-gateway-secret': SECRET } });
  expect(response.status).toBe(200);
  const { subgraph, ...rest } = (await response.json()) as Outbox;
  expect(subgraph).toBe('financing');
  return rest;
}
async function write(query: string, variables: Record<string, unknown>) {
  return post(hub.gatewayUrl, query, variables, { authorization: `Bearer ${writer}` });
}

describe('the outbox', () => {
  it('records each write with its kind and territories (both sides of a move), in order', async () => {
    const { last } = await outbox(0);
    expect(last).toBeGreaterThan(0); // the data load
    expect((await write(CREATE, { input: financing('OUTBOX-1') })).errors).toBeUndefined();
    expect((await write(UPDATE, { reference: 'OUTBOX-1', patch: { territoryId: T2 } })).errors).toBeUndefined();
    expect((await write(DELETE, { reference: 'OUTBOX-1' })).errors).toBeUndefined();
    expect(await outbox(last)).toEqual({
      last: last + 3,
      changes: [
        { seq: last + 1, kind: 'financing', territories: [T1] },
        { seq: last + 2, kind: 'financing', territories: [T1, T2].sort() },
        { seq: last + 3, kind: 'financing', territories: [T2] },
      ],
    });
  });

  it('records nothing for a refused or unchanged write, nor for a delete of nothing', async () => {
    expect((await write(CREATE, { input: financing('OUTBOX-2') })).errors).toBeUndefined();
    const { last } = await outbox(0);
    const conflict = await write(CREATE, { input: financing('OUTBOX-2', { amountEur: 2 }) });
    expect(conflict.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const invalid = await write(UPDATE, { reference: 'OUTBOX-2', patch: { amountEur: -5 } });
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await write(CREATE, { input: financing('OUTBOX-2') })).errors).toBeUndefined(); // same again
    expect((await write(DELETE, { reference: 'OUTBOX-NONE' })).errors).toBeUndefined();
    expect(await outbox(last)).toEqual({ last, changes: [] });
    expect((await write(DELETE, { reference: 'OUTBOX-2' })).errors).toBeUndefined();
  });

  it('records an import once, with every territory it touched', async () => {
    const { last } = await outbox(0);
    const header = financingRecord.fields.map((f) => f.name).join(',');
    const row = (reference: string, territory: string) =>
      financingRecord.fields
        .map((f) =>
          String(
            f.name === 'territoryId' ? territory : ((financing(reference) as Record<string, unknown>)[f.name] ?? ''),
          ),
        )
        .join(',');
    const csv = [header, row('OUTBOX-I1', T2), row('OUTBOX-I2', T1), row('OUTBOX-I3', T2)].join('\n') + '\n';
    const db = hub.subgraphs.get('financing')!.test.prepared.database.db;
    const result = await importCsv(db, financingRecord, csv);
    expect(result.written?.inserted).toBe(3);
    expect(await outbox(last)).toEqual({
      last: last + 1,
      changes: [{ seq: last + 1, kind: 'financing', territories: [T1, T2].sort() }],
    });
    for (const reference of ['OUTBOX-I1', 'OUTBOX-I2', 'OUTBOX-I3'])
      expect((await write(DELETE, { reference })).errors).toBeUndefined();
  });

  it('numbers concurrent writes without gaps, each number once', async () => {
    const { last } = await outbox(0);
    const references = Array.from({ length: 12 }, (_, i) => `OUTBOX-C${i}`);
    const answers = await Promise.all(references.map((r) => write(CREATE, { input: financing(r) })));
    for (const a of answers) expect(a.errors).toBeUndefined();
    const after = await outbox(last);
    expect(after.last).toBe(last + references.length);
    expect(after.changes.map((c) => c.seq)).toEqual(references.map((_, i) => last + 1 + i));
    await Promise.all(references.map((reference) => write(DELETE, { reference })));
  });

  it('answers the gateway only (shared secret), and refuses a bad "since"', async () => {
    const anonymous = await fetch(outboxUrl(0));
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(
      /\/outbox needs the hub's shared secret/,
    );
    const bad = await fetch(outboxUrl('-1'), { headers: { 'x-hub-gateway-secret': SECRET } });
    expect(bad.status).toBe(400);
  });
});

describe('the outbox table', () => {
  it('keeps its last changes only, and numbering goes on after pruning', async () => {
    const schema = POSTGRES_URL ? testSchema('outbox_prune') : undefined;
    const database = await openDatabase<{ hub_outbox: OutboxRow }>({
      name: 'outbox_prune',
      url: POSTGRES_URL ?? 'sqlite::memory:',
      schema,
    });
    try {
      await migrate(database, 'outbox_prune', runtimeMigrations);
      for (let i = 0; i < KEEP + 25; i++)
        await database.db
          .transaction()
          .execute((trx) => recordChange<{ hub_outbox: OutboxRow }>(trx, { kind: 'thing', territories: [T1] }));
      const rows = await database.db.selectFrom('hub_outbox').select('seq').orderBy('seq').execute();
      expect(rows).toHaveLength(KEEP);
      expect(Number(rows[rows.length - 1]!.seq)).toBe(KEEP + 25);
      // A gateway that last read before the pruned changes still learns that something changed.
      const { last } = await changesSince(database.db, 3);
      expect(last).toBe(KEEP + 25);
    } finally {
      await database.close();
    }
  }, 120_000);
});
