// The summary tables the record kit keeps for recruitment actions (records.ts `actionSummary`): after random writes
// through the gateway (some concurrent, some moving actions between territories, services and dates) and random CSV
// imports, they equal a full recomputation from the actions, and every aggregate the graph serves (totals, the
// territory's summary and services, the mobilised lists, their provenance) equals the SQL aggregate of the actions
// (the queries they ran before the summaries). On the suite's dialect.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { expectSummariesMatchRecords } from '../../../test/support/summaries.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { importCsv } from '../../runtime/import.ts';
import { isKnownTerritory } from '../../runtime/perimeters.ts';
import type { KitDB } from '../../runtime/records.ts';
import { ACTION_STATUSES, CATALOGUE, DATASET_IDS } from '../catalogue.ts';
import type { RecruitmentDB } from '../db.ts';
import { actionRecord } from '../records.ts';
import { rng } from '../../runtime/sample.ts';

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
const gql = <T>(query: string, variables: Record<string, unknown> = {}) =>
  post<T>(hub.gatewayUrl, query, variables, { authorization: `Bearer ${token}` });

// Deterministic: the same run every time (the sample's seeded generator).
const random = rng('recruitment summaries test');
const rand = random.next;
const pick = random.pick;
const int = (max: number) => Math.floor(rand() * (max + 1));

// Two territories of each phase, two of them in the same region (84), plus one the sample leaves without actions
// (found in beforeAll of the first test), so that a territory can turn mobilised and back.
const TERRITORIES = ['2023-2027:ti-8412', '2023-2027:ti-8402', '2019-2022:ti-8403', '2019-2022:ti-2701'];
const yearsOf = (territory: string) => (territory.startsWith('2019') ? [2019, 2022] : [2023, 2027]);

type Input = ReturnType<typeof randomInput>;
function randomInput(reference: string) {
  const territoryId = pick(TERRITORIES);
  const [from, to] = yearsOf(territoryId) as [number, number];
  const year = from + int(to - from);
  const status = pick(ACTION_STATUSES);
  const participants = int(60);
  return {
    reference,
    territoryId,
    serviceId: pick(CATALOGUE).id,
    title: 'Action de recrutement (test des sommes)',
    // Few distinct dates, so that several actions share a group's first or last date and deletes move it or not.
    date: `${year}-${pick(['01', '06', '12'])}-${pick(['01', '15'])}`,
    status,
    participants,
    // A PLANNED action has no hires yet; hires never exceed participants.
    hires: status === 'PLANNED' ? 0 : int(participants),
    companies: int(12),
    nafCode: '25.62B',
    sector: 'Travail des métaux',
  };
}

const CREATE = `mutation($input: RecruitmentActionInput!) { createRecruitmentAction(input: $input) { created } }`;
const UPDATE = `mutation($key: ID!, $patch: RecruitmentActionPatch!) { updateRecruitmentAction(reference: $key, patch: $patch) { updated } }`;
const DELETE = `mutation($key: ID!) { deleteRecruitmentAction(reference: $key) { deleted } }`;

/** A valid patch of one field of `current` (the action as committed), and the action it makes. */
function randomPatch(current: Input): { patch: Record<string, unknown>; next: Input } {
  const moved = randomInput(current.reference);
  const field = pick(['territoryId', 'serviceId', 'date', 'participants', 'status'] as const);
  let patch: Record<string, unknown>;
  if (field === 'territoryId') patch = { territoryId: moved.territoryId, date: moved.date };
  else if (field === 'date') {
    const [from, to] = yearsOf(current.territoryId) as [number, number];
    patch = { date: `${from + int(to - from)}-${pick(['01', '06', '12'])}-${pick(['01', '15'])}` };
  } else if (field === 'participants') patch = { participants: moved.participants, hires: 0 };
  else if (field === 'status') patch = { status: moved.status, hires: 0 };
  else patch = { serviceId: moved.serviceId };
  return { patch, next: { ...current, ...patch } as Input };
}

