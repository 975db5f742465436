// France Travail's writes of recruitment actions: mutations through the subgraph with real signed tokens
// (test/support/token.ts), idempotence, conflicts, field-by-field validation, transactions, aggregates,
// sample reloads, authorization. The same writes over HTTP through the gateway: concurrency.test.ts.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type Result, type TestSubgraph } from '../../../test/support/harness.ts';
import { signToken, TEST_JWT_ENV, type TokenClaims } from '../../../test/support/token.ts';
import { verifyAuthorization, type Identity } from '../../runtime/auth.ts';
import { importCsv } from '../../runtime/import.ts';
import type { Row } from '../../runtime/records.ts';
import { createOne } from '../../runtime/writes.ts';
import { CATALOGUE } from '../catalogue.ts';
import type { RecruitmentDB } from '../db.ts';
import { load } from '../load.ts';
import { actionRecord } from '../records.ts';
import type { RecruitmentContext } from '../resolvers.ts';
import recruitment from '../subgraph.ts';
import type { Kysely } from 'kysely';

const ENV = { ...TEST_JWT_ENV } as NodeJS.ProcessEnv;

const sign = (claims: TokenClaims) => signToken({ operator: 'FRANCE_TRAVAIL', scope: 'recruitment:write', ...claims });
const writerToken = () => sign({ scope: 'recruitment:read recruitment:write' });

let sub: TestSubgraph<RecruitmentContext>;
beforeAll(async () => {
  sub = await startTestSubgraph(recruitment);
}, 120_000);
afterAll(async () => {
  await sub?.stop();
});

const db = () => sub.prepared.database.db as unknown as Kysely<RecruitmentDB>;

/** Runs an operation through the subgraph's Apollo server with the caller's token (as the gateway forwards it). */
async function run<T = unknown>(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await sub.prepared.apollo.executeOperation(
    { query, variables },
    {
      contextValue: {
        ...recruitment.context(sub.prepared.database),
        identity: () => verifyAuthorization(token ? `Bearer ${token}` : undefined, ENV),
      },
    },
  );
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  return response.body.singleResult as Omit<Result<T>, 'statements'>;
}

/** What a create or update answers (the action's fields as each test reads them). */
interface Written {
  created: boolean;
  updated: boolean;
  action: Record<string, unknown>;
}
type Created = { createRecruitmentAction: Written };
type Updated = { updateRecruitmentAction: Written };
type Deleted = { deleteRecruitmentAction: { reference: string; deleted: boolean } };

/** A snapshot of the whole action table: a refused write must leave it identical. */
async function snapshot() {
  const rows = await db().selectFrom('recruitment_action').selectAll().orderBy('reference').execute();
  return {
    count: rows.length,
    digest: createHash('sha256').update(JSON.stringify(rows)).digest('hex'),
    operator: rows.filter((r) => r.origin === 'OPERATOR').map((r) => JSON.stringify(r)),
  };
}

const ACTION = `reference service { id } title date year status participants hires companies nafCode sector employer { siren name } origin dataset { id nature publisher licence }`;
const CREATE = `mutation($input: RecruitmentActionInput!) { createRecruitmentAction(input: $input) { created updated action { ${ACTION} } } }`;
const UPDATE = `mutation($reference: ID!, $patch: RecruitmentActionPatch!) { updateRecruitmentAction(reference: $reference, patch: $patch) { created updated action { ${ACTION} } } }`;
const DELETE = `mutation($reference: ID!) { deleteRecruitmentAction(reference: $reference) { reference deleted } }`;

const input = (reference: string, extra: Record<string, unknown> = {}) => ({
  reference,
  territoryId: '2023-2027:ti-8412',
  serviceId: 'recruitment:job-dating',
  title: 'Job dating industrie – Travail des métaux (Gex)',
  date: '2024-05-14',
  status: 'COMPLETED',
  participants: 42,
  hires: 9,
  companies: 11,
  nafCode: '25.62B',
  sector: 'Travail des métaux',
  ...extra,
});

const slice = (body: string) =>
  `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id recruitment { ${body} } } } }`;
const ref = (id: string) => ({ r: [{ __typename: 'Territory', id }] });

