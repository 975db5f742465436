// Operator-scoped writes: authorization matrix, idempotent creates, field-by-field validation, the VTE
// rule, updates and deletes, all-or-nothing transactions, provenance, and survival across sample reloads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph } from '../../../test/support/harness.ts';
import { loadPerimeters } from '../../runtime/perimeters.ts';
import { createOne } from '../../runtime/writes.ts';
import { engineeringSupportSpec } from '../records.ts';
import { generateRecords } from '../sample.ts';
import engineering from '../subgraph.ts';
import {
  codeOf,
  context,
  countRows,
  db,
  run,
  snapshot,
  token,
  type EngineeringSubgraph,
  type GqlResult,
} from './support.ts';

// A 2023-2027 territory with sample studies and VTE aids (chosen from the generator, not hard-coded).
const SAMPLE = generateRecords(1);
const T = SAMPLE.find(
  (r) =>
    r.phase === '2023-2027' &&
    r.record_kind === 'ENGINEERING_SUPPORT' &&
    SAMPLE.some((o) => o.territory_id === r.territory_id && o.record_kind === 'VTE_AID'),
)!.territory_id;
const TERRITORY = loadPerimeters().find((t) => t.id === T)!;
const GROUPEMENT = TERRITORY.groupements[0]!;
const SAMPLE_STUDY = SAMPLE.find((r) => r.territory_id === T && r.record_kind === 'ENGINEERING_SUPPORT')!;

