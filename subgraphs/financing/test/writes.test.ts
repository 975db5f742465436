// Bpifrance's writes: createFinancing / updateFinancing / deleteFinancing with a real HS256 JWT (jose), field-by-field
// validation, idempotence, aggregates and pagination kept right, one transaction per write, authorization matrix.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type Result, type TestSubgraph } from '../../../test/support/harness.ts';
import type { FinancingContext } from '../resolvers.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { verifyAuthorization } from '../../runtime/auth.ts';
import { createOne } from '../../runtime/writes.ts';
import { financingRecord } from '../records.ts';
import financing from '../subgraph.ts';

const env = { ...TEST_JWT_ENV } as NodeJS.ProcessEnv;
const T = '2023-2027:ti-8412';

const token = ({ operator = 'BPIFRANCE', scope = 'financing:write', ...rest }: Parameters<typeof signToken>[0] = {}) =>
  signToken({ operator, scope, ...rest });

let sg: TestSubgraph<FinancingContext>;
let writer: string;
beforeAll(async () => {
  sg = await startTestSubgraph(financing);
  writer = await token();
});
afterAll(async () => {
  await sg?.stop();
});

/** The per-request context the HTTP server builds: the caller's token verified on first use. */
function context(bearer?: string) {
  return {
    ...financing.context(sg.prepared.database),
    identity: () => verifyAuthorization(bearer ? `Bearer ${bearer}` : undefined, env),
  };
}

/** A write mutation's answer, as these tests read it. */
interface WriteAnswer {
  reference?: string;
  created?: boolean;
  updated?: boolean;
  deleted?: boolean;
  [field: string]: unknown;
}
interface FieldProblem {
  field: string;
  message: string;
}

async function run<T = Record<string, WriteAnswer>>(
  query: string,
  variables: Record<string, unknown> = {},
  bearer?: string,
) {
  const response = await sg.prepared.apollo.executeOperation({ query, variables }, { contextValue: context(bearer) });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  return response.body.singleResult as {
    data?: T | null;
    errors?: { message: string; extensions?: { code?: string; fields?: FieldProblem[] } }[];
  };
}

const RESULT =
  'created updated financing { reference company { siren name naf } service { id } instrument amountEur date year status dataset { id nature publisher licence } }';
const CREATE = `mutation($input: FinancingInput!) { createFinancing(input: $input) { ${RESULT} } }`;
const UPDATE = `mutation($reference: ID!, $patch: FinancingPatch!) { updateFinancing(reference: $reference, patch: $patch) { ${RESULT} } }`;
const DELETE = 'mutation($reference: ID!) { deleteFinancing(reference: $reference) { reference deleted } }';

const input = (overrides: Record<string, unknown> = {}) => ({
  reference: 'TEST-BPI-0001',
  territoryId: T,
  companySiren: '512345604',
  companyName: 'Décolletage du Genevois (test)',
  companyNaf: '25.62B',
  serviceId: 'financing:fonds-propres',
  instrument: 'EQUITY',
  amountEur: 1_234_567,
  date: '2024-06-15',
  status: 'GRANTED',
  ...overrides,
});