it('after random writes through the gateway and random imports, the summaries equal a recomputation from the actions', async () => {
  // A territory without sample actions joins the list: its first action makes it mobilised, its last delete not.
  const empty = (
    await post<{ recruitmentTerritories: { id: string }[] }>(
      hub.gatewayUrl,
      '{ recruitmentTerritories(phase: PHASE_2023_2027, mobilised: false) { id } }',
    )
  ).data!.recruitmentTerritories.map((t) => t.id);
  expect(empty.length).toBeGreaterThan(0);
  expect(isKnownTerritory(empty[0]!)).toBe(true);
  TERRITORIES.push(empty[0]!);

  const live = new Map<string, Input>();
  let next = 0;
  for (let round = 0; round < 12; round++) {
    // Six writes at once: creates, patches (moving actions between territories, services, dates, statuses) and
    // deletes, on the same few territories, so they share summary rows (and first/last dates).
    // Only actions committed before the round are patched or deleted, each once per round.
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
        const { patch, next: after } = randomPatch(live.get(key)!);
        live.set(key, after);
        return gql(UPDATE, { key, patch });
      }
      live.delete(key);
      return gql(DELETE, { key });
    });
    for (const answer of await Promise.all(writes)) expect(answer.errors).toBeUndefined();
    if (round % 4 === 3) {
      // An import of new and existing references (updated in place), as `npm run import` does.
      const rows = [
        ...Array.from({ length: 8 }, () => randomInput(`SUM-TEST-${String(next++).padStart(3, '0')}`)),
        ...[...live.keys()].slice(0, 5).map((reference) => randomInput(reference)),
      ];
      const header = Object.keys(rows[0]!);
      const csv = [
        header.join(','),
        ...rows.map((r) => header.map((h) => String(r[h as keyof typeof r])).join(',')),
      ].join('\n');
      const result = await importCsv(db(), actionRecord, csv);
      expect(result.rejected).toEqual([]);
      expect(result.written!.inserted + result.written!.updated).toBeGreaterThan(0);
      for (const r of rows) live.set(r.reference, r);
    }
    await expectSummariesMatchRecords(db() as unknown as Kysely<KitDB>, actionRecord);
  }
  const written = await db()
    .selectFrom('recruitment_action')
    .select(sql<number>`count(*)`.as('n'))
    .where('reference', 'like', 'SUM-TEST-%')
    .executeTakeFirstOrThrow();
  expect(Number(written.n)).toBe(live.size);
  expect(live.size).toBeGreaterThan(20);
}, 300_000);

/** What an aggregate over actions is made of: sample ones only (or none), declared ones only, or both. */
const natureOf = (records: number, declared: number) =>
  declared === 0 ? 'SAMPLE' : declared === records ? 'DERIVED' : 'MIXED';

interface Total {
  key: string;
  territoryCount: number;
  recordCount: number;
  amountEur: number | null;
  beneficiaryCount: number;
  nature: string;
}

it('every total served equals the SQL aggregate of the actions (by phase, region, territory; one phase; one axis)', async () => {
  for (const by of ['PHASE', 'REGION', 'TERRITORY'] as const)
    for (const phase of [null, '2023-2027'] as const)
      for (const axis of [null, 'RECRUIT', 'INNOVATE'] as const) {
        const r = await post<{ recruitmentTotals: Total[] }>(
          hub.gatewayUrl,
          `query($by: TotalsGroup!, $phase: Phase, $axis: Axis) { recruitmentTotals(by: $by, phase: $phase, axis: $axis) { key territoryCount recordCount amountEur beneficiaryCount nature } }`,
          { by, phase: phase && 'PHASE_2023_2027', axis },
        );
        expect(r.errors).toBeUndefined();
        const column = ({ PHASE: 't.phase', REGION: 't.region_code', TERRITORY: 't.id' } as const)[by];
        let query = db()
          .selectFrom('recruitment_action as a')
          .innerJoin('recruitment_territory as t', 't.id', 'a.territory_id');
        if (phase) query = query.where('t.phase', '=', phase);
        if (axis)
          query = query.where('a.service_id', 'in', (eb) =>
            eb.selectFrom('service_axis').select('service_id').where('axis', '=', axis),
          );
        const expected = await query
          .select((eb) => [
            eb.ref(column).as('key'),
            sql<number>`count(distinct a.territory_id)`.as('territoryCount'),
            eb.fn.countAll<number>().as('recordCount'),
            eb.fn.sum<number>('a.participants').as('participants'),
            sql<number>`sum(case when a.origin = 'OPERATOR' then 1 else 0 end)`.as('declared'),
          ])
          .groupBy(column)
          .orderBy(column)
          .execute();
        const served = r.data!.recruitmentTotals;
        expect([by, phase, axis, served.map((t) => t.key)]).toEqual([
          by,
          phase,
          axis,
          expected.map((e) => String(e.key)),
        ]);
        expect(served).toEqual(
          expected.map((e) => ({
            key: String(e.key),
            territoryCount: Number(e.territoryCount),
            recordCount: Number(e.recordCount),
            amountEur: null,
            beneficiaryCount: Number(e.participants),
            nature: natureOf(Number(e.recordCount), Number(e.declared)),
          })),
        );
      }
  // The written actions make some groups MIXED: the comparison covered more than the sample.
  const mixed = await post<{ recruitmentTotals: Total[] }>(
    hub.gatewayUrl,
    '{ recruitmentTotals(by: TERRITORY) { key nature } }',
  );
  expect(mixed.data!.recruitmentTotals.filter((t) => t.nature !== 'SAMPLE').length).toBeGreaterThanOrEqual(4);
});

