// The summary tables the record kit keeps for financings (records.ts `financingSummary`): after random writes through
// the gateway (some concurrent, some moving records between territories, statuses and services) and random CSV
// imports, they equal a full recomputation from the records, and every total the graph serves equals the SQL
// aggregate of the records (the query the totals ran before the summaries). On the suite's dialect.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { expectSummariesMatchRecords } from '../../../test/support/summaries.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { importCsv } from '../../runtime/import.ts';
import type { KitDB } from '../../runtime/records.ts';
import { GRANTED_STATUSES, INSTRUMENTS, SERVICES, STATUSES } from '../catalogue.ts';
import type { FinancingDB } from '../db.ts';
import { financingRecord } from '../records.ts';
import { rng, sampleSiren } from '../../runtime/sample.ts';

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
const gql = <T>(query: string, variables: Record<string, unknown> = {}) =>
  post<T>(hub.gatewayUrl, query, variables, { authorization: `Bearer ${token}` });

// Deterministic: the same run every time (the sample's seeded generator).
const random = rng('financing summaries test');
const rand = random.next;
const pick = random.pick;

/** A valid SIREN (Luhn) from a small pool, so that companies recur and distinct counts move both ways. */
const SIRENS = Array.from({ length: 6 }, () => sampleSiren(random));
const siren = (n: number) => SIRENS[n]!;
// Two territories of each phase, two of them in the same region (84).
const TERRITORIES = ['2023-2027:ti-8412', '2023-2027:ti-8402', '2019-2022:ti-8403', '2019-2022:ti-2701'];
const yearsOf = (territory: string) => (territory.startsWith('2019') ? [2019, 2022] : [2023, 2027]);