async function count(where: { reference?: string; origin?: string } = {}): Promise<number> {
  let q = sg.prepared.database.db.selectFrom('financing').select(sql<number>`count(*)`.as('n'));
  if (where.reference) q = q.where('reference', '=', where.reference);
  if (where.origin) q = q.where('origin', '=', where.origin);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

const SLICE = `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { financing {
  summary { recordCount amountEur serviceCount }
  services { service { id } recordCount amountEur beneficiaryCount dataset { id } }
  datasets { id nature }
} } } }`;
/** The SLICE answer for one territory. */
interface SliceAnswer {
  summary: { recordCount: number; amountEur: number; serviceCount: number };
  services: { service: { id: string }; recordCount: number; amountEur: number }[];
  datasets: { id: string; nature: string }[];
}
async function slice(id = T) {
  const r = await sg.execute<{ _entities: { financing: SliceAnswer }[] }>(SLICE, {
    r: [{ __typename: 'Territory', id }],
  });
  expect(r.errors).toBeUndefined();
  return r.data!._entities[0]!.financing;
}

interface FinancingPage {
  totalCount: number;
  nodes: { reference: string; date: string; company: { name: string }; dataset: { id: string; nature: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every financing of a territory, walking the pages. */
async function allFinancings(id = T) {
  const nodes: FinancingPage['nodes'] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const r: Result<{ _entities: { financing: { financings: FinancingPage } }[] }> = await sg.execute(
      `query($r:[_Any!]!, $after: String){ _entities(representations:$r){ ... on Territory { financing {
      financings(first: 9, after: $after) { totalCount nodes { reference date company { name } dataset { id nature } } pageInfo { hasNextPage endCursor } } } } } }`,
      { r: [{ __typename: 'Territory', id }], after },
    );
    expect(r.errors).toBeUndefined();
    const page = r.data!._entities[0]!.financing.financings;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return { nodes, totalCount: page.totalCount };
    after = page.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

describe('createFinancing / updateFinancing / deleteFinancing', () => {
  it('a create shows in the summary, services, datasets and pages of the territory; a delete removes it', async () => {
    const before = await slice();
    const created = await run(CREATE, { input: input() }, writer);
    expect(created.errors).toBeUndefined();
    expect(created.data!.createFinancing!).toMatchObject({
      created: true,
      updated: false,
      financing: {
        reference: 'TEST-BPI-0001',
        company: { siren: '512345604', name: 'Décolletage du Genevois (test)', naf: '25.62B' },
        service: { id: 'financing:fonds-propres' },
        instrument: 'EQUITY',
        amountEur: 1_234_567,
        date: '2024-06-15',
        year: 2024,
        status: 'GRANTED',
        dataset: {
          id: 'bpifrance-financements-declares',
          nature: 'REAL',
          publisher: 'Bpifrance',
          licence: 'Licence Ouverte / Etalab 2.0 (declared by the operator)',
        },
      },
    });

    const after = await slice();
    expect(after.summary.recordCount).toBe(before.summary.recordCount + 1);
    expect(after.summary.amountEur).toBeCloseTo(before.summary.amountEur + 1_234_567, 2);
    const service = (s: { services: { service: { id: string }; recordCount: number; amountEur: number }[] }) =>
      s.services.find((x) => x.service.id === 'financing:fonds-propres');
    expect(service(after)!.recordCount).toBe((service(before)?.recordCount ?? 0) + 1);
    expect(service(after)!.amountEur).toBeCloseTo((service(before)?.amountEur ?? 0) + 1_234_567, 2);
    expect(after.datasets.map((d: { id: string }) => d.id)).toContain('bpifrance-financements-declares');
    expect(before.datasets.map((d: { id: string }) => d.id)).not.toContain('bpifrance-financements-declares');

    // Pagination: the declared record sits among the sample in date order, every record once.
    const { nodes, totalCount } = await allFinancings();
    expect(nodes).toHaveLength(totalCount);
    expect(new Set(nodes.map((n) => n.reference)).size).toBe(totalCount);
    expect(nodes.map((n) => n.date)).toEqual(nodes.map((n) => n.date).sort());
    const mine = nodes.find((n) => n.reference === 'TEST-BPI-0001');
    expect(mine).toMatchObject({
      company: { name: 'Décolletage du Genevois (test)' },
      dataset: { id: 'bpifrance-financements-declares', nature: 'REAL' },
    });
    expect(nodes.filter((n) => n.reference !== 'TEST-BPI-0001').every((n) => n.dataset.nature === 'SAMPLE')).toBe(true);

    const deleted = await run(DELETE, { reference: 'TEST-BPI-0001' }, writer);
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data!.deleteFinancing!).toEqual({ reference: 'TEST-BPI-0001', deleted: true });
    expect(await slice()).toEqual(before);
    const again = await run(DELETE, { reference: 'TEST-BPI-0001' }, writer);
    expect(again.data!.deleteFinancing!).toEqual({ reference: 'TEST-BPI-0001', deleted: false });
  });

  it('is idempotent by reference: the same values → created: false; other values → CONFLICT, table unchanged', async () => {
    const first = await run(CREATE, { input: input({ reference: 'TEST-BPI-0002' }) }, writer);
    expect(first.data!.createFinancing!.created).toBe(true);
    const rows = await count();
    const same = await run(CREATE, { input: input({ reference: 'TEST-BPI-0002' }) }, writer);
    expect(same.errors).toBeUndefined();
    expect(same.data!.createFinancing!).toMatchObject({
      created: false,
      financing: { reference: 'TEST-BPI-0002', amountEur: 1_234_567 },
    });
    const conflict = await run(CREATE, { input: input({ reference: 'TEST-BPI-0002', amountEur: 99 }) }, writer);
    expect(conflict.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(conflict.errors?.[0]?.message).toMatch(/already exists with other values/);
    expect(await count()).toBe(rows);
    const stored = await sg.prepared.database.db
      .selectFrom('financing')
      .selectAll()
      .where('reference', '=', 'TEST-BPI-0002')
      .executeTakeFirstOrThrow();
    expect(Number(stored.amount_eur)).toBe(1_234_567);
    expect(stored.origin).toBe('OPERATOR');
    await run(DELETE, { reference: 'TEST-BPI-0002' }, writer);
  });

  it('validation errors say field by field what is wrong, and write nothing', async () => {
    const rows = await count();
    const bad = await run(
      CREATE,
      {
        input: input({
          reference: 'TEST-BPI-0003',
          amountEur: -5,
          companySiren: '123456789',
          date: '2024-13-01',
          serviceId: 'recruitment:job-dating',
          companyNaf: 'usinage',
        }),
      },
      writer,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = Object.fromEntries(bad.errors![0]!.extensions!.fields!.map((f) => [f.field, f.message]));
    expect(Object.keys(fields).sort()).toEqual(['amountEur', 'companyNaf', 'companySiren', 'date', 'serviceId']);
    expect(fields.amountEur).toMatch(/below the minimum of 0/);
    expect(fields.companySiren).toMatch(/not a valid SIREN/);
    expect(fields.serviceId).toMatch(/not one of financing:/);

    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ territoryId: '2023-2027:ti-9999' }, 'territoryId', /not a territory of phase 2023-2027/],
      [{ territoryId: 'ti-8412' }, 'territoryId', /not a territory id/],
      [{ territoryId: '2019-2022:ti-8401', date: '2024-06-15' }, 'date', /outside the years of phase 2019-2022/],
      [{ date: '2031-01-01' }, 'date', /outside the years 2019–2027/],
      [{ reference: 'x' }, 'reference', /3 to 40 letters/],
    ];
    for (const [overrides, field, message] of cases) {
      const r = await run(CREATE, { input: input({ reference: 'TEST-BPI-0003', ...overrides }) }, writer);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors![0]!.extensions!.fields).toEqual([{ field, message: expect.stringMatching(message) }]);
    }
    // Type and referential problems of one input come together, in one answer.
    const both = await run(
      CREATE,
      { input: input({ reference: 'TEST-BPI-0003', amountEur: -5, territoryId: '2023-2027:ti-9999' }) },
      writer,
    );
    expect(both.errors![0]!.extensions!.fields!.map((f) => f.field).sort()).toEqual(['amountEur', 'territoryId']);
    // A sample reference is not the operator's to write: FORBIDDEN naming the key, like every sample record.
    const reserved = await run(CREATE, { input: input({ reference: 'BPI-FIN-2023-8412-0001' }) }, writer);
    expect(reserved.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'reference' });
    expect(reserved.errors?.[0]?.message).toMatch(/reserved/);
    expect(await count()).toBe(rows);
  });

  it('updateFinancing changes the fields given, keeps the aggregates right, refuses bad patches and sample records', async () => {
    await run(CREATE, { input: input({ reference: 'TEST-BPI-0004', status: 'REQUESTED', amountEur: 50_000 }) }, writer);
    const before = await slice();
    const granted = await run(
      UPDATE,
      { reference: 'TEST-BPI-0004', patch: { status: 'PAID', amountEur: 60_000 } },
      writer,
    );
    expect(granted.errors).toBeUndefined();
    expect(granted.data!.updateFinancing!).toMatchObject({
      created: false,
      updated: true,
      financing: { status: 'PAID', amountEur: 60_000 },
    });
    const after = await slice();
    expect(after.summary.recordCount).toBe(before.summary.recordCount + 1);
    expect(after.summary.amountEur).toBeCloseTo(before.summary.amountEur + 60_000, 2);

    const unchanged = await run(UPDATE, { reference: 'TEST-BPI-0004', patch: { status: 'PAID' } }, writer);
    expect(unchanged.data!.updateFinancing!.updated).toBe(false);

    // Moving it to another territory and date: both territories stay in date order.
    const moved = await run(
      UPDATE,
      { reference: 'TEST-BPI-0004', patch: { territoryId: '2023-2027:ti-8402', date: '2023-02-01' } },
      writer,
    );
    expect(moved.errors).toBeUndefined();
    for (const id of [T, '2023-2027:ti-8402']) {
      const { nodes } = await allFinancings(id);
      expect(nodes.map((n) => n.date)).toEqual(nodes.map((n) => n.date).sort());
      expect(nodes.some((n) => n.reference === 'TEST-BPI-0004')).toBe(id === '2023-2027:ti-8402');
    }

    const bad = await run(
      UPDATE,
      { reference: 'TEST-BPI-0004', patch: { amountEur: -1, instrument: 'LOAN', date: '2019-01-01' } },
      writer,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions!.fields).toEqual([
      { field: 'amountEur', message: expect.stringMatching(/below the minimum/) },
    ]);
    const outside = await run(UPDATE, { reference: 'TEST-BPI-0004', patch: { date: '2019-01-01' } }, writer);
    expect(outside.errors![0]!.extensions!.fields).toEqual([
      { field: 'date', message: expect.stringMatching(/outside the years of phase 2023-2027/) },
    ]);
    const missing = await run(UPDATE, { reference: 'TEST-BPI-NONE', patch: { status: 'PAID' } }, writer);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const sampleRef = (await allFinancings()).nodes.find((n) => n.dataset.nature === 'SAMPLE')!.reference;
    const sample = await run(UPDATE, { reference: sampleRef, patch: { amountEur: 1 } }, writer);
    expect(sample.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'reference' });
    const sampleDelete = await run(DELETE, { reference: sampleRef }, writer);
    expect(sampleDelete.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'reference' });
    expect(await count({ reference: sampleRef })).toBe(1);

    const stored = await sg.prepared.database.db
      .selectFrom('financing')
      .selectAll()
      .where('reference', '=', 'TEST-BPI-0004')
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      territory_id: '2023-2027:ti-8402',
      date: '2023-02-01',
      year: 2023,
      status: 'PAID',
      instrument: 'EQUITY',
    });
    await run(DELETE, { reference: 'TEST-BPI-0004' }, writer);
  });

  it('declared financings survive a sample reload, still in date order, with the sample unchanged', async () => {
    await run(CREATE, { input: input({ reference: 'TEST-BPI-0005' }) }, writer);
    const sampleRows = await count({ origin: 'SAMPLE' });
    const before = await allFinancings();
    const { db } = sg.prepared.database;
    await db.transaction().execute((trx) => financing.load(trx));
    expect(await count({ origin: 'SAMPLE' })).toBe(sampleRows);
    expect(await count({ origin: 'OPERATOR' })).toBe(1);
    const after = await allFinancings();
    expect(after).toEqual(before);
    const datasets = await db
      .selectFrom('dataset')
      .select(['id', 'nature', 'publisher'])
      .where('id', '=', 'bpifrance-financements-declares')
      .execute();
    expect(datasets).toEqual([{ id: 'bpifrance-financements-declares', nature: 'REAL', publisher: 'Bpifrance' }]);
    await run(DELETE, { reference: 'TEST-BPI-0005' }, writer);
  });
});