interface Slice {
  id: string;
  recruitment: {
    summary: { mobilised: boolean; serviceCount: number; recordCount: number; amountEur: null; nature: string };
    services: {
      service: { id: string };
      recordCount: number;
      beneficiaryCount: number;
      firstDate: string;
      lastDate: string;
      dataset: { id: string };
    }[];
  };
}

it("each written territory's summary, services and mobilised lists equal the SQL aggregate of its actions", async () => {
  const ids = [...TERRITORIES];
  // One query through the gateway for every territory (aliases), as a page of territories asks them.
  const r = await post<Record<string, Slice>>(
    hub.gatewayUrl,
    `{ ${ids
      .map(
        (id, i) => `t${i}: territory(id: "${id}") { id recruitment {
      summary { mobilised serviceCount recordCount amountEur nature }
      services { service { id } recordCount beneficiaryCount firstDate lastDate dataset { id } } } }`,
      )
      .join('\n')} }`,
  );
  expect(r.errors).toBeUndefined();
  const groups = await db()
    .selectFrom('recruitment_action')
    .where('territory_id', 'in', ids)
    .groupBy(['territory_id', 'service_id'])
    .select((eb) => [
      'territory_id',
      'service_id',
      eb.fn.countAll<number>().as('records'),
      sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('declared'),
      eb.fn.sum<number>('participants').as('participants'),
      eb.fn.min<string>('date').as('first'),
      eb.fn.max<string>('date').as('last'),
    ])
    .orderBy('territory_id')
    .orderBy('service_id')
    .execute();
  for (const slice of Object.values(r.data!)) {
    const mine = groups.filter((g) => g.territory_id === slice.id);
    const records = mine.reduce((s, g) => s + Number(g.records), 0);
    const declared = mine.reduce((s, g) => s + Number(g.declared), 0);
    expect([slice.id, slice.recruitment.summary]).toEqual([
      slice.id,
      {
        mobilised: records > 0,
        serviceCount: mine.length,
        recordCount: records,
        amountEur: null,
        nature: natureOf(records, declared),
      },
    ]);
    expect([slice.id, slice.recruitment.services]).toEqual([
      slice.id,
      mine.map((g) => ({
        service: { id: g.service_id },
        recordCount: Number(g.records),
        beneficiaryCount: Number(g.participants),
        firstDate: g.first,
        lastDate: g.last,
        dataset: {
          id: Number(g.declared) === Number(g.records) ? DATASET_IDS.operatorActions : DATASET_IDS.actions,
        },
      })),
    ]);
  }

  for (const phase of ['2019-2022', '2023-2027'] as const) {
    const lists = await post<{ yes: { id: string }[]; no: { id: string }[] }>(
      hub.gatewayUrl,
      `query($phase: Phase!) { yes: recruitmentTerritories(phase: $phase, mobilised: true) { id }
        no: recruitmentTerritories(phase: $phase, mobilised: false) { id } }`,
      { phase: phase === '2019-2022' ? 'PHASE_2019_2022' : 'PHASE_2023_2027' },
    );
    expect(lists.errors).toBeUndefined();
    for (const mobilised of [true, false]) {
      const expected = await db()
        .selectFrom('recruitment_territory')
        .select('id')
        .where('phase', '=', phase)
        .where('id', mobilised ? 'in' : 'not in', (qb) => qb.selectFrom('recruitment_action').select('territory_id'))
        .orderBy('id')
        .execute();
      expect(lists.data![mobilised ? 'yes' : 'no']).toEqual(expected);
    }
  }
});

it('reading a total, or a mobilised list, costs one statement, whatever the number of actions', async () => {
  for (const query of [
    `{ recruitmentTotals(by: REGION) { key recordCount beneficiaryCount nature datasets { id } } }`,
    `{ recruitmentTotals(by: TERRITORY, phase: PHASE_2023_2027, axis: RECRUIT) { key territoryCount nature } }`,
    `{ recruitmentTerritories(phase: PHASE_2023_2027, mobilised: true) { id } }`,
  ]) {
    hub.resetCounters();
    const r = await post(hub.gatewayUrl, query);
    expect(r.errors).toBeUndefined();
    expect([query, hub.counters().recruitment!.statements]).toEqual([query, 1]);
  }
});