function randomInput(reference: string) {
  const territoryId = pick(TERRITORIES);
  const [from, to] = yearsOf(territoryId) as [number, number];
  const year = from + Math.floor(rand() * (to - from + 1));
  return {
    reference,
    territoryId,
    companySiren: siren(Math.floor(rand() * 6)),
    companyName: 'Entreprise (test des sommes)',
    companyNaf: '25.62B',
    serviceId: pick(SERVICES).id,
    instrument: pick(INSTRUMENTS),
    // Cents included: sums are kept in hundredths, exactly.
    amountEur: Math.round(rand() * 50_000_000) / 100,
    date: `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
    status: pick(STATUSES),
  };
}

const CREATE = `mutation($input: FinancingInput!) { createFinancing(input: $input) { created } }`;
const UPDATE = `mutation($key: ID!, $patch: FinancingPatch!) { updateFinancing(reference: $key, patch: $patch) { updated } }`;
const DELETE = `mutation($key: ID!) { deleteFinancing(reference: $key) { deleted } }`;

it('after random writes through the gateway and random imports, the summaries equal a recomputation from the records', async () => {
  const live = new Map<string, ReturnType<typeof randomInput>>();
  let next = 0;
  for (let round = 0; round < 12; round++) {
    // Six writes at once: creates, patches (moving records between territories, statuses, services, companies)
    // and deletes, on the same few territories, so they share summary rows.
    // Only records committed before the round are patched or deleted, each once per round.
    const settled = [...live.keys()];
    const writes = Array.from({ length: 6 }, () => {
      const choice = rand();
      if (settled.length < 4 || choice < 0.45) {
        const input = randomInput(`SUM-TEST-${String(next++).padStart(3, '0')}`);
        live.set(input.reference, input);
        return gql(CREATE, { input });
      }
      const key = settled.splice(Math.floor(rand() * settled.length), 1)[0]!;
      if (choice < 0.8) {
        const moved = randomInput(key);
        const fields = ['territoryId', 'status', 'serviceId', 'companySiren', 'amountEur', 'instrument'] as const;
        const field = pick(fields);
        // A date stays inside the phase of the territory it moves to.
        const patch =
          field === 'territoryId' ? { territoryId: moved.territoryId, date: moved.date } : { [field]: moved[field] };
        return gql(UPDATE, { key, patch });
      }
      live.delete(key);
      return gql(DELETE, { key });
    });
    for (const answer of await Promise.all(writes)) expect(answer.errors).toBeUndefined();
    if (round % 4 === 3) {
      // An import of new and existing references (updated in place), as `npm run import` does.
      const existing = (
        await db().selectFrom('financing').select('reference').where('reference', 'like', 'SUM-TEST-%').execute()
      ).map((r) => r.reference);
      const rows = [
        ...Array.from({ length: 8 }, () => randomInput(`SUM-TEST-${String(next++).padStart(3, '0')}`)),
        ...existing.slice(0, 5).map((reference) => randomInput(reference)),
      ];
      const header = Object.keys(rows[0]!);
      const csv = [
        header.join(','),
        ...rows.map((r) => header.map((h) => String(r[h as keyof typeof r])).join(',')),
      ].join('\n');
      const result = await importCsv(db(), financingRecord, csv);
      expect(result.rejected).toEqual([]);
      expect(result.written!.inserted + result.written!.updated).toBeGreaterThan(0);
    }
    await expectSummariesMatchRecords(db() as unknown as Kysely<KitDB>, financingRecord);
  }
  const written = await db()
    .selectFrom('financing')
    .select(sql<number>`count(*)`.as('n'))
    .where('reference', 'like', 'SUM-TEST-%')
    .executeTakeFirstOrThrow();
  expect(Number(written.n)).toBeGreaterThan(20);
}, 300_000);

interface Total {
  key: string;
  territoryCount: number;
  recordCount: number;
  amountEur: number;
  beneficiaryCount: number;
  nature: string;
}

it('every total served equals the SQL aggregate of the records (by phase, region, territory; one phase; one axis)', async () => {
  const granted = [...GRANTED_STATUSES];
  for (const by of ['PHASE', 'REGION', 'TERRITORY'] as const)
    for (const phase of [null, '2023-2027'] as const)
      for (const axis of [null, 'INNOVATE'] as const) {
        const r = await post<{ financingTotals: Total[] }>(
          hub.gatewayUrl,
          `query($by: TotalsGroup!, $phase: Phase, $axis: Axis) { financingTotals(by: $by, phase: $phase, axis: $axis) { key territoryCount recordCount amountEur beneficiaryCount nature } }`,
          { by, phase: phase && 'PHASE_2023_2027', axis },
        );
        expect(r.errors).toBeUndefined();
        const column = ({ PHASE: 't.phase', REGION: 't.region_code', TERRITORY: 't.id' } as const)[by];
        let query = db()
          .selectFrom('financing as f')
          .innerJoin('territory as t', 't.id', 'f.territory_id')
          .where('f.status', 'in', granted);
        if (phase) query = query.where('t.phase', '=', phase);
        if (axis)
          query = query.where('f.service_id', 'in', (eb) =>
            eb.selectFrom('service_axis').select('service_id').where('axis', '=', axis),
          );
        const expected = await query
          .select((eb) => [
            eb.ref(column).as('key'),
            sql<number>`count(distinct f.territory_id)`.as('territoryCount'),
            eb.fn.countAll<number>().as('recordCount'),
            eb.fn.sum<number>('f.amount_eur').as('amountEur'),
            sql<number>`count(distinct f.siren)`.as('beneficiaryCount'),
          ])
          .groupBy(column)
          .orderBy(column)
          .execute();
        const served = r.data!.financingTotals;
        expect([by, phase, axis, served.map((t) => t.key)]).toEqual([
          by,
          phase,
          axis,
          expected.map((e) => String(e.key)),
        ]);
        served.forEach((t, i) => {
          const e = expected[i]!;
          expect([t.key, t.territoryCount, t.recordCount, t.beneficiaryCount]).toEqual([
            String(e.key),
            Number(e.territoryCount),
            Number(e.recordCount),
            Number(e.beneficiaryCount),
          ]);
          expect(t.amountEur).toBeCloseTo(Number(e.amountEur), 2);
          expect(['SAMPLE', 'MIXED', 'DERIVED']).toContain(t.nature);
        });
      }
});

it('reading a total costs one statement, whatever the number of records', async () => {
  hub.resetCounters();
  const r = await post(
    hub.gatewayUrl,
    `{ financingTotals(by: REGION) { key recordCount beneficiaryCount nature datasets { id } } }`,
  );
  expect(r.errors).toBeUndefined();
  expect(hub.counters().financing!.statements).toBe(1);
});
