// Territory-scoped writes the user's way: over HTTP through the gateway with real signed tokens, on the suite's dialect.
// The authorisation matrix (own territory, another territory, an operator, ANCT, no token, an expired token), a
// territory token against an operator's records, validation, atomicity, the kit's concurrency tests, the CSV import.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../../test/support/harness.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { recordWriteTests } from '../../../test/support/record-writes.ts';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { verifyAuthorization } from '../../runtime/auth.ts';
import { ImportRefused, importCsv } from '../../runtime/import.ts';
import type { Row } from '../../runtime/records.ts';
import { ROOT } from '../../runtime/registry.ts';
import { createOne } from '../../runtime/writes.ts';
import type { ProgrammeDB } from '../db.ts';
import { actionSheetRecord } from '../records.ts';
import programme from '../subgraph.ts';

const T = '2023-2027:ti-8412';
const OTHER = '2023-2027:ti-8402';
const SCOPE = 'actions:write';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories', 'programme', 'financing'], env: TEST_JWT_ENV });
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});
afterEach(() => hub?.settled());

const db = () => hub.subgraphs.get('programme')!.test.prepared.database.db as unknown as Kysely<ProgrammeDB>;
const tokens = {
  own: () => signToken({ territory: T, scope: SCOPE }),
  other: () => signToken({ territory: OTHER, scope: SCOPE }),
  anct: () => signToken({ operator: 'ANCT', scope: SCOPE }),
  operator: () => signToken({ operator: 'BPIFRANCE', scope: `${SCOPE} financing:write` }),
  noScope: () => signToken({ territory: T, scope: 'read' }),
  expired: () => signToken({ territory: T, scope: SCOPE, expiresAt: Math.floor(Date.now() / 1000) - 60 }),
};

interface Answer {
  created?: boolean;
  updated?: boolean;
  deleted?: boolean;
  actionSheet?: { id: string; territory: { id: string }; origin: string; axes: string[]; partners: string[] };
}
type Errors = {
  message: string;
  extensions?: { code?: string; field?: string; fields?: { field: string; message: string }[] };
}[];

async function gql(query: string, variables: Record<string, unknown>, token?: string) {
  return post<Record<string, Answer>>(
    hub.gatewayUrl,
    query,
    variables,
    token ? { authorization: `Bearer ${token}` } : {},
  );
}

const CREATE = `mutation($input: ActionSheetInput!) { createActionSheet(input: $input) { created updated actionSheet { id territory { id } origin axes partners } } }`;
const UPDATE = `mutation($id: ID!, $patch: ActionSheetPatch!) { updateActionSheet(id: $id, patch: $patch) { created updated actionSheet { id territory { id } } } }`;
const DELETE = `mutation($id: ID!) { deleteActionSheet(id: $id) { reference deleted } }`;

const input = (id: string, overrides: Row = {}): Row => ({
  id,
  territoryId: T,
  title: 'Plateforme mutualisée de recrutement — Décolletage (test)',
  description: 'Recrutement partagé entre les décolleteurs de la vallée (test).',
  axes: ['RECRUIT', 'INNOVATE'],
  status: 'IN_PROGRESS',
  holderKind: 'EPCI',
  holderName: 'CC Faucigny-Glières (test)',
  partners: ['France Travail', 'Région Auvergne-Rhône-Alpes'],
  startDate: '2024-02-01',
  endDate: '2026-06-30',
  budgetEur: 120_000,
  ...overrides,
});

async function stored(id: string) {
  return db().selectFrom('action_sheet').selectAll().where('id', '=', id).executeTakeFirst();
}
async function axesOf(id: string) {
  return (
    await db().selectFrom('action_sheet_axis').select('axis').where('sheet_id', '=', id).orderBy('axis').execute()
  ).map((r) => r.axis);
}
async function rowCounts() {
  const count = async (table: 'action_sheet' | 'action_sheet_axis' | 'contract' | 'governance') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    sheets: await count('action_sheet'),
    axes: await count('action_sheet_axis'),
    contracts: await count('contract'),
    governance: await count('governance'),
  };
}