describe('recruitment action mutations', () => {
  it('creates an action, idempotently by reference, labelled OPERATOR with a REAL dataset', async () => {
    const token = await writerToken();
    const first = await run<Created>(
      CREATE,
      { input: input('FT-DECL-T-0001', { employerSiren: '356541953', employerName: 'Atelier Gex SAS' }) },
      token,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.createRecruitmentAction).toMatchObject({
      created: true,
      updated: false,
      action: {
        reference: 'FT-DECL-T-0001',
        service: { id: 'recruitment:job-dating' },
        year: 2024,
        participants: 42,
        hires: 9,
        employer: { siren: '356541953', name: 'Atelier Gex SAS' },
        origin: 'OPERATOR',
        dataset: {
          id: 'recruitment-actions-france-travail',
          nature: 'REAL',
          publisher: 'France Travail',
          licence: 'Licence Ouverte / Etalab 2.0 (declared by the operator)',
        },
      },
    });
    const again = await run<Created>(
      CREATE,
      { input: input('FT-DECL-T-0001', { employerSiren: '356541953', employerName: 'Atelier Gex SAS' }) },
      token,
    );
    expect(again.errors).toBeUndefined();
    expect(again.data!.createRecruitmentAction.created).toBe(false);
    expect(again.data!.createRecruitmentAction.action).toEqual(first.data!.createRecruitmentAction.action);
    expect(
      await db()
        .selectFrom('recruitment_action')
        .select('reference')
        .where('reference', '=', 'FT-DECL-T-0001')
        .execute(),
    ).toHaveLength(1);
    // Reads stay open without a token, and the declared action is listed with the sample ones.
    const read = await sub.execute<{
      _entities: {
        recruitment: { actions: { nodes: { origin: string; dataset: { nature: string } }[] }; datasets: unknown[] };
      }[];
    }>(
      slice('actions(first: 200, year: 2024) { nodes { reference origin dataset { nature } } } datasets { id nature }'),
      ref('2023-2027:ti-8412'),
    );
    expect(read.errors).toBeUndefined();
    const r = read.data!._entities[0]!.recruitment;
    expect(r.actions.nodes).toContainEqual({
      reference: 'FT-DECL-T-0001',
      origin: 'OPERATOR',
      dataset: { nature: 'REAL' },
    });
    expect(r.actions.nodes.some((n) => n.origin === 'SAMPLE' && n.dataset.nature === 'SAMPLE')).toBe(true);
    expect(r.datasets).toContainEqual({ id: 'recruitment-actions-france-travail', nature: 'REAL' });
  });

  it('refuses other values for an existing reference (CONFLICT) and leaves the table unchanged', async () => {
    const token = await writerToken();
    await run(CREATE, { input: input('FT-DECL-T-0002') }, token);
    const before = await snapshot();
    const res = await run(CREATE, { input: input('FT-DECL-T-0002', { participants: 50 }) }, token);
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.message).toContain('already exists with other values');
    expect(await snapshot()).toEqual(before);
  });

  it('reports every invalid field, field by field, and writes nothing', async () => {
    const token = await writerToken();
    const before = await snapshot();
    const res = await run(
      CREATE,
      {
        input: input('FT-DECL-T-0003', {
          territoryId: 'nowhere',
          serviceId: 'financing:fonds-acceleration',
          date: '2024-13-01',
          participants: -1,
          nafCode: 'abc',
          employerSiren: '123456789',
          employerName: 'X',
          title: '',
        }),
      },
      token,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = Object.fromEntries(
      (res.errors![0]!.extensions!.fields as { field: string; message: string }[]).map((p) => [p.field, p.message]),
    );
    expect(Object.keys(fields).sort()).toEqual([
      'date',
      'employerSiren',
      'nafCode',
      'participants',
      'serviceId',
      'territoryId',
      'title',
    ]);
    expect(fields.date).toBe('"2024-13-01" is not a date (YYYY-MM-DD)');
    expect(fields.participants).toBe('-1 is below the minimum of 0');
    expect(fields.serviceId).toContain("is not a service of France Travail's catalogue");
    expect(fields.title).toBe('is required');
    expect(res.errors![0]!.message).toMatch(/^invalid action: /);
    expect(await snapshot()).toEqual(before);

    // Referential and cross-field checks once the types are right.
    const cases: [Record<string, unknown>, string, string][] = [
      [{ territoryId: '2023-2027:ti-9999' }, 'territoryId', 'is not a territory of phase 2023-2027'],
      [{ territoryId: '2019-2022:ti-8401', date: '2024-05-14' }, 'date', 'outside phase 2019-2022'],
      [{ date: '2031-01-01' }, 'date', 'outside the years 2019–2027'],
      [{ hires: 50 }, 'hires', 'hires cannot exceed participants'],
      [{ employerSiren: '356541953' }, 'employerName', 'give both or neither'],
    ];
    for (const [extra, field, message] of cases) {
      const r = await run(CREATE, { input: input('FT-DECL-T-0004', extra) }, token);
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(extra)).toBe('BAD_USER_INPUT');
      expect(r.errors![0]!.extensions!.fields).toContainEqual({ field, message: expect.stringContaining(message) });
    }
    // A sample reference is not the operator's to write: FORBIDDEN naming the key, like every sample record.
    const reserved = await run(CREATE, { input: input('FT-2023-8412-JOB-0007') }, token);
    expect(reserved.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'reference' });
    expect(reserved.errors![0]!.message).toContain("reserved for the hub's sample actions");
    expect(await snapshot()).toEqual(before);
  });

  it('updates the given fields, validates the merged record, and refuses unknown or sample references', async () => {
    const token = await writerToken();
    await run(CREATE, { input: input('FT-DECL-T-0005') }, token);
    const res = await run<Updated>(
      UPDATE,
      {
        reference: 'FT-DECL-T-0005',
        patch: { title: 'Job dating industrie (reporté)', date: '2025-03-02', status: 'IN_PROGRESS' },
      },
      token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateRecruitmentAction).toMatchObject({
      created: false,
      updated: true,
      action: {
        title: 'Job dating industrie (reporté)',
        date: '2025-03-02',
        year: 2025,
        status: 'IN_PROGRESS',
        participants: 42,
      },
    });
    const same = await run<Updated>(UPDATE, { reference: 'FT-DECL-T-0005', patch: { status: 'IN_PROGRESS' } }, token);
    expect(same.errors).toBeUndefined();
    expect(same.data!.updateRecruitmentAction.updated).toBe(false);

    const before = await snapshot();
    const bad = await run(UPDATE, { reference: 'FT-DECL-T-0005', patch: { hires: 100, title: null } }, token);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions!.fields).toContainEqual({ field: 'title', message: 'is required' });
    const missing = await run(UPDATE, { reference: 'FT-DECL-NOPE', patch: { title: 'x' } }, token);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const sample = (
      await db()
        .selectFrom('recruitment_action')
        .select('reference')
        .where('origin', '=', 'SAMPLE')
        .limit(1)
        .executeTakeFirstOrThrow()
    ).reference;
    const onSample = await run(UPDATE, { reference: sample, patch: { title: 'hijacked' } }, token);
    expect(onSample.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'reference' });
    const deleteSample = await run(DELETE, { reference: sample }, token);
    expect(deleteSample.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'reference' });
    expect(await snapshot()).toEqual(before);
  });

  it('deletes, and deleting twice is harmless', async () => {
    const token = await writerToken();
    await run(CREATE, { input: input('FT-DECL-T-0006') }, token);
    expect((await run<Deleted>(DELETE, { reference: 'FT-DECL-T-0006' }, token)).data!.deleteRecruitmentAction).toEqual({
      reference: 'FT-DECL-T-0006',
      deleted: true,
    });
    expect((await run<Deleted>(DELETE, { reference: 'FT-DECL-T-0006' }, token)).data!.deleteRecruitmentAction).toEqual({
      reference: 'FT-DECL-T-0006',
      deleted: false,
    });
    expect(
      await db()
        .selectFrom('recruitment_action')
        .select('reference')
        .where('reference', '=', 'FT-DECL-T-0006')
        .execute(),
    ).toEqual([]);
  });

  it("shows a create in the territory's summary, services, totals and mobilised list, and a delete removes it", async () => {
    const token = await writerToken();
    const none = await sub.execute<{ recruitmentTerritories: { id: string }[] }>(
      '{ recruitmentTerritories(phase: PHASE_2023_2027, mobilised: false) { id } }',
    );
    const id: string = none.data!.recruitmentTerritories[0]!.id;
    type Key = { key?: string; id?: string };
    const figures = async () => {
      const res = await sub.execute<{
        _entities: { recruitment: { summary: unknown; services: { beneficiaryCount: number }[] } }[];
      }>(
        slice(
          'summary { mobilised serviceCount recordCount } services { service { id } recordCount beneficiaryCount firstDate lastDate dataset { id nature } }',
        ),
        ref(id),
      );
      const totals = await sub.execute<{ recruitmentTotals: Key[]; yes: Key[] }>(
        '{ recruitmentTotals(by: TERRITORY, phase: PHASE_2023_2027) { key recordCount beneficiaryCount } yes: recruitmentTerritories(phase: PHASE_2023_2027, mobilised: true) { id } }',
      );
      return {
        ...res.data!._entities[0]!.recruitment,
        total: totals.data!.recruitmentTotals.find((t) => t.key === id) ?? null,
        listed: totals.data!.yes.some((t) => t.id === id),
      };
    };
    expect(await figures()).toEqual({
      summary: { mobilised: false, serviceCount: 0, recordCount: 0 },
      services: [],
      total: null,
      listed: false,
    });

    const created = await run(
      CREATE,
      {
        input: input('FT-DECL-T-0007', {
          territoryId: id,
          serviceId: 'recruitment:formation',
          participants: 12,
          hires: 8,
        }),
      },
      token,
    );
    expect(created.errors).toBeUndefined();
    expect(await figures()).toEqual({
      summary: { mobilised: true, serviceCount: 1, recordCount: 1 },
      services: [
        {
          service: { id: 'recruitment:formation' },
          recordCount: 1,
          beneficiaryCount: 12,
          firstDate: '2024-05-14',
          lastDate: '2024-05-14',
          dataset: { id: 'recruitment-actions-france-travail', nature: 'REAL' },
        },
      ],
      total: { key: id, recordCount: 1, beneficiaryCount: 12 },
      listed: true,
    });

    await run(UPDATE, { reference: 'FT-DECL-T-0007', patch: { participants: 20 } }, token);
    expect((await figures()).services[0]!.beneficiaryCount).toBe(20);

    expect(
      (await run<Deleted>(DELETE, { reference: 'FT-DECL-T-0007' }, token)).data!.deleteRecruitmentAction.deleted,
    ).toBe(true);
    expect(await figures()).toEqual({
      summary: { mobilised: false, serviceCount: 0, recordCount: 0 },
      services: [],
      total: null,
      listed: false,
    });
  });

  it('keeps nothing when the write fails inside its transaction (afterWrite failure, constraint error mid-import)', async () => {
    const identity: Identity = { subject: 'test', operator: 'FRANCE_TRAVAIL', scopes: ['recruitment:write'] };
    const ctx = { ...recruitment.context(sub.prepared.database), identity: async () => identity };
    const before = await snapshot();
    await expect(
      createOne(
        ctx,
        {
          ...actionRecord,
          afterWrite: async () => {
            throw new Error('simulated failure after the insert');
          },
        },
        input('FT-DECL-T-0008'),
      ),
    ).rejects.toThrow('simulated failure after the insert');
    expect(await snapshot()).toEqual(before);

    // An import that first updates an existing declared action, then hits a CHECK constraint on an insert.
    await run(CREATE, { input: input('FT-DECL-T-0009') }, await writerToken());
    const seeded = await snapshot();
    const broken = {
      ...actionRecord,
      toRow: (v: Row) => ({
        ...actionRecord.toRow(v),
        ...(v.reference === 'FT-DECL-T-0010' ? { origin: 'BROKEN' } : {}),
      }),
    };
    const header = actionRecord.fields.map((f) => f.name).join(',');
    const row = (reference: string, title: string) =>
      `${reference},2023-2027:ti-8412,recruitment:job-dating,${title},2024-05-14,COMPLETED,42,9,11,25.62B,Travail des métaux,,`;
    await expect(
      importCsv(
        db(),
        broken,
        [header, row('FT-DECL-T-0009', 'Titre modifié'), row('FT-DECL-T-0010', 'Nouvelle action')].join('\n'),
      ),
    ).rejects.toThrow();
    expect(await snapshot()).toEqual(seeded);
    expect(
      (
        await db()
          .selectFrom('recruitment_action')
          .select('title')
          .where('reference', '=', 'FT-DECL-T-0009')
          .executeTakeFirstOrThrow()
      ).title,
    ).toBe('Job dating industrie – Travail des métaux (Gex)');
  });

  it('keeps declared actions across a sample reload, which replaces the sample only', async () => {
    await run(CREATE, { input: input('FT-DECL-T-0011') }, await writerToken());
    const before = await snapshot();
    const sampleBefore = await db()
      .selectFrom('recruitment_action')
      .select('reference')
      .where('origin', '=', 'SAMPLE')
      .orderBy('reference')
      .execute();
    await db()
      .transaction()
      .execute((trx) => load(trx));
    const after = await snapshot();
    expect(after).toEqual(before);
    expect(after.operator.some((r) => r.includes('FT-DECL-T-0011'))).toBe(true);
    expect(
      await db()
        .selectFrom('recruitment_action')
        .select('reference')
        .where('origin', '=', 'SAMPLE')
        .orderBy('reference')
        .execute(),
    ).toEqual(sampleBefore);
    const datasets = await sub.execute<{ recruitmentDatasets: unknown[] }>(
      '{ recruitmentDatasets { id nature publisher } }',
    );
    expect(datasets.data!.recruitmentDatasets).toContainEqual({
      id: 'recruitment-actions-france-travail',
      nature: 'REAL',
      publisher: 'France Travail',
    });
  }, 120_000);
});

