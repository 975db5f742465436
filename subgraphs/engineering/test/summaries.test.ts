// The summary tables the record kit keeps for the Banque des Territoires' records (records.ts `engineeringSummary`,
// shared by the four kinds of the one table): after random writes of every kind through the gateway (some
// concurrent, some moving records between territories, services' dates, statuses and beneficiaries) and random CSV
// imports, they equal a full recomputation from the records, and every figure the graph serves (totals by phase,
// region and territory, a territory's summary, services and per-kind totals, the mobilised territories) equals the
// SQL aggregate of the records, distinct beneficiaries across kinds included. On the suite's dialect.
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { expectSummariesMatchRecords } from '../../../test/support/summaries.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { importCsv } from '../../runtime/import.ts';
import { loadPerimeters } from '../../runtime/perimeters.ts';
import type { KitDB } from '../../runtime/records.ts';
import { summaryKind } from '../../runtime/summaries.ts';
import { serviceById, serviceOfKind } from '../catalogue.ts';
import { RECORD_KINDS, STATUSES, STUDY_KINDS, type EngineeringDB, type RecordKind } from '../db.ts';
import { RECORD_SPECS, SPECS, SUMMARIES } from '../records.ts';
import { vteAidAmount } from '../sample.ts';
import { rng, sampleSiren } from '../../runtime/sample.ts';

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
const gql = <T>(query: string, variables: Record<string, unknown> = {}) =>
  post<T>(hub.gatewayUrl, query, variables, { authorization: `Bearer ${token}` });

// Deterministic: the same run every time (the sample's seeded generator).
const random = rng('engineering summaries test');
const rand = random.next;
const pick = random.pick;

/** A valid SIREN (Luhn). */
const SIRENS = Array.from({ length: 2 }, () => sampleSiren(random));
const siren = (n: number) => SIRENS[n]!;
// Two territories of each phase, two of them in the same region (84).
const TERRITORIES = ['2023-2027:ti-8412', '2023-2027:ti-8402', '2019-2022:ti-8403', '2019-2022:ti-2701'];
const yearsOf = (territory: string) => (territory.startsWith('2019') ? [2019, 2022] : [2023, 2027]);
/** Three groupements of each territory: studies, project managers and loans go to them, so they recur across kinds. */
const groupements = (territory: string) =>
  loadPerimeters()
    .find((t) => t.id === territory)!
    .groupements.slice(0, 3)
    .map((g) => g.siren);
/** A VTE's company: one of two companies, or a SIREN that is also a groupement's (one beneficiary across kinds). */
const company = (territory: string) => (rand() < 0.5 ? siren(Math.floor(rand() * 2)) : pick(groupements(territory)));