describe('one transaction per write', () => {
  const ctx = () => context(writer);

  it('a failure in the derived-rows hook keeps nothing', async () => {
    const rows = await count();
    const failing = {
      ...financingRecord,
      afterWrite: async () => {
        throw new Error('simulated failure after the insert');
      },
    };
    await expect(createOne(ctx(), failing, input({ reference: 'TEST-BPI-0006' }))).rejects.toThrow(/simulated failure/);
    expect(await count()).toBe(rows);
    expect(await count({ reference: 'TEST-BPI-0006' })).toBe(0);
  });

  it('a constraint error mid-transaction (duplicate key in the hook) keeps nothing', async () => {
    const rows = await count();
    const duplicating = {
      ...financingRecord,
      afterWrite: async (
        trx: Parameters<NonNullable<typeof financingRecord.afterWrite>>[0],
        written: Record<string, unknown>[],
      ) => {
        await trx.insertInto('financing').values(written[0]!).execute();
      },
    };
    await expect(createOne(ctx(), duplicating, input({ reference: 'TEST-BPI-0007' }))).rejects.toThrow(
      /unique|duplicate/i,
    );
    expect(await count()).toBe(rows);
    expect(await count({ reference: 'TEST-BPI-0007' })).toBe(0);
  });
});

describe('authorization matrix (HS256 JWT verified by the runtime)', () => {
  it('refuses every caller but BPIFRANCE with financing:write, writing nothing; reads stay open', async () => {
    const refused: [string, string | undefined, string, RegExp][] = [
      ['no token', undefined, 'UNAUTHENTICATED', /requires a token/],
      [
        'expired token',
        await token({ expiresAt: Math.floor(Date.now() / 1000) - 60 }),
        'UNAUTHENTICATED',
        /token expired/,
      ],
      [
        'forged signature',
        await token({ secret: 'another-secret-of-at-least-32-characters!!' }),
        'UNAUTHENTICATED',
        /signature/,
      ],
      [
        'another operator',
        await token({ operator: 'FRANCE_TRAVAIL', scope: 'financing:write recruitment:write' }),
        'FORBIDDEN',
        /belong to BPIFRANCE/,
      ],
      [
        'without the scope',
        await token({ scope: 'recruitment:write financing:read' }),
        'FORBIDDEN',
        /lacks the scope "financing:write"/,
      ],
    ];
    await run(CREATE, { input: input({ reference: 'TEST-BPI-0008' }) }, writer);
    const rows = await count();
    for (const [label, bearer, code, message] of refused) {
      const attempts = [
        await run(CREATE, { input: input({ reference: 'TEST-BPI-0009' }) }, bearer),
        await run(UPDATE, { reference: 'TEST-BPI-0008', patch: { amountEur: 1 } }, bearer),
        await run(DELETE, { reference: 'TEST-BPI-0008' }, bearer),
      ];
      for (const r of attempts) {
        expect([label, r.errors?.[0]?.extensions?.code]).toEqual([label, code]);
        expect(r.errors![0]!.message).toMatch(message);
        expect(r.data).toBeNull();
      }
      expect(await count()).toBe(rows);
      const kept = await sg.prepared.database.db
        .selectFrom('financing')
        .select('amount_eur')
        .where('reference', '=', 'TEST-BPI-0008')
        .executeTakeFirstOrThrow();
      expect(Number(kept.amount_eur)).toBe(1_234_567);
    }

    const ok = await run(
      CREATE,
      { input: input({ reference: 'TEST-BPI-0009' }) },
      await token({ scope: 'financing:read financing:write' }),
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.createFinancing!.created).toBe(true);
    expect(await count()).toBe(rows + 1);

    // Reads need no token, and a reader's bad token does not matter to them.
    const read = await sg.execute(`{ financingCatalogue { id } }`);
    expect(read.errors).toBeUndefined();
    const open = await run<{ _entities: { financing: { summary: { recordCount: number } } }[] }>(SLICE, {
      r: [{ __typename: 'Territory', id: T }],
    });
    expect(open.errors).toBeUndefined();
    expect(open.data!._entities[0]!.financing.summary.recordCount).toBeGreaterThan(0);

    for (const reference of ['TEST-BPI-0008', 'TEST-BPI-0009']) await run(DELETE, { reference }, writer);
    expect(await count({ origin: 'OPERATOR' })).toBe(0);
  });
});