type Row = Record<string, unknown>;
interface PageOf<N> {
  totalCount: number;
  nodes: N[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
/** The FIGURES query's answer for one territory. */
interface SliceFigures {
  summary: { recordCount: number; amountEur: number; serviceCount: number };
  services: {
    service: { id: string };
    recordCount: number;
    amountEur: number;
    beneficiaryCount: number;
    lastDate: string;
    dataset: { id: string };
  }[];
  totals: { kind: string; recordCount: number; amountEur: number }[];
  supports: PageOf<{ reference: string; date: string; dataset: { nature: string } }>;
}

/** What a create or update answers; the record's fields as each test selects them. */
interface Written<R = Row> {
  created: boolean;
  updated: boolean;
  record: R;
}

const STUDY = {
  reference: 'BDT-DECL-ING-2024-0001',
  territoryId: T,
  kind: 'SECTOR_STUDY',
  title: 'Étude sectorielle de la filière mécanique (test)',
  beneficiarySiren: GROUPEMENT.siren,
  amountEur: 42000,
  cofundingRate: 0.5,
  date: '2024-06-12',
  status: 'COMMITTED',
};

const CREATE = `mutation($input: EngineeringSupportInput!) { createEngineeringSupport(input: $input) {
  created updated record { reference kind title amountEur cofundingRate date year status beneficiary { siren name } service { id } dataset { id nature publisher licence } } } }`;
const UPDATE = `mutation($reference: ID!, $patch: EngineeringSupportPatch!) { updateEngineeringSupport(reference: $reference, patch: $patch) {
  created updated record { reference status amountEur title } } }`;
const DELETE = `mutation($reference: ID!) { deleteEngineeringSupport(reference: $reference) { reference deleted } }`;
type Deleted = { deleteEngineeringSupport: { reference: string; deleted: boolean } };
type VteCreated = { createVteAid: Written };
const CREATE_VTE = `mutation($input: VteAidInput!) { createVteAid(input: $input) { created record { reference green amountEur hireDate company { siren name naf } dataset { nature } } } }`;
const UPDATE_VTE = `mutation($reference: ID!, $patch: VteAidPatch!) { updateVteAid(reference: $reference, patch: $patch) { updated record { green amountEur } } }`;

const VTE = {
  reference: 'BDT-DECL-VTE-2024-0001',
  territoryId: T,
  companySiren: '900000092',
  companyName: 'Forges de test (exemple fictif)',
  naf: '25.50A',
  green: false,
  hireDate: '2024-03-01',
  status: 'PAID',
};

let sg: EngineeringSubgraph;
let writer: string;
beforeAll(async () => {
  sg = await startTestSubgraph(engineering);
  writer = await token();
});
afterAll(async () => {
  await sg?.stop();
});

describe('authorization matrix (createEngineeringSupport)', () => {
  const input = { ...STUDY, reference: 'BDT-DECL-ING-AUTH-0001' };

  it.each([
    ['no token', async () => undefined, 'UNAUTHENTICATED', /writing requires a token/],
    [
      'an expired token',
      () => token({ expiresAt: Math.floor(Date.now() / 1000) - 60 }),
      'UNAUTHENTICATED',
      /^token expired$/,
    ],
    [
      'a forged signature (another secret)',
      () => token({ secret: 'another-secret-of-at-least-32-characters!!' }),
      'UNAUTHENTICATED',
      /signature/,
    ],
    [
      'a token of another operator',
      () => token({ operator: 'BPIFRANCE', scope: 'engineering:write financing:write' }),
      'FORBIDDEN',
      /acts for BPIFRANCE/,
    ],
    [
      'the right operator without the scope',
      () => token({ scope: 'engineering:read financing:write' }),
      'FORBIDDEN',
      /lacks the scope "engineering:write"/,
    ],
  ])('refuses %s and writes nothing', async (_case, make, code, message) => {
    const before = await countRows(sg);
    const result = await run<{ createEngineeringSupport: Written | null }>(sg, CREATE, { input }, await make());
    expect(result.data?.createEngineeringSupport ?? null).toBeNull();
    expect(codeOf(result)).toBe(code);
    expect(result.errors![0]!.message).toMatch(message);
    expect(await countRows(sg, { reference: input.reference })).toBe(0);
    expect(await countRows(sg)).toBe(before);
  });

  it('accepts the right operator with the scope', async () => {
    const result = await run<{ createEngineeringSupport: Written }>(sg, CREATE, { input }, writer);
    expect(result.errors).toBeUndefined();
    expect(result.data!.createEngineeringSupport.created).toBe(true);
    expect(await countRows(sg, { reference: input.reference })).toBe(1);
  });

  it('refuses updates and deletes without the right token, and keeps the record', async () => {
    const other = await token({ operator: 'FRANCE_TRAVAIL', scope: 'engineering:write' });
    for (const jwt of [undefined, other]) {
      const update = await run(sg, UPDATE, { reference: input.reference, patch: { status: 'PAID' } }, jwt);
      expect(codeOf(update)).toBe(jwt ? 'FORBIDDEN' : 'UNAUTHENTICATED');
      const del = await run(sg, DELETE, { reference: input.reference }, jwt);
      expect(codeOf(del)).toBe(jwt ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
    const row = await sg.prepared.database.db
      .selectFrom('engineering_record')
      .selectAll()
      .where('reference', '=', input.reference)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('COMMITTED');
  });

  it('keeps reads open without a token', async () => {
    const result = await run<{
      engineeringCatalogue: { id: string }[];
      _entities: { engineering: { summary: { recordCount: number } } }[];
    }>(
      sg,
      `query($r:[_Any!]!) { engineeringCatalogue { id } _entities(representations: $r) { ... on Territory { engineering { summary { recordCount } } } } }`,
      { r: [{ __typename: 'Territory', id: T }] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.engineeringCatalogue.length).toBe(6);
    expect(result.data!._entities[0]!.engineering.summary.recordCount).toBeGreaterThan(0);
  });
});

describe('createEngineeringSupport', () => {
  it('creates a record served as REAL, declared by the operator', async () => {
    const result = await run<{ createEngineeringSupport: Written }>(sg, CREATE, { input: STUDY }, writer);
    expect(result.errors).toBeUndefined();
    const { created, updated, record } = result.data!.createEngineeringSupport;
    expect([created, updated]).toEqual([true, false]);
    expect(record).toMatchObject({
      reference: STUDY.reference,
      kind: 'SECTOR_STUDY',
      amountEur: 42000,
      cofundingRate: 0.5,
      date: '2024-06-12',
      year: 2024,
      status: 'COMMITTED',
      // The name comes from the ANCT perimeter when omitted.
      beneficiary: { siren: GROUPEMENT.siren, name: GROUPEMENT.name },
      service: { id: 'engineering:financement-ingenierie' },
      dataset: {
        id: 'banque-des-territoires-declarations',
        nature: 'REAL',
        publisher: 'Banque des Territoires (Caisse des Dépôts)',
        licence: 'Licence Ouverte / Etalab 2.0 (declared by the operator)',
      },
    });
    const row = await sg.prepared.database.db
      .selectFrom('engineering_record')
      .selectAll()
      .where('reference', '=', STUDY.reference)
      .executeTakeFirstOrThrow();
    expect(row.origin).toBe('OPERATOR');
  });

  it('is idempotent: the same values again return the record with created: false', async () => {
    const before = await snapshot(sg);
    const result = await run<{ createEngineeringSupport: Written<{ reference: string }> }>(
      sg,
      CREATE,
      { input: { ...STUDY } },
      writer,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.createEngineeringSupport.created).toBe(false);
    expect(result.data!.createEngineeringSupport.record.reference).toBe(STUDY.reference);
    expect(await snapshot(sg)).toEqual(before);
  });

  it('refuses different values for an existing reference (CONFLICT) and changes nothing', async () => {
    const before = await snapshot(sg);
    const result = await run(sg, CREATE, { input: { ...STUDY, amountEur: 50000 } }, writer);
    expect(codeOf(result)).toBe('CONFLICT');
    expect(result.errors![0]!.message).toMatch(/already exists with other values/);
    expect(await snapshot(sg)).toEqual(before);
  });

  it('reports every invalid field, and writes nothing', async () => {
    const before = await snapshot(sg);
    const result = await run(
      sg,
      CREATE,
      {
        input: {
          ...STUDY,
          reference: 'BDT-DECL-BAD-1',
          date: '2024-13-01',
          amountEur: -10,
          cofundingRate: 1.5,
          beneficiarySiren: '123456789',
          title: '',
        },
      },
      writer,
    );
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    const fields = result.errors![0]!.extensions!.fields as { field: string; message: string }[];
    expect(fields.map((f) => f.field).sort()).toEqual([
      'amountEur',
      'beneficiarySiren',
      'cofundingRate',
      'date',
      'title',
    ]);
    expect(fields.find((f) => f.field === 'amountEur')!.message).toMatch(/below the minimum of 0/);
    expect(fields.find((f) => f.field === 'date')!.message).toMatch(/not a date/);
    expect(fields.find((f) => f.field === 'beneficiarySiren')!.message).toMatch(/not a valid SIREN/);
    expect(fields.find((f) => f.field === 'title')!.message).toMatch(/required/);
    expect(await snapshot(sg)).toEqual(before);
  });

  it.each([
    [
      'an unknown territory',
      { territoryId: '2023-2027:ti-9999' },
      'territoryId',
      /unknown territory 2023-2027:ti-9999/,
    ],
    ['a malformed territory id', { territoryId: 'ti-8412' }, 'territoryId', /territory id <phase>:<ANCT code>/],
    [
      'a service outside the catalogue',
      { serviceId: 'financing:fonds-acceleration' },
      'serviceId',
      /not in the engineering catalogue/,
    ],
    [
      'a service of another kind',
      { serviceId: 'engineering:aide-recrutement-vte' },
      'serviceId',
      /takes no engineering-support records/,
    ],
    [
      'a groupement outside the perimeter',
      { beneficiarySiren: '200054807' },
      'beneficiarySiren',
      /is not a groupement of/,
    ],
    ['a date outside the phase', { date: '2021-06-01' }, 'date', /outside the phase 2023-2027/],
    ['a year outside the programme', { date: '2031-06-01' }, 'date', /outside the years 2019–2027/],
    ['an amount above the bound', { amountEur: 9e9 }, 'amountEur', /above the maximum/],
  ])('refuses %s', async (_case, change, field, message) => {
    const input = { ...STUDY, reference: 'BDT-DECL-BAD-2', ...change };
    const result = await run(sg, CREATE, { input }, writer);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    const fields = result.errors![0]!.extensions!.fields as { field: string; message: string }[];
    expect(fields).toHaveLength(1);
    expect(fields[0]!.field).toBe(field);
    expect(fields[0]!.message).toMatch(message);
    expect(await countRows(sg, { reference: input.reference, origin: 'OPERATOR' })).toBe(0);
  });

  it('refuses a sample reference: FORBIDDEN naming the key, like every sample record, and writes nothing', async () => {
    const before = await snapshot(sg);
    const result = await run(sg, CREATE, { input: { ...STUDY, reference: SAMPLE_STUDY.reference } }, writer);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'reference' });
    expect(result.errors![0]!.message).toMatch(/reserved for the sample/);
    expect(await snapshot(sg)).toEqual(before);
  });

  it('refuses a reference already used by a record of another kind (CONFLICT)', async () => {
    await run(sg, CREATE_VTE, { input: { ...VTE, reference: 'BDT-DECL-SHARED-1' } }, writer);
    const result = await run(sg, CREATE, { input: { ...STUDY, reference: 'BDT-DECL-SHARED-1' } }, writer);
    expect(codeOf(result)).toBe('CONFLICT');
    const row = await sg.prepared.database.db
      .selectFrom('engineering_record')
      .selectAll()
      .where('reference', '=', 'BDT-DECL-SHARED-1')
      .executeTakeFirstOrThrow();
    expect(row.record_kind).toBe('VTE_AID');
  });
});

describe('updateEngineeringSupport and deleteEngineeringSupport', () => {
  it('updates the fields given, and reports no change when nothing changes', async () => {
    const first = await run<{ updateEngineeringSupport: Written }>(
      sg,
      UPDATE,
      { reference: STUDY.reference, patch: { status: 'PAID', amountEur: 45000 } },
      writer,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.updateEngineeringSupport).toMatchObject({
      created: false,
      updated: true,
      record: { status: 'PAID', amountEur: 45000, title: STUDY.title },
    });
    const again = await run<{ updateEngineeringSupport: Written }>(
      sg,
      UPDATE,
      { reference: STUDY.reference, patch: { status: 'PAID' } },
      writer,
    );
    expect(again.errors).toBeUndefined();
    expect(again.data!.updateEngineeringSupport.updated).toBe(false);
  });

  it('validates the merged record and keeps it on failure', async () => {
    const before = await snapshot(sg);
    const result = await run(
      sg,
      UPDATE,
      { reference: STUDY.reference, patch: { cofundingRate: 0, date: '2022-01-01' } },
      writer,
    );
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect((result.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field)).toEqual([
      'cofundingRate',
    ]);
    const phase = await run(sg, UPDATE, { reference: STUDY.reference, patch: { date: '2022-01-01' } }, writer);
    expect((phase.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field)).toEqual(['date']);
    expect(await snapshot(sg)).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown reference', async () => {
    const result = await run(sg, UPDATE, { reference: 'BDT-DECL-NONE', patch: { status: 'PAID' } }, writer);
    expect(codeOf(result)).toBe('NOT_FOUND');
  });

  it('never changes sample records nor records of another kind', async () => {
    const before = await snapshot(sg);
    const update = await run(sg, UPDATE, { reference: SAMPLE_STUDY.reference, patch: { status: 'CLOSED' } }, writer);
    expect(codeOf(update)).toBe('FORBIDDEN');
    const del = await run(sg, DELETE, { reference: SAMPLE_STUDY.reference }, writer);
    expect(codeOf(del)).toBe('FORBIDDEN');
    const otherKind = await run(sg, DELETE, { reference: 'BDT-DECL-SHARED-1' }, writer);
    expect(codeOf(otherKind)).toBe('CONFLICT');
    expect(await snapshot(sg)).toEqual(before);
  });

  it('deletes, and deleting twice is harmless', async () => {
    await run(sg, CREATE, { input: { ...STUDY, reference: 'BDT-DECL-ING-DEL-1' } }, writer);
    const first = await run<Deleted>(sg, DELETE, { reference: 'BDT-DECL-ING-DEL-1' }, writer);
    expect(first.data!.deleteEngineeringSupport).toEqual({ reference: 'BDT-DECL-ING-DEL-1', deleted: true });
    const second = await run<Deleted>(sg, DELETE, { reference: 'BDT-DECL-ING-DEL-1' }, writer);
    expect(second.errors).toBeUndefined();
    expect(second.data!.deleteEngineeringSupport.deleted).toBe(false);
  });
});

describe('VTE aids follow the real rule: 4,000 €, 8,000 € for a VTE vert', () => {
  it('derives the amount when omitted and accepts the right one', async () => {
    const green = await run<VteCreated>(
      sg,
      CREATE_VTE,
      { input: { ...VTE, reference: 'BDT-DECL-VTE-G1', green: true } },
      writer,
    );
    expect(green.errors).toBeUndefined();
    expect(green.data!.createVteAid.record).toMatchObject({
      green: true,
      amountEur: 8000,
      company: { siren: VTE.companySiren, name: VTE.companyName, naf: '25.50A' },
      dataset: { nature: 'REAL' },
    });
    const regular = await run<VteCreated>(sg, CREATE_VTE, { input: { ...VTE, amountEur: 4000 } }, writer);
    expect(regular.errors).toBeUndefined();
    expect(regular.data!.createVteAid.record).toMatchObject({ green: false, amountEur: 4000 });
    // Same values again (the amount now given explicitly): idempotent.
    const again = await run<VteCreated>(
      sg,
      CREATE_VTE,
      { input: { ...VTE, reference: 'BDT-DECL-VTE-G1', green: true, amountEur: 8000 } },
      writer,
    );
    expect(again.errors).toBeUndefined();
    expect(again.data!.createVteAid.created).toBe(false);
  });

  it.each([
    [false, 8000],
    [true, 4000],
    [false, 5000],
    [true, 0],
  ])('refuses green=%s with %s €', async (green, amountEur) => {
    const result = await run(
      sg,
      CREATE_VTE,
      { input: { ...VTE, reference: 'BDT-DECL-VTE-BAD', green, amountEur } },
      writer,
    );
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    const fields = result.errors![0]!.extensions!.fields as { field: string; message: string }[];
    expect(fields).toEqual([
      { field: 'amountEur', message: expect.stringMatching(/4000 € per VTE and 8000 € for a VTE vert/) },
    ]);
    expect(await countRows(sg, { reference: 'BDT-DECL-VTE-BAD' })).toBe(0);
  });

  it('refuses a bad NAF code or SIREN field by field', async () => {
    const result = await run(
      sg,
      CREATE_VTE,
      { input: { ...VTE, reference: 'BDT-DECL-VTE-BAD', naf: '2550A', companySiren: '900000093' } },
      writer,
    );
    expect((result.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      'companySiren',
      'naf',
    ]);
  });

  it('keeps the rule on update: switching to green needs the green amount (or null to derive it)', async () => {
    const stale = await run(sg, UPDATE_VTE, { reference: VTE.reference, patch: { green: true } }, writer);
    expect(codeOf(stale)).toBe('BAD_USER_INPUT');
    const derived = await run<{ updateVteAid: unknown }>(
      sg,
      UPDATE_VTE,
      { reference: VTE.reference, patch: { green: true, amountEur: null } },
      writer,
    );
    expect(derived.errors).toBeUndefined();
    expect(derived.data!.updateVteAid).toEqual({ updated: true, record: { green: true, amountEur: 8000 } });
  });
});

describe('the other kinds', () => {
  it('creates, updates and deletes a project-manager cofunding and a loan', async () => {
    const cofunding = await run<{ createProjectManagerCofunding: Written }>(
      sg,
      `mutation($input: ProjectManagerCofundingInput!) { createProjectManagerCofunding(input: $input) {
      created record { reference months startDate amountEur employer { siren name } service { id } dataset { nature } } } }`,
      {
        input: {
          reference: 'BDT-DECL-CDP-1',
          territoryId: T,
          employerSiren: GROUPEMENT.siren,
          amountEur: 60000,
          startDate: '2024-01-01',
          months: 24,
          status: 'COMMITTED',
        },
      },
      writer,
    );
    expect(cofunding.errors).toBeUndefined();
    expect(cofunding.data!.createProjectManagerCofunding.record).toMatchObject({
      months: 24,
      startDate: '2024-01-01',
      employer: { siren: GROUPEMENT.siren },
      service: { id: 'engineering:cofinancement-chef-de-projet' },
      dataset: { nature: 'REAL' },
    });
    const months = await run(
      sg,
      `mutation { updateProjectManagerCofunding(reference: "BDT-DECL-CDP-1", patch: { months: 99 }) { updated } }`,
      {},
      writer,
    );
    expect(months.errors![0]!.extensions!.fields).toEqual([
      { field: 'months', message: '99 is above the maximum of 72' },
    ]);

    const loan = await run<{ createLocalAuthorityLoan: Written }>(
      sg,
      `mutation($input: LocalAuthorityLoanInput!) { createLocalAuthorityLoan(input: $input) {
      created record { reference purpose durationYears amountEur borrower { siren } } } }`,
      {
        input: {
          reference: 'BDT-DECL-PRT-1',
          territoryId: T,
          borrowerSiren: GROUPEMENT.siren,
          purpose: "Réhabilitation d'une friche (test)",
          amountEur: 2500000,
          durationYears: 25,
          date: '2025-02-03',
          status: 'COMMITTED',
        },
      },
      writer,
    );
    expect(loan.errors).toBeUndefined();
    expect(loan.data!.createLocalAuthorityLoan).toMatchObject({
      created: true,
      record: { durationYears: 25, amountEur: 2500000 },
    });
    const negative = await run(
      sg,
      `mutation { updateLocalAuthorityLoan(reference: "BDT-DECL-PRT-1", patch: { amountEur: -1 }) { updated } }`,
      {},
      writer,
    );
    expect(codeOf(negative)).toBe('BAD_USER_INPUT');
    const del = await run(
      sg,
      `mutation { a: deleteLocalAuthorityLoan(reference: "BDT-DECL-PRT-1") { deleted } b: deleteProjectManagerCofunding(reference: "BDT-DECL-CDP-1") { deleted } }`,
      {},
      writer,
    );
    expect(del.data).toEqual({ a: { deleted: true }, b: { deleted: true } });
  });
});

describe('the territory figures follow the writes', () => {
  const FIGURES = `query($r:[_Any!]!) { _entities(representations: $r) { ... on Territory { engineering {
    summary { recordCount amountEur serviceCount }
    services { service { id } recordCount amountEur beneficiaryCount lastDate dataset { id } }
    totals { kind recordCount amountEur }
    supports(first: 200) { totalCount nodes { reference date dataset { nature } } } } } } }`;
  const figures = async (id: string): Promise<SliceFigures> =>
    (await run<{ _entities: { engineering: SliceFigures }[] }>(sg, FIGURES, { r: [{ __typename: 'Territory', id }] }))
      .data!._entities[0]!.engineering;

  it('shows a create in the summary, services, totals and the list (in date order), and removes it on delete', async () => {
    const before = await figures(T);
    const input = { ...STUDY, reference: 'BDT-DECL-ING-FIG-1', amountEur: 1234, date: '2023-06-30' };
    expect((await run(sg, CREATE, { input }, writer)).errors).toBeUndefined();
    const after = await figures(T);
    expect(after.summary.recordCount).toBe(before.summary.recordCount + 1);
    expect(after.summary.amountEur).toBeCloseTo(before.summary.amountEur + 1234, 6);
    const service = (f: SliceFigures) => f.services.find((s) => s.service.id === 'engineering:financement-ingenierie')!;
    expect(service(after).recordCount).toBe(service(before).recordCount + 1);
    expect(after.totals.find((t) => t.kind === 'ENGINEERING_SUPPORT')!.amountEur).toBeCloseTo(
      before.totals.find((t) => t.kind === 'ENGINEERING_SUPPORT')!.amountEur + 1234,
      6,
    );
    // The list stays in date order, the declared record among the sample ones.
    const dates = after.supports.nodes.map((n) => n.date);
    expect(dates).toEqual([...dates].sort());
    expect(after.supports.totalCount).toBe(before.supports.totalCount + 1);
    expect(after.supports.nodes.find((n) => n.reference === input.reference)!.dataset.nature).toBe('REAL');

    expect(
      (await run<Deleted>(sg, DELETE, { reference: input.reference }, writer)).data!.deleteEngineeringSupport.deleted,
    ).toBe(true);
    expect(await figures(T)).toEqual(before);
  });

  it('labels a service REAL where only declared records mobilise it', async () => {
    // A territory where the sample has no loan: a declared loan is its only one.
    const idle = loadPerimeters().find(
      (t) =>
        t.phase === '2023-2027' &&
        !SAMPLE.some((r) => r.territory_id === t.id && r.record_kind === 'LOCAL_AUTHORITY_LOAN'),
    )!;
    await run(
      sg,
      `mutation($input: LocalAuthorityLoanInput!) { createLocalAuthorityLoan(input: $input) { created } }`,
      {
        input: {
          reference: 'BDT-DECL-PRT-IDLE',
          territoryId: idle.id,
          borrowerSiren: idle.groupements[0]!.siren,
          purpose: 'Zone d’activité (test)',
          amountEur: 800000,
          durationYears: 20,
          date: '2024-10-01',
          status: 'PAID',
        },
      },
      writer,
    );
    const loans = (await figures(idle.id)).services.find((s) => s.service.id === 'engineering:prets-collectivites');
    expect(loans).toMatchObject({
      recordCount: 1,
      amountEur: 800000,
      dataset: { id: 'banque-des-territoires-declarations' },
    });
  });

  it('walks the pages of a territory with declared records without gaps or repeats', async () => {
    await run(sg, CREATE, { input: { ...STUDY, reference: 'BDT-DECL-ING-PAGE-1', date: '2023-01-01' } }, writer);
    await run(sg, CREATE, { input: { ...STUDY, reference: 'BDT-DECL-ING-PAGE-2', date: '2027-12-31' } }, writer);
    const seen: string[] = [];
    type SupportsPage = { _entities: { engineering: { supports: PageOf<Row> } }[] };
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const result: GqlResult<SupportsPage> = await run<SupportsPage>(
        sg,
        `query($r:[_Any!]!, $after: String) { _entities(representations: $r) { ... on Territory { engineering {
        supports(first: 2, after: $after) { totalCount nodes { reference date } pageInfo { hasNextPage endCursor } } } } } }`,
        { r: [{ __typename: 'Territory', id: T }], after },
      );
      const connection = result.data!._entities[0]!.engineering.supports;
      seen.push(...connection.nodes.map((n) => `${String(n.date)} ${String(n.reference)}`));
      if (!connection.pageInfo.hasNextPage) {
        expect(seen).toHaveLength(connection.totalCount);
        break;
      }
      after = connection.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    expect(seen.at(-1)).toMatch(/BDT-DECL-ING-PAGE-2$/);
  });
});

describe('transactions: a failed write leaves nothing behind', () => {
  it('rolls back when the derived-rows hook fails after the insert', async () => {
    const before = await snapshot(sg);
    const failing = {
      ...engineeringSupportSpec,
      afterWrite: async () => {
        throw new Error('simulated failure after the insert');
      },
    };
    await expect(
      createOne(context(sg, writer), failing, { ...STUDY, reference: 'BDT-DECL-ING-FAIL-1' }),
    ).rejects.toThrow(/simulated failure/);
    expect(await countRows(sg, { reference: 'BDT-DECL-ING-FAIL-1' })).toBe(0);
    expect(await snapshot(sg)).toEqual(before);
  });

  it('rolls back on a constraint error raised by the database in the middle of the transaction', async () => {
    const before = await snapshot(sg);
    // Changing a record's kind is refused by the table's guard trigger (migration 002), inside the write.
    await expect(
      db(sg)
        .transaction()
        .execute(async (trx) => {
          await trx
            .insertInto('engineering_record')
            .values({
              ...(await trx
                .selectFrom('engineering_record')
                .selectAll()
                .where('reference', '=', STUDY.reference)
                .executeTakeFirstOrThrow()),
              reference: 'BDT-DECL-ING-TMP',
            })
            .execute();
          await trx
            .updateTable('engineering_record')
            .set({ record_kind: 'VTE_AID' })
            .where('reference', '=', STUDY.reference)
            .execute();
        }),
    ).rejects.toThrow(/kind and origin of a record never change/);
    expect(await snapshot(sg)).toEqual(before);
  });
});

describe('sample reloads', () => {
  it('replace the SAMPLE records only: declared records survive, pages stay in order', async () => {
    const operatorBefore = await sg.prepared.database.db
      .selectFrom('engineering_record')
      .selectAll()
      .where('origin', '=', 'OPERATOR')
      .orderBy('reference')
      .execute();
    expect(operatorBefore.length).toBeGreaterThan(3);
    const PAGE = `query($r:[_Any!]!) { _entities(representations: $r) { ... on Territory { engineering {
      supports(first: 200) { totalCount nodes { reference date } } } } } }`;
    const pageBefore = await run(sg, PAGE, { r: [{ __typename: 'Territory', id: T }] });
    await sg.prepared.database.db.transaction().execute((trx) => engineering.load(trx));
    const operatorAfter = await sg.prepared.database.db
      .selectFrom('engineering_record')
      .selectAll()
      .where('origin', '=', 'OPERATOR')
      .orderBy('reference')
      .execute();
    expect(operatorAfter).toEqual(operatorBefore);
    expect(await countRows(sg, { origin: 'SAMPLE' })).toBe(SAMPLE.length);
    const pageAfter = await run(sg, PAGE, { r: [{ __typename: 'Territory', id: T }] });
    expect(pageAfter).toEqual(pageBefore);
    const datasets = await sg.prepared.database.db.selectFrom('dataset').select(['id', 'nature']).execute();
    expect(datasets).toContainEqual({ id: 'banque-des-territoires-declarations', nature: 'REAL' });
  });
});