const dateIn = (territory: string) => {
  const [from, to] = yearsOf(territory) as [number, number];
  const year = from + Math.floor(rand() * (to - from + 1));
  return `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
};
// Cents included: sums are kept in hundredths, exactly.
const euros = (max: number) => Math.round(rand() * max * 100) / 100;

/** Per kind: its mutations' name, and the fields of its beneficiary and date (moved with the territory). */
const KIND = {
  ENGINEERING_SUPPORT: { name: 'EngineeringSupport', siren: 'beneficiarySiren', date: 'date' },
  PROJECT_MANAGER_COFUNDING: { name: 'ProjectManagerCofunding', siren: 'employerSiren', date: 'startDate' },
  VTE_AID: { name: 'VteAid', siren: 'companySiren', date: 'hireDate' },
  LOCAL_AUTHORITY_LOAN: { name: 'LocalAuthorityLoan', siren: 'borrowerSiren', date: 'date' },
} as const;

type Input = Record<string, string | number | boolean>;

function randomInput(kind: RecordKind, reference: string, territoryId = pick(TERRITORIES)): Input {
  const common = { reference, territoryId, status: pick(STATUSES) };
  switch (kind) {
    case 'ENGINEERING_SUPPORT':
      return {
        ...common,
        kind: pick(STUDY_KINDS),
        title: 'Étude (test des sommes)',
        beneficiarySiren: pick(groupements(territoryId)),
        amountEur: euros(200_000),
        cofundingRate: 0.5,
        date: dateIn(territoryId),
      };
    case 'PROJECT_MANAGER_COFUNDING':
      return {
        ...common,
        employerSiren: pick(groupements(territoryId)),
        amountEur: euros(120_000),
        startDate: dateIn(territoryId),
        months: 1 + Math.floor(rand() * 36),
      };
    case 'VTE_AID': {
      const green = rand() < 0.3;
      return {
        ...common,
        companySiren: company(territoryId),
        companyName: 'Entreprise (test des sommes)',
        naf: '25.62B',
        green,
        amountEur: vteAidAmount(green),
        hireDate: dateIn(territoryId),
      };
    }
    case 'LOCAL_AUTHORITY_LOAN':
      return {
        ...common,
        borrowerSiren: pick(groupements(territoryId)),
        purpose: 'Friche industrielle (test des sommes)',
        amountEur: euros(3_000_000),
        durationYears: 20,
        date: dateIn(territoryId),
      };
  }
}

/** A patch of one field (or the fields that move together): territory, date, status, beneficiary, amount. */
function randomPatch(kind: RecordKind, current: Input): Input {
  const k = KIND[kind];
  const territoryId = String(current.territoryId);
  const fresh = randomInput(kind, String(current.reference), territoryId);
  switch (pick(['territory', 'date', 'status', 'beneficiary', 'amount'] as const)) {
    case 'territory': {
      // The beneficiary and the date follow the territory (its perimeter's groupements, its phase's years).
      const moved = randomInput(kind, String(current.reference));
      return { territoryId: moved.territoryId!, [k.siren]: moved[k.siren]!, [k.date]: moved[k.date]! };
    }
    case 'date':
      return { [k.date]: fresh[k.date]! };
    case 'status':
      return { status: fresh.status! };
    case 'beneficiary':
      return { [k.siren]: fresh[k.siren]! };
    case 'amount':
      // A VTE aid's amount follows the rule: 4 000 €, 8 000 € for a VTE vert.
      return kind === 'VTE_AID'
        ? { green: fresh.green!, amountEur: fresh.amountEur! }
        : { amountEur: fresh.amountEur! };
  }
}

const create = (kind: RecordKind, input: Input) =>
  gql(`mutation($input: ${KIND[kind].name}Input!) { create${KIND[kind].name}(input: $input) { created } }`, { input });
const update = (kind: RecordKind, key: string, patch: Input) =>
  gql(
    `mutation($key: ID!, $patch: ${KIND[kind].name}Patch!) { update${KIND[kind].name}(reference: $key, patch: $patch) { updated } }`,
    { key, patch },
  );
const remove = (kind: RecordKind, key: string) =>
  gql(`mutation($key: ID!) { delete${KIND[kind].name}(reference: $key) { deleted } }`, { key });

it('the four kinds share one set of summaries', () => {
  expect(new Set(RECORD_SPECS.map(summaryKind)).size).toBe(1);
  expect(RECORD_SPECS.every((spec) => spec.summary === SUMMARIES.summary)).toBe(true);
});

it('after random writes of every kind through the gateway and random imports, the summaries equal a recomputation from the records', async () => {
  const live = new Map<string, { kind: RecordKind; input: Input }>();
  let next = 0;
  const reference = () => `SUM-TEST-${String(next++).padStart(3, '0')}`;
  for (let round = 0; round < 12; round++) {
    // Eight writes at once, of every kind: creates, patches and deletes on the same few territories, so that they
    // share summary rows. Only records committed before the round are patched or deleted, each once per round.
    const settled = [...live.keys()];
    const writes = Array.from({ length: 8 }, () => {
      const choice = rand();
      if (settled.length < 4 || choice < 0.45) {
        const kind = pick(RECORD_KINDS);
        const input = randomInput(kind, reference());
        live.set(String(input.reference), { kind, input });
        return create(kind, input);
      }
      const key = settled.splice(Math.floor(rand() * settled.length), 1)[0]!;
      const record = live.get(key)!;
      if (choice < 0.8) {
        const patch = randomPatch(record.kind, record.input);
        record.input = { ...record.input, ...patch };
        return update(record.kind, key, patch);
      }
      live.delete(key);
      return remove(record.kind, key);
    });
    for (const answer of await Promise.all(writes)) expect(answer.errors).toBeUndefined();
    if (round % 3 === 2) {
      // An import of one kind, new and existing references of that kind (updated in place), as `npm run import`.
      const kind = RECORD_KINDS[((round / 3) % 4) | 0]!;
      const existing = [...live].filter(([, r]) => r.kind === kind).slice(0, 4);
      const rows = [
        ...Array.from({ length: 6 }, () => randomInput(kind, reference())),
        ...existing.map(([key]) => randomInput(kind, key)),
      ];
      for (const row of rows) live.set(String(row.reference), { kind, input: row });
      const header = Object.keys(rows[0]!);
      const csv = [header.join(','), ...rows.map((r) => header.map((h) => String(r[h])).join(','))].join('\n');
      const result = await importCsv(db(), SPECS[kind], csv);
      expect(result.rejected).toEqual([]);
      expect(result.written!.inserted + result.written!.updated).toBeGreaterThan(0);
    }
    await expectSummariesMatchRecords(db() as unknown as Kysely<KitDB>, SUMMARIES);
  }
  const written = await db()
    .selectFrom('engineering_record')
    .select(['record_kind', sql<number>`count(*)`.as('n')])
    .where('reference', 'like', 'SUM-TEST-%')
    .groupBy('record_kind')
    .execute();
  expect(written.map((w) => w.record_kind).sort()).toEqual([...RECORD_KINDS].sort());
  expect(written.reduce((n, w) => n + Number(w.n), 0)).toBeGreaterThan(30);
  // The data puts one beneficiary under two kinds of one territory: distinct counts across kinds are tested.
  const shared = await db()
    .selectFrom('engineering_record')
    .select(['territory_id', 'beneficiary_siren'])
    .where('reference', 'like', 'SUM-TEST-%')
    .groupBy(['territory_id', 'beneficiary_siren'])
    .having(sql<number>`count(distinct record_kind)`, '>', 1)
    .execute();
  expect(shared.length).toBeGreaterThan(0);
}, 300_000);

const natureOf = (records: number, declared: number) =>
  declared === 0 ? 'SAMPLE' : declared === records ? 'DERIVED' : 'MIXED';

interface Total {
  key: string;
  territoryCount: number;
  recordCount: number;
  amountEur: number;
  beneficiaryCount: number;
  nature: string;
}

it('every total served equals the SQL aggregate of the records (by phase, region, territory; one phase; one axis)', async () => {
  for (const by of ['PHASE', 'REGION', 'TERRITORY'] as const)
    for (const phase of [null, '2019-2022', '2023-2027'] as const)
      for (const axis of [null, 'RECRUIT', 'ATTRACT'] as const) {
        const r = await post<{ engineeringTotals: Total[] }>(
          hub.gatewayUrl,
          `query($by: TotalsGroup!, $phase: Phase, $axis: Axis) { engineeringTotals(by: $by, phase: $phase, axis: $axis) {
            key territoryCount recordCount amountEur beneficiaryCount nature } }`,
          { by, phase: phase && `PHASE_${phase.replace('-', '_')}`, axis },
        );
        expect(r.errors).toBeUndefined();
        const column = ({ PHASE: 'phase', REGION: 'region_code', TERRITORY: 'territory_id' } as const)[by];
        let query = db().selectFrom('engineering_record');
        if (phase) query = query.where('phase', '=', phase);
        if (axis)
          query = query.where('service_id', 'in', (eb) =>
            eb.selectFrom('service_axis').select('service_id').where('axis', '=', axis),
          );
        const expected = await query
          .select((eb) => [
            eb.ref(column).as('key'),
            sql<number>`count(distinct territory_id)`.as('territoryCount'),
            eb.fn.countAll<number>().as('recordCount'),
            eb.fn.sum<number>('amount_eur').as('amountEur'),
            sql<number>`count(distinct beneficiary_siren)`.as('beneficiaryCount'),
            sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('declared'),
          ])
          .groupBy(column)
          .orderBy(column)
          .execute();
        const served = r.data!.engineeringTotals;
        expect([by, phase, axis, served.map((t) => t.key)]).toEqual([by, phase, axis, expected.map((e) => e.key)]);
        served.forEach((t, i) => {
          const e = expected[i]!;
          expect([t.key, t.territoryCount, t.recordCount, t.beneficiaryCount, t.nature]).toEqual([
            e.key,
            Number(e.territoryCount),
            Number(e.recordCount),
            Number(e.beneficiaryCount),
            natureOf(Number(e.recordCount), Number(e.declared)),
          ]);
          expect(t.amountEur).toBeCloseTo(Number(e.amountEur), 2);
        });
      }
  // The provenance is that of the records counted: the territories written hold declared records, the others none.
  const mixed = await post<{ engineeringTotals: Total[] }>(
    hub.gatewayUrl,
    `{ engineeringTotals(by: TERRITORY) { key nature } }`,
  );
  expect(
    mixed
      .data!.engineeringTotals.filter((t) => t.nature !== 'SAMPLE')
      .map((t) => t.key)
      .sort(),
  ).toEqual([...TERRITORIES].sort());
});

interface SliceFigures {
  summary: { mobilised: boolean; serviceCount: number; recordCount: number; amountEur: number; nature: string };
  services: {
    service: { id: string };
    recordCount: number;
    amountEur: number | null;
    beneficiaryCount: number;
    firstDate: string;
    lastDate: string;
    dataset: { nature: string };
  }[];
  totals: { kind: RecordKind; recordCount: number; amountEur: number; nature: string }[];
}

it("a territory's summary, services and per-kind totals equal the SQL aggregate of its records", async () => {
  // The territories written, one with sample records only, one without any record.
  const withRecords = await db().selectFrom('engineering_record').select('territory_id').distinct().execute();
  const ids = new Set(withRecords.map((r) => r.territory_id));
  const sampleOnly = [...ids].find((id) => !TERRITORIES.includes(id))!;
  const none = loadPerimeters().find((t) => !ids.has(t.id))!.id;
  for (const id of [...TERRITORIES, sampleOnly, none]) {
    const r = await post<{ territory: { engineering: SliceFigures } }>(
      hub.gatewayUrl,
      `query($id: ID!) { territory(id: $id) { engineering {
        summary { mobilised serviceCount recordCount amountEur nature }
        services { service { id } recordCount amountEur beneficiaryCount firstDate lastDate dataset { nature } }
        totals { kind recordCount amountEur nature } } } }`,
      { id },
    );
    expect(r.errors).toBeUndefined();
    const slice = r.data!.territory.engineering;
    const rows = await db()
      .selectFrom('engineering_record')
      .select((eb) => [
        'service_id',
        eb.fn.countAll<number>().as('records'),
        eb.fn.sum<number>('amount_eur').as('amount'),
        sql<number>`count(distinct beneficiary_siren)`.as('beneficiaries'),
        eb.fn.min('date').as('first'),
        eb.fn.max('date').as('last'),
        sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('declared'),
      ])
      .where('territory_id', '=', id)
      .groupBy('service_id')
      .execute();
    const of = new Map(rows.map((row) => [row.service_id, row]));
    expect([id, slice.services.map((s) => s.service.id).sort()]).toEqual([id, [...of.keys()].sort()]);
    for (const s of slice.services) {
      const e = of.get(s.service.id)!;
      expect([id, s.service.id, s.recordCount, s.beneficiaryCount, s.firstDate, s.lastDate]).toEqual([
        id,
        s.service.id,
        Number(e.records),
        Number(e.beneficiaries),
        e.first,
        e.last,
      ]);
      expect(s.amountEur).toBeCloseTo(Number(e.amount), 2);
      expect(s.dataset.nature).toBe(Number(e.declared) === Number(e.records) ? 'REAL' : 'SAMPLE');
    }
    const records = rows.reduce((n, row) => n + Number(row.records), 0);
    const declared = rows.reduce((n, row) => n + Number(row.declared), 0);
    const financial = rows.filter((row) => serviceById(row.service_id)!.financial);
    expect([id, slice.summary.mobilised, slice.summary.serviceCount, slice.summary.recordCount]).toEqual([
      id,
      records > 0,
      rows.length,
      records,
    ]);
    expect(slice.summary.amountEur).toBeCloseTo(
      financial.reduce((n, row) => n + Number(row.amount), 0),
      2,
    );
    expect(slice.summary.nature).toBe(natureOf(records, declared));
    for (const total of slice.totals) {
      const e = of.get(serviceOfKind(total.kind).id);
      expect([id, total.kind, total.recordCount, total.nature]).toEqual([
        id,
        total.kind,
        Number(e?.records ?? 0),
        natureOf(Number(e?.records ?? 0), Number(e?.declared ?? 0)),
      ]);
      expect(total.amountEur).toBeCloseTo(Number(e?.amount ?? 0), 2);
    }
  }
});

it('the mobilised territories of a phase are those holding records, as records arrive, move and go', async () => {
  const mobilised = async (id: string) => {
    const r = await post<{ yes: { id: string }[] }>(
      hub.gatewayUrl,
      `{ yes: engineeringTerritories(phase: PHASE_2023_2027, mobilised: true) { id } }`,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.yes.some((t) => t.id === id);
  };
  const withRecords = await db().selectFrom('engineering_record').select('territory_id').distinct().execute();
  const idle = loadPerimeters().find(
    (t) => t.phase === '2023-2027' && !withRecords.some((r) => r.territory_id === t.id),
  )!.id;
  expect(await mobilised(idle)).toBe(false);
  const input = randomInput('VTE_AID', 'SUM-TEST-IDLE', idle);
  expect((await create('VTE_AID', input)).errors).toBeUndefined();
  expect(await mobilised(idle)).toBe(true);
  // Moved to another territory of the phase: the idle one is idle again.
  expect((await update('VTE_AID', 'SUM-TEST-IDLE', { territoryId: TERRITORIES[0]! })).errors).toBeUndefined();
  expect(await mobilised(idle)).toBe(false);
  expect((await remove('VTE_AID', 'SUM-TEST-IDLE')).errors).toBeUndefined();

  for (const phase of ['2019-2022', '2023-2027'] as const) {
    const r = await post<{ yes: { id: string }[]; no: { id: string }[] }>(
      hub.gatewayUrl,
      `query($phase: Phase!) { yes: engineeringTerritories(phase: $phase, mobilised: true) { id }
        no: engineeringTerritories(phase: $phase, mobilised: false) { id } }`,
      { phase: `PHASE_${phase.replace('-', '_')}` },
    );
    expect(r.errors).toBeUndefined();
    const expected = await db()
      .selectFrom('engineering_record')
      .select('territory_id')
      .distinct()
      .where('phase', '=', phase)
      .execute();
    const mobilised = new Set(expected.map((e) => e.territory_id));
    expect(r.data!.yes.map((t) => t.id).sort()).toEqual([...mobilised].sort());
    const all = loadPerimeters().filter((t) => t.phase === phase);
    expect(r.data!.no.map((t) => t.id)).toEqual(all.filter((t) => !mobilised.has(t.id)).map((t) => t.id));
  }
});

it('reading a total costs one statement, whatever the number of records', async () => {
  hub.resetCounters();
  const r = await post(
    hub.gatewayUrl,
    `{ engineeringTotals(by: REGION) { key territoryCount recordCount amountEur beneficiaryCount nature datasets { id } } }`,
  );
  expect(r.errors).toBeUndefined();
  expect(hub.counters().engineering!.statements).toBe(1);
  // A territory's summary with its provenance, services and per-kind totals: one statement too.
  hub.resetCounters();
  const slice = await post(
    hub.gatewayUrl,
    `query($id: ID!) { territory(id: $id) { engineering { summary { recordCount nature datasets { id } }
      services { recordCount beneficiaryCount } totals { kind recordCount nature } } } }`,
    { id: TERRITORIES[0] },
  );
  expect(slice.errors).toBeUndefined();
  expect(hub.counters().engineering!.statements).toBe(1);
});