describe('territory tokens', () => {
  it('verify only with a known territory, without an operator claim besides', async () => {
    const env = TEST_JWT_ENV as NodeJS.ProcessEnv;
    expect(await verifyAuthorization(`Bearer ${await tokens.own()}`, env)).toMatchObject({
      territory: T,
      scopes: [SCOPE],
    });
    expect((await verifyAuthorization(`Bearer ${await tokens.own()}`, env))!.operator).toBeUndefined();
    const cases: [Promise<string>, RegExp][] = [
      [
        signToken({ territory: '2023-2027:ti-9999', scope: SCOPE }),
        /"territory" claim "2023-2027:ti-9999" is not a territory of the programme/,
      ],
      [signToken({ territory: 'ti-8412', scope: SCOPE }), /is not a territory of the programme \(<phase>:<ANCT code>/],
      [
        signToken({ territory: T, operator: 'ANCT', scope: SCOPE }),
        /acts for an operator or for a territory, not both/,
      ],
      [signToken({ territory: 8412 as unknown as string, scope: SCOPE }), /"territory" claim 8412 is not a territory/],
    ];
    for (const [token, message] of cases) {
      const r = await gql(CREATE, { input: input('TEST-TOKEN-1') }, await token);
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(r.errors?.[0]?.message).toMatch(message);
    }
    expect(await stored('TEST-TOKEN-1')).toBeUndefined();
  });
});

describe('authorisation matrix of action sheets', () => {
  it('create: own territory and ANCT write; another territory, an operator, no token, an expired token, no scope are refused, writing nothing', async () => {
    const before = await rowCounts();
    const refusals: [string, string | undefined, string, RegExp][] = [
      [
        'another territory',
        await tokens.other(),
        'FORBIDDEN',
        /is of territory 2023-2027:ti-8412; this token writes territory 2023-2027:ti-8402 only/,
      ],
      [
        'an operator',
        await tokens.operator(),
        'FORBIDDEN',
        /token acts for BPIFRANCE; these records belong to the territory's own team or ANCT/,
      ],
      [
        'no token',
        undefined,
        'UNAUTHENTICATED',
        /writing requires a token: .*operator ANCT, or the claim "territory" of the action sheet's territory, and scope actions:write/,
      ],
      ['an expired token', await tokens.expired(), 'UNAUTHENTICATED', /token expired/],
      ['no scope', await tokens.noScope(), 'FORBIDDEN', /lacks the scope "actions:write"/],
    ];
    for (const [who, token, code, message] of refusals) {
      const r = await gql(CREATE, { input: input('TEST-MATRIX-1') }, token);
      expect([who, r.errors?.[0]?.extensions?.code]).toEqual([who, code]);
      expect(r.errors?.[0]?.message).toMatch(message);
      expect(r.data?.createActionSheet ?? null).toBeNull();
    }
    expect(await rowCounts()).toEqual(before);

    const own = await gql(CREATE, { input: input('TEST-MATRIX-1') }, await tokens.own());
    expect(own.errors).toBeUndefined();
    expect(own.data!.createActionSheet).toEqual({
      created: true,
      updated: false,
      actionSheet: {
        id: 'TEST-MATRIX-1',
        territory: { id: T },
        origin: 'DECLARED',
        axes: ['RECRUIT', 'INNOVATE'],
        partners: ['France Travail', 'Région Auvergne-Rhône-Alpes'],
      },
    });
    expect(await axesOf('TEST-MATRIX-1')).toEqual(['INNOVATE', 'RECRUIT']);
    const anct = await gql(CREATE, { input: input('TEST-MATRIX-2', { territoryId: OTHER }) }, await tokens.anct());
    expect(anct.errors).toBeUndefined();
    expect(anct.data!.createActionSheet!.actionSheet!.territory).toEqual({ id: OTHER });
  });

  it('update and delete: another territory and an operator cannot touch a sheet; its own territory cannot move it away; ANCT can', async () => {
    const before = await stored('TEST-MATRIX-1');
    expect(before).toBeDefined();
    for (const [who, token, code] of [
      ['another territory', await tokens.other(), 'FORBIDDEN'],
      ['an operator', await tokens.operator(), 'FORBIDDEN'],
      ['no token', undefined, 'UNAUTHENTICATED'],
      ['an expired token', await tokens.expired(), 'UNAUTHENTICATED'],
    ] as const) {
      const update = await gql(UPDATE, { id: 'TEST-MATRIX-1', patch: { title: 'Pris (test)' } }, token);
      const remove = await gql(DELETE, { id: 'TEST-MATRIX-1' }, token);
      expect([who, update.errors?.[0]?.extensions?.code, remove.errors?.[0]?.extensions?.code]).toEqual([
        who,
        code,
        code,
      ]);
    }
    // Moving its own sheet to another territory: the row written is not the token's.
    const move = await gql(UPDATE, { id: 'TEST-MATRIX-1', patch: { territoryId: OTHER } }, await tokens.own());
    expect(move.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'id' });
    expect(move.errors?.[0]?.message).toMatch(
      /is of territory 2023-2027:ti-8402; this token writes territory 2023-2027:ti-8412 only/,
    );
    expect(await stored('TEST-MATRIX-1')).toEqual(before);
    // A sample sheet is nobody's to write, not even ANCT's.
    const sample = await gql(UPDATE, { id: 'FA-2023-8412-001', patch: { title: 'x (test)' } }, await tokens.anct());
    expect(sample.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'id' });

    const own = await gql(
      UPDATE,
      { id: 'TEST-MATRIX-1', patch: { axes: ['SIMPLIFY'], status: 'DONE' } },
      await tokens.own(),
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.updateActionSheet).toMatchObject({ updated: true });
    expect(await axesOf('TEST-MATRIX-1')).toEqual(['SIMPLIFY']);
    const anctMove = await gql(UPDATE, { id: 'TEST-MATRIX-2', patch: { territoryId: T } }, await tokens.anct());
    expect(anctMove.data!.updateActionSheet!.actionSheet!.territory).toEqual({ id: T });

    for (const [id, token] of [
      ['TEST-MATRIX-1', await tokens.own()],
      ['TEST-MATRIX-2', await tokens.anct()],
    ] as const) {
      const r = await gql(DELETE, { id }, token);
      expect(r.data!.deleteActionSheet).toEqual({ reference: id, deleted: true });
      expect(await axesOf(id)).toEqual([]);
    }
  });

  it('contract and governance: a territory writes its own, not another’s; an operator writes neither', async () => {
    const contract = `mutation($input: ContractInput!) { createContract(input: $input) { created contract { kind signatureDate declared parties { name declared } } } }`;
    const governance = `mutation($input: GovernanceInput!) { createGovernance(input: $input) { created } }`;
    const before = await rowCounts();
    for (const [who, token, code] of [
      ['another territory', await tokens.other(), 'FORBIDDEN'],
      ['an operator', await tokens.operator(), 'FORBIDDEN'],
      ['no token', undefined, 'UNAUTHENTICATED'],
      ['an expired token', await tokens.expired(), 'UNAUTHENTICATED'],
    ] as const) {
      const c = await gql(contract, { input: { territoryId: T, kind: 'CONTRAT' } }, token);
      const g = await gql(governance, { input: { territoryId: T, projectManagerName: 'Cheffe Exemple' } }, token);
      expect([who, c.errors?.[0]?.extensions?.code, g.errors?.[0]?.extensions?.code]).toEqual([who, code, code]);
    }
    expect(await rowCounts()).toEqual(before);

    const own = await post<{
      createContract: {
        created: boolean;
        contract: {
          kind: string;
          signatureDate: string;
          declared: boolean;
          parties: { name: string; declared: boolean }[];
        };
      };
    }>(
      hub.gatewayUrl,
      contract,
      {
        input: {
          territoryId: T,
          kind: 'CONTRAT',
          signatureDate: '2023-09-14',
          parties: ['Département de la Haute-Savoie'],
        },
      },
      { authorization: `Bearer ${await tokens.own()}` },
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.createContract).toMatchObject({
      created: true,
      contract: { kind: 'CONTRAT', signatureDate: '2023-09-14', declared: true },
    });
    expect(own.data!.createContract.contract.parties.at(-1)).toEqual({
      name: 'Département de la Haute-Savoie',
      declared: true,
    });
    expect(own.data!.createContract.contract.parties[0]).toEqual({ name: 'État', declared: false });
    const outOfPhase = await gql(
      `mutation { updateContract(territoryId: "${T}", patch: { signatureDate: "2021-01-01" }) { updated } }`,
      {},
      await tokens.own(),
    );
    expect(outOfPhase.errors?.[0]?.extensions?.fields).toEqual([
      { field: 'signatureDate', message: expect.stringMatching(/outside the years of phase 2023-2027/) },
    ]);
    const removed = await gql(`mutation { deleteContract(territoryId: "${T}") { deleted } }`, {}, await tokens.anct());
    expect(removed.data!.deleteContract).toEqual({ deleted: true });
  });

  it("a territory token cannot write an operator's records, whatever its scopes", async () => {
    const token = await signToken({ territory: T, scope: `financing:write ${SCOPE}` });
    const r = await post<unknown>(
      hub.gatewayUrl,
      `mutation($input: FinancingInput!) { createFinancing(input: $input) { created } }`,
      {
        input: {
          reference: 'TEST-TERRITORY-FIN',
          territoryId: T,
          companySiren: '512345604',
          companyName: 'Décolletage du Genevois (test)',
          companyNaf: '25.62B',
          serviceId: 'financing:aide-innovation',
          instrument: 'SUBSIDY',
          amountEur: 10_000,
          date: '2024-03-28',
          status: 'REQUESTED',
        },
      },
      { authorization: `Bearer ${token}` },
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.errors?.[0]?.message).toMatch(
      /token acts for territory 2023-2027:ti-8412; these records belong to BPIFRANCE/,
    );
    const remove = await post<unknown>(
      hub.gatewayUrl,
      `mutation { deleteFinancing(reference: "BPI-FIN-2023-8412-0001") { deleted } }`,
      undefined,
      { authorization: `Bearer ${token}` },
    );
    expect(remove.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('validation and atomicity', () => {
  it('reports every problem of a sheet at once, field by field, and writes nothing', async () => {
    const before = await rowCounts();
    const r = await gql(
      CREATE,
      {
        input: input('TEST-BAD-1', {
          axes: [],
          holderSiren: '123456789',
          budgetEur: -1,
          startDate: '2026-05-01',
          endDate: '2025-01-01',
          partners: ['a;b'],
        }),
      },
      await tokens.own(),
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = Object.fromEntries(
      ((r.errors as Errors)[0]!.extensions!.fields ?? []).map((f) => [f.field, f.message]),
    );
    expect(fields).toEqual({
      axes: 'is required',
      holderSiren: expect.stringMatching(/not a valid SIREN/),
      budgetEur: expect.stringMatching(/below the minimum of 0/),
      endDate: '2025-01-01 is before startDate 2026-05-01',
      partners: 'item 1 contains ";", the list separator',
    });
    const cases: [Row, string, RegExp][] = [
      [{ territoryId: '2023-2027:ti-9999' }, 'territoryId', /not a territory of phase 2023-2027/],
      [{ startDate: '2021-01-01' }, 'startDate', /outside the years of phase 2023-2027/],
      [{ status: 'DONE', endDate: null }, 'endDate', /required when the status is DONE/],
      [{ id: 'FA-2023-8412-999' }, 'id', /reserved/],
      [{ title: 'x'.repeat(201) }, 'title', /at most 200 allowed/],
    ];
    for (const [overrides, field, message] of cases) {
      const bad = await gql(CREATE, { input: input('TEST-BAD-1', overrides) }, await tokens.own());
      const errors = bad.errors as Errors;
      if (field === 'id') expect(errors[0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'id' });
      else expect(errors[0]!.extensions!.fields).toEqual([{ field, message: expect.stringMatching(message) }]);
      if (field === 'id') expect(errors[0]!.message).toMatch(message);
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('a write that fails inside its transaction (after the sheet is inserted) commits nothing', async () => {
    const before = await rowCounts();
    const database = hub.subgraphs.get('programme')!.test.prepared.database;
    const identity = await verifyAuthorization(`Bearer ${await tokens.own()}`, TEST_JWT_ENV as NodeJS.ProcessEnv);
    const failing = {
      ...actionSheetRecord,
      afterWrite: async (trx: Parameters<NonNullable<typeof actionSheetRecord.afterWrite>>[0], rows: Row[]) => {
        await actionSheetRecord.afterWrite!(trx, rows);
        throw new Error('disk full (test)');
      },
    };
    await expect(
      createOne({ ...programme.context(database), identity: async () => identity }, failing, input('TEST-ATOMIC-1')),
    ).rejects.toThrow(/disk full/);
    expect(await stored('TEST-ATOMIC-1')).toBeUndefined();
    expect(await rowCounts()).toEqual(before);
  });
});

describe('action sheet writes (record kit), with a territory token', () => {
  let token: string;
  beforeAll(async () => {
    token = await tokens.own();
  });
  const consistent = async () => {
    const r = await post<{ territory: { actionSheets: { totalCount: number } } }>(
      hub.gatewayUrl,
      `query($id: ID!) { territory(id: $id) { actionSheets(first: 1) { totalCount } } }`,
      { id: T },
    );
    expect(r.errors).toBeUndefined();
    const rows = await db().selectFrom('action_sheet').select('id').where('territory_id', '=', T).execute();
    expect(r.data!.territory.actionSheets.totalCount).toBe(rows.length);
    // The axis link rows follow the sheets exactly.
    const sheets = await db().selectFrom('action_sheet').select(['id', 'axes']).where('territory_id', '=', T).execute();
    for (const sheet of sheets)
      expect((await axesOf(sheet.id)).join(';')).toBe(sheet.axes.split(';').filter(Boolean).sort().join(';'));
  };
  recordWriteTests({
    subgraph: 'programme',
    spec: actionSheetRecord,
    hub: () => hub,
    token: () => token,
    mutations: {
      create: 'createActionSheet',
      update: 'updateActionSheet',
      delete: 'deleteActionSheet',
      input: 'ActionSheetInput',
      patch: 'ActionSheetPatch',
    },
    input: (id, variant) => input(id, { budgetEur: 10_000 + variant }),
    patches: [{ status: 'ABANDONED' }, { axes: ['ATTRACT'] }, { partners: ['Business France'] }],
    consistent,
    prefix: 'KIT-TERRITORY',
  });
});

describe('action sheet writes (record kit), with an ANCT token', () => {
  let token: string;
  beforeAll(async () => {
    token = await tokens.anct();
  });
  recordWriteTests({
    subgraph: 'programme',
    spec: actionSheetRecord,
    hub: () => hub,
    token: () => token,
    mutations: {
      create: 'createActionSheet',
      update: 'updateActionSheet',
      delete: 'deleteActionSheet',
      input: 'ActionSheetInput',
      patch: 'ActionSheetPatch',
    },
    input: (id, variant) => input(id, { territoryId: OTHER, budgetEur: 20_000 + variant }),
    patches: [{ title: 'Titre patché (test)' }, { endDate: '2027-01-31' }, { holderName: 'Porteur patché (test)' }],
    consistent: async () => {},
    prefix: 'KIT-ANCT',
  });
});

describe('CSV import of action sheets', () => {
  const SAMPLES = new URL('../import-samples/', import.meta.url);
  const VALID = new URL('action-sheets-valid.csv', SAMPLES).pathname;
  const INVALID = new URL('action-sheets-invalid.csv', SAMPLES).pathname;

  it('imports the valid sample (axes and partners from `;` lists), idempotently; refuses the invalid one line by line', async () => {
    const before = await rowCounts();
    const first = await importCsv(db(), actionSheetRecord, readFileSync(VALID));
    expect(first.written).toMatchObject({ inserted: 6, updated: 0, unchanged: 0 });
    const again = await importCsv(db(), actionSheetRecord, readFileSync(VALID));
    expect(again.written).toMatchObject({ inserted: 0, updated: 0, unchanged: 6 });
    expect(await axesOf('EXEMPLE-BOURG-2023-02')).toEqual(['ATTRACT', 'INNOVATE']);
    const r = await post<{
      actionSheet: {
        axes: string[];
        partners: string[];
        budgetEur: number;
        origin: string;
        dataset: { nature: string };
      };
    }>(
      hub.gatewayUrl,
      `{ actionSheet(id: "EXEMPLE-BOURG-2019-01") { axes partners budgetEur origin dataset { nature } } }`,
    );
    expect(r.data!.actionSheet).toEqual({
      axes: ['SIMPLIFY'],
      partners: ["Préfecture de l'Ain"],
      budgetEur: 45_000.5,
      origin: 'DECLARED',
      dataset: { nature: 'REAL' },
    });

    const refused = await importCsv(db(), actionSheetRecord, readFileSync(INVALID)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImportRefused);
    expect((refused as ImportRefused).problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'axes'],
      [3, 'territoryId'],
      [4, 'id'],
      [5, 'endDate'],
      [6, 'endDate'],
      [7, 'startDate'],
      [8, 'holderSiren'],
      [10, 'title'],
    ]);
    expect((await rowCounts()).sheets).toBe(before.sheets + 6);
    // A sheet deleted after the import is gone for the operators' check too.
    await db().deleteFrom('action_sheet_axis').where('sheet_id', 'like', 'EXEMPLE-%').execute();
    await db().deleteFrom('action_sheet').where('id', 'like', 'EXEMPLE-%').execute();
    expect(await rowCounts()).toEqual(before);
  });

  it('runs from the CLI: npm run import -- programme <file> --kind action-sheet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'programme-import-'));
    try {
      const env = {
        ...process.env,
        PROGRAMME_DATABASE_URL: `sqlite:${join(dir, 'programme.sqlite')}`,
        DATABASE_URL: '',
      };
      const run = (...args: string[]) =>
        promisify(execFile)('node', ['--import', 'tsx', 'subgraphs/runtime/import.ts', ...args], {
          cwd: ROOT,
          env,
          timeout: 120_000,
        });
      const first = await run('programme', VALID, '--kind', 'action-sheet');
      expect(first.stdout).toMatch(
        /programme\/action-sheet: 6 row\(s\) read .*; 6 inserted, 0 updated, 0 unchanged, 0 rejected/,
      );
      // Without --kind, the header tells the kind.
      const again = await run('programme', VALID);
      expect(again.stdout).toMatch(/0 inserted, 0 updated, 6 unchanged/);
      const refused = await run('programme', INVALID, '--kind', 'action-sheet').catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect((refused as { code: number }).code).toBe(1);
      expect((refused as { stderr: string }).stderr).toMatch(
        /line 4, column id: "FA-2023-8402-001" has the form of the sample sheets/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