describe('authorization of writes', () => {
  const refused: [string, () => Promise<string | undefined>, string, string][] = [
    ['no token', async () => undefined, 'UNAUTHENTICATED', 'writing requires a token'],
    [
      'an expired token',
      () => sign({ expiresAt: Math.floor(Date.now() / 1000) - 60 }),
      'UNAUTHENTICATED',
      'token expired',
    ],
    [
      'a forged signature',
      () => sign({ secret: 'another-secret-of-at-least-32-characters!!' }),
      'UNAUTHENTICATED',
      'token signature is invalid',
    ],
    [
      'a token of another operator',
      () => sign({ operator: 'BPIFRANCE', scope: 'recruitment:write financing:write' }),
      'FORBIDDEN',
      'these records belong to FRANCE_TRAVAIL',
    ],
    [
      'the right operator without the scope',
      () => sign({ scope: 'recruitment:read' }),
      'FORBIDDEN',
      'lacks the scope "recruitment:write"',
    ],
  ];

  for (const [label, token, code, message] of refused) {
    it(`refuses ${label} (${code}) on every mutation and writes nothing`, async () => {
      const t = await token();
      // One existing declared action, so that refused updates and deletes would have something to change.
      await run(CREATE, { input: input('FT-DECL-AUTH-0001') }, await writerToken());
      const before = await snapshot();
      const results = [
        await run(CREATE, { input: input('FT-DECL-AUTH-0002') }, t),
        await run(UPDATE, { reference: 'FT-DECL-AUTH-0001', patch: { title: 'changed' } }, t),
        await run(DELETE, { reference: 'FT-DECL-AUTH-0001' }, t),
      ];
      for (const res of results) {
        expect(res.errors?.[0]?.extensions?.code).toBe(code);
        expect(res.errors?.[0]?.message).toContain(message);
        expect(res.data).toBeNull();
      }
      expect(await snapshot()).toEqual(before);
    });
  }

  it('accepts the right operator with the scope, and reads need no token', async () => {
    const token = await writerToken();
    const res = await run<Created>(CREATE, { input: input('FT-DECL-AUTH-0003') }, token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.createRecruitmentAction.created).toBe(true);
    const read = await run<{ recruitmentCatalogue: { id: string }[] }>('{ recruitmentCatalogue { id } }');
    expect(read.errors).toBeUndefined();
    expect(read.data!.recruitmentCatalogue.map((s) => s.id)).toEqual(CATALOGUE.map((s) => s.id));
  });
});
