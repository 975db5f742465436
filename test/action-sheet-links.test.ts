// Issue 10, the operators' side: each operator's records name the action sheet they serve (`actionSheetId`), checked
// with the programme subgraph on every write and import; each operator extends `ActionSheet` with its slice; a sheet
// deleted after records named it leaves them unlinked, never a crash. The programme is a stand-in answering
// `_entities` as the real one does (test/support/fake-programme.ts), so that it can be stopped, slowed or emptied.
// Everything the user does goes through the gateway with signed operator tokens; the import through the kit's
// importCsv on the operator's own database, as `npm run import` does.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleActionSheetsOf } from '../subgraphs/runtime/action-sheets.ts';
import { ImportRefused, importCsv, LINK_CHECK_BATCH } from '../subgraphs/runtime/import.ts';
import type { RecordSpec } from '../subgraphs/runtime/records.ts';
import { startFakeProgramme, unreachableProgrammeUrl, type FakeProgramme } from './support/fake-programme.ts';
import { post } from './support/harness.ts';
import { loadModule, startTestHub, type TestHub } from './support/hub.ts';
import { signToken, TEST_JWT_ENV } from './support/token.ts';

const T = '2023-2027:ti-8412';
const OTHER = '2023-2027:ti-8402';
const SECRET = 'action-sheet-links-shared-secret-0123456789';
/** The hub's environment: test tokens, the shared secret (sent to the programme too), a short programme timeout. */
const ENV = { ...TEST_JWT_ENV, HUB_SHARED_SECRET: SECRET, PROGRAMME_TIMEOUT_MS: '400' };

interface OperatorCase {
  subgraph: string;
  operator: string;
  scope: string;
  kind: string;
  create: string;
  update: string;
  remove: string;
  input: string;
  patch: string;
  /** The field of the write result holding the record. */
  result: string;
  /** The territory slice and its list of this kind; `sheetList`: the same kind's list on the sheet's slice. */
  slice: string;
  list: string;
  valid: (reference: string) => Record<string, unknown>;
}

const OPERATORS: OperatorCase[] = [
  {
    subgraph: 'financing',
    operator: 'BPIFRANCE',
    scope: 'financing:write',
    kind: 'financing',
    create: 'createFinancing',
    update: 'updateFinancing',
    remove: 'deleteFinancing',
    input: 'FinancingInput',
    patch: 'FinancingPatch',
    result: 'financing',
    slice: 'financing',
    list: 'financings',
    valid: (reference) => ({
      reference,
      territoryId: T,
      companySiren: '512345604',
      companyName: 'Décolletage du Genevois (test)',
      companyNaf: '25.62B',
      serviceId: 'financing:aide-innovation',
      instrument: 'SUBSIDY',
      amountEur: 10_000,
      date: '2024-03-28',
      status: 'REQUESTED',
    }),
  },
  {
    subgraph: 'recruitment',
    operator: 'FRANCE_TRAVAIL',
    scope: 'recruitment:write',
    kind: 'action',
    create: 'createRecruitmentAction',
    update: 'updateRecruitmentAction',
    remove: 'deleteRecruitmentAction',
    input: 'RecruitmentActionInput',
    patch: 'RecruitmentActionPatch',
    result: 'action',
    slice: 'recruitment',
    list: 'actions',
    valid: (reference) => ({
      reference,
      territoryId: T,
      serviceId: 'recruitment:job-dating',
      title: 'Job dating industrie (test)',
      date: '2024-05-14',
      status: 'COMPLETED',
      participants: 42,
      hires: 9,
      companies: 11,
      nafCode: '25.62B',
      sector: 'Travail des métaux',
    }),
  },
  {
    subgraph: 'attractiveness',
    operator: 'BUSINESS_FRANCE',
    scope: 'attractiveness:write',
    kind: 'site-promotion',
    create: 'createSitePromotion',
    update: 'updateSitePromotion',
    remove: 'deleteSitePromotion',
    input: 'SitePromotionInput',
    patch: 'SitePromotionPatch',
    result: 'record',
    slice: 'attractiveness',
    list: 'sitePromotions',
    valid: (reference) => ({
      reference,
      territoryId: T,
      serviceId: 'attractiveness:promotion-internationale',
      siteName: 'Zone test',
      communeName: 'Commune test',
      hectares: 12.5,
      date: '2025-04-04',
      event: 'Global Industrie',
    }),
  },
  {
    subgraph: 'engineering',
    operator: 'BANQUE_DES_TERRITOIRES',
    scope: 'engineering:write',
    kind: 'engineering-support',
    create: 'createEngineeringSupport',
    update: 'updateEngineeringSupport',
    remove: 'deleteEngineeringSupport',
    input: 'EngineeringSupportInput',
    patch: 'EngineeringSupportPatch',
    result: 'record',
    slice: 'engineering',
    list: 'supports',
    valid: (reference) => ({
      reference,
      territoryId: T,
      kind: 'STRATEGIC_STUDY',
      title: 'Feuille de route industrielle (test)',
      beneficiarySiren: '240100750',
      amountEur: 45_000,
      cofundingRate: 0.5,
      date: '2024-03-14',
      status: 'PAID',
    }),
  },
];

/** Every list of every record kind, per operator slice (the nine kinds). */
const LISTS: Record<string, string[]> = {
  financing: ['financings'],
  recruitment: ['actions'],
  attractiveness: ['investments', 'exportSupports', 'sitePromotions'],
  engineering: ['supports', 'projectManagerCofundings', 'vteAids', 'loans'],
};

interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; fields?: { field: string; message: string }[] };
}
type Answer<T> = { status: number; data?: T; errors?: GraphQLErrorShape[] };

let hub: TestHub;
let programme: FakeProgramme;
const tokens = new Map<string, string>();
/** A sample sheet of T and one of another territory (the fake programme knows every sample sheet). */
const SHEET = sampleActionSheetsOf(T)[0]!.id;
const FOREIGN_SHEET = sampleActionSheetsOf(OTHER)[0]!.id;

beforeAll(async () => {
  programme = await startFakeProgramme({ secret: SECRET });
  hub = await startTestHub({
    only: ['territories', 'financing', 'recruitment', 'attractiveness', 'engineering'],
    env: { ...ENV, PROGRAMME_URL: programme.url },
  });
  for (const c of OPERATORS) tokens.set(c.subgraph, await signToken({ operator: c.operator, scope: c.scope }));
}, 300_000);
afterAll(async () => {
  await hub?.stop();
  await programme?.stop();
});
afterEach(async () => {
  programme.mode = 'up';
  await hub?.settled();
});

const auth = (c: OperatorCase) => ({ authorization: `Bearer ${tokens.get(c.subgraph)}` });

interface Written {
  w: Record<string, { reference: string; actionSheetId: string | null; actionSheet: { id: string } | null }>;
}

async function create(c: OperatorCase, input: Record<string, unknown>): Promise<Answer<Written>> {
  return post<Written>(
    hub.gatewayUrl,
    `mutation($input: ${c.input}!) { w: ${c.create}(input: $input) { created ${c.result} { reference actionSheetId actionSheet { id } } } }`,
    { input },
    auth(c),
  );
}

async function update(c: OperatorCase, reference: string, patch: Record<string, unknown>) {
  return post<{ w: Record<string, { actionSheetId: string | null; actionSheet: { id: string } | null }> }>(
    hub.gatewayUrl,
    `mutation($r: ID!, $p: ${c.patch}!) { w: ${c.update}(reference: $r, patch: $p) { updated ${c.result} { actionSheetId actionSheet { id } } } }`,
    { r: reference, p: patch },
    auth(c),
  );
}

/** Deletes a record; false when there was none: proves a refused write wrote nothing. */
async function remove(c: OperatorCase, reference: string): Promise<boolean> {
  const { data, errors } = await post<{ d: { deleted: boolean } }>(
    hub.gatewayUrl,
    `mutation($r: ID!) { d: ${c.remove}(reference: $r) { deleted } }`,
    { r: reference },
    auth(c),
  );
  expect(errors).toBeUndefined();
  return data!.d.deleted;
}

const problemsOf = (answer: Answer<unknown>) => answer.errors?.[0]?.extensions?.fields ?? [];

describe.each(OPERATORS)('$subgraph: a record names the action sheet it serves', (c) => {
  const ref = (n: string) => `LINK-${c.subgraph.slice(0, 3).toUpperCase()}-${n}`;

  it('accepts a sheet of its territory, asking the programme once with the shared secret, and links to it', async () => {
    const before = programme.requests.length;
    const { data, errors } = await create(c, { ...c.valid(ref('OK')), actionSheetId: SHEET });
    expect(errors).toBeUndefined();
    expect(data!.w[c.result]).toEqual({ reference: ref('OK'), actionSheetId: SHEET, actionSheet: { id: SHEET } });
    // One request for the write's check, one for the answer's `actionSheet` (both batched, one sheet each).
    expect(programme.requests.slice(before)).toEqual([1, 1]);
    expect(programme.secrets.slice(-2)).toEqual([SECRET, SECRET]);
    expect(await remove(c, ref('OK'))).toBe(true);
  });

  it('refuses an unknown sheet or a sheet of another territory, naming the field, and writes nothing', async () => {
    const unknown = await create(c, { ...c.valid(ref('UNKNOWN')), actionSheetId: 'FA-2023-8412-999' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(problemsOf(unknown)).toEqual([
      {
        field: 'actionSheetId',
        message: 'action sheet "FA-2023-8412-999" does not exist (unknown to the programme subgraph, or deleted)',
      },
    ]);
    const foreign = await create(c, { ...c.valid(ref('FOREIGN')), actionSheetId: FOREIGN_SHEET });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(problemsOf(foreign)).toEqual([
      {
        field: 'actionSheetId',
        message: `action sheet "${FOREIGN_SHEET}" belongs to territory ${OTHER}, not to the record's territory ${T}`,
      },
    ]);
    expect(await remove(c, ref('UNKNOWN'))).toBe(false);
    expect(await remove(c, ref('FOREIGN'))).toBe(false);
  });

  it('reports the sheet with the other problems of the record, in one answer', async () => {
    const answer = await create(c, { ...c.valid(ref('BOTH')), date: '2024-02-30', actionSheetId: 'FA-2023-8412-999' });
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(problemsOf(answer).map((p) => p.field)).toEqual(['date', 'actionSheetId']);
    expect(await remove(c, ref('BOTH'))).toBe(false);
  });

  it.each(['reset', 'error', 'silent', 'failing'] as const)(
    'refuses the write when the programme cannot answer (%s), naming it, and writes nothing',
    async (mode) => {
      programme.mode = mode;
      const answer = await create(c, { ...c.valid(ref(`DOWN-${mode}`)), actionSheetId: SHEET });
      programme.mode = 'up';
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(answer.errors?.[0]?.extensions?.field).toBe('actionSheetId');
      expect(answer.errors?.[0]?.message).toMatch(
        /^actionSheetId could not be checked, so nothing was written: the programme subgraph \(http:\/\/127\.0\.0\.1:\d+\/graphql\) (could not be reached|answered HTTP 502|answered HTTP 200: database unreachable)/,
      );
      expect(await remove(c, ref(`DOWN-${mode}`))).toBe(false);
    },
  );

  it('writes without a sheet without asking the programme, even when it is down', async () => {
    programme.mode = 'reset';
    const before = programme.requests.length;
    const { errors } = await post(
      hub.gatewayUrl,
      `mutation($input: ${c.input}!) { w: ${c.create}(input: $input) { created } }`,
      { input: c.valid(ref('NONE')) },
      auth(c),
    );
    expect(errors).toBeUndefined();
    expect(programme.requests.length).toBe(before);
    expect(await remove(c, ref('NONE'))).toBe(true);
  });

  it('checks a patch naming a sheet; null unlinks without asking; the programme down refuses the patch', async () => {
    expect((await create(c, c.valid(ref('PATCH')))).errors).toBeUndefined();
    const linked = await update(c, ref('PATCH'), { actionSheetId: SHEET });
    expect(linked.errors).toBeUndefined();
    expect(linked.data!.w[c.result]).toEqual({ actionSheetId: SHEET, actionSheet: { id: SHEET } });
    const refused = await update(c, ref('PATCH'), { actionSheetId: FOREIGN_SHEET });
    expect(problemsOf(refused).map((p) => p.field)).toEqual(['actionSheetId']);
    // Moving the record to another territory is checked against the sheet it keeps.
    const moved = await update(c, ref('PATCH'), { territoryId: OTHER });
    expect(problemsOf(moved).find((p) => p.field === 'actionSheetId')?.message).toMatch(/belongs to territory/);
    programme.mode = 'reset';
    const down = await update(c, ref('PATCH'), { actionSheetId: `${SHEET.slice(0, -3)}002` });
    expect(down.errors?.[0]?.extensions?.code).toBe('DEPENDENCY_UNAVAILABLE');
    const before = programme.requests.length;
    const unlinked = await post<{ w: Record<string, { actionSheetId: string | null }> }>(
      hub.gatewayUrl,
      `mutation($r: ID!) { w: ${c.update}(reference: $r, patch: { actionSheetId: null }) { ${c.result} { actionSheetId } } }`,
      { r: ref('PATCH') },
      auth(c),
    );
    programme.mode = 'up';
    expect(unlinked.errors).toBeUndefined();
    expect(unlinked.data!.w[c.result]!.actionSheetId).toBeNull();
    expect(programme.requests.length).toBe(before);
    expect(await remove(c, ref('PATCH'))).toBe(true);
  });
});

describe('every record kind of every operator takes the link', () => {
  it('declares actionSheetId, checked with the programme, in the nine record kinds', async () => {
    const kinds: string[] = [];
    for (const name of Object.keys(LISTS)) {
      for (const spec of (await loadModule(name)).records ?? []) {
        kinds.push(spec.kind);
        expect([spec.kind, spec.fields.some((f) => f.name === 'actionSheetId' && !f.required)]).toEqual([
          spec.kind,
          true,
        ]);
        expect([spec.kind, typeof spec.checkLinks]).toEqual([spec.kind, 'function']);
      }
    }
    expect(kinds).toHaveLength(9);
  });
});

describe('sample records', () => {
  it('name sample sheets of their territory whose axes include their service axis; about a third name none', async () => {
    // A territory of the first phase: more sheets per territory, and records in every operator.
    const territory = '2019-2022:ti-8403';
    const sheets = new Map(sampleActionSheetsOf(territory).map((s) => [s.id, s]));
    const lists = Object.entries(LISTS)
      .map(
        ([slice, names]) =>
          `${slice} { ${names.map((n) => `${n}(first: 200) { nodes { actionSheetId service { axes } } }`).join(' ')} }`,
      )
      .join(' ');
    const { data, errors } = await post<{
      territory: Record<
        string,
        Record<string, { nodes: { actionSheetId: string | null; service: { axes: string[] } }[] }>
      >;
    }>(hub.gatewayUrl, `query($id: ID!) { territory(id: $id) { ${lists} } }`, { id: territory });
    expect(errors).toBeUndefined();
    let named = 0;
    let none = 0;
    for (const [slice, names] of Object.entries(LISTS)) {
      for (const name of names) {
        for (const record of data!.territory[slice]![name]!.nodes) {
          if (record.actionSheetId === null) {
            none++;
            continue;
          }
          named++;
          const sheet = sheets.get(record.actionSheetId);
          expect([slice, record.actionSheetId, !!sheet]).toEqual([slice, record.actionSheetId, true]);
          expect(sheet!.axes).toContain(record.service.axes[0]);
        }
      }
    }
    expect(named).toBeGreaterThan(0);
    // sampleSheetFor leaves about a third of records without a sheet (and more when no sheet has the axis).
    expect(none / (named + none)).toBeGreaterThan(0.2);
  });
});

describe('ActionSheet: every operator slice of a page of sheets', () => {
  const SLICES = `
    financing { operator summary { operator recordCount serviceCount amountEur firstDate lastDate nature datasets { id nature } } financings(first: 2) { totalCount nodes { reference actionSheetId } } }
    recruitment { operator summary { recordCount amountEur nature } actions(first: 2) { totalCount nodes { reference actionSheetId } } }
    attractiveness { operator summary { recordCount nature } investments(first: 2) { totalCount nodes { reference actionSheetId } } exportSupports(first: 2) { totalCount } sitePromotions(first: 2) { totalCount } }
    engineering { operator summary { recordCount nature } supports(first: 2) { totalCount nodes { reference actionSheetId } } projectManagerCofundings(first: 2) { totalCount } vteAids(first: 2) { totalCount } loans(first: 2) { totalCount } }`;
  const query = (
    territories: number,
  ) => `query { territories(phase: PHASE_2019_2022, first: ${territories}) { nodes { id
    financing { financings(first: 8) { nodes { actionSheetId actionSheet { id ${SLICES} } } } } } } }`;

  interface SheetAnswer {
    id: string;
    [slice: string]: unknown;
  }
  type PageAnswer = {
    territories: {
      nodes: {
        id: string;
        financing: { financings: { nodes: { actionSheetId: string | null; actionSheet: SheetAnswer | null }[] } };
      }[];
    };
  };

  async function run(territories: number) {
    await hub.settled();
    hub.resetCounters();
    const before = programme.requests.length;
    const answer = await post<PageAnswer>(hub.gatewayUrl, query(territories));
    await hub.settled();
    expect(answer.errors).toBeUndefined();
    const sheets = new Map<string, SheetAnswer>();
    for (const t of answer.data!.territories.nodes)
      for (const f of t.financing.financings.nodes) if (f.actionSheet) sheets.set(f.actionSheet.id, f.actionSheet);
    return { sheets, counters: hub.counters(), programme: programme.requests.slice(before) };
  }

  it('costs the same fetches and statements for a page of many sheets as for a few', async () => {
    const few = await run(2);
    const many = await run(16);
    expect(few.sheets.size).toBeGreaterThan(2);
    expect(many.sheets.size).toBeGreaterThan(few.sheets.size * 3);
    expect(many.counters).toEqual(few.counters);
    // One fetch per subgraph; statements: financing 1 (its pages) + 1 (summaries) + 1 (sheet pages); the others
    // 1 (summaries) + 1 per table of the sheet's lists (engineering's four kinds share one).
    expect(many.counters).toEqual({
      territories: { requests: 1, statements: expect.any(Number) },
      financing: { requests: 1, statements: 3 },
      recruitment: { requests: 1, statements: 2 },
      attractiveness: { requests: 1, statements: 4 },
      engineering: { requests: 1, statements: 2 },
    });
    // The records' `actionSheet`: one `_entities` request to the programme, all the page's sheets at once.
    expect(many.programme).toEqual([many.sheets.size]);
  });

  it("gives each operator's records of the sheet and their summary, with provenance", async () => {
    const { sheets } = await run(2);
    for (const [id, sheet] of sheets) {
      const financing = sheet.financing as {
        operator: string;
        summary: { operator: string; recordCount: number; nature: string; datasets: { nature: string }[] };
        financings: { totalCount: number; nodes: { actionSheetId: string }[] };
      };
      expect(financing.operator).toBe('BPIFRANCE');
      expect(financing.summary.recordCount).toBe(financing.financings.totalCount);
      expect(financing.summary.recordCount).toBeGreaterThan(0);
      expect(financing.summary.nature).toBe('SAMPLE');
      expect(financing.summary.datasets.every((d) => d.nature === 'SAMPLE')).toBe(true);
      for (const n of financing.financings.nodes) expect(n.actionSheetId).toBe(id);
      for (const slice of ['recruitment', 'attractiveness', 'engineering']) {
        const s = sheet[slice] as { operator: string; summary: { recordCount: number; nature: string } };
        expect(s.summary.nature).toBe('SAMPLE');
        expect(s.summary.recordCount).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

describe('unlinked references', () => {
  const linksQuery = (c: OperatorCase) => `query($id: ID!) { territory(id: $id) { ${c.slice} {
    summary { recordCount }
    actionSheetLinks { operator recordCount linkedCount withoutSheetCount unlinkedCount nature datasets { nature } } } } }`;
  type Links = {
    operator: string;
    recordCount: number;
    linkedCount: number;
    withoutSheetCount: number;
    unlinkedCount: number;
    nature: string;
  };
  const links = async (c: OperatorCase, territory = T) => {
    const answer = await post<{ territory: Record<string, { actionSheetLinks: Links | null; summary: unknown }> }>(
      hub.gatewayUrl,
      linksQuery(c),
      { id: territory },
    );
    return answer;
  };

  it.each(OPERATORS)(
    '$subgraph: a sheet deleted after records named it: their actionSheet is null and they count as unlinked',
    async (c) => {
      const sheet = `TEST-${c.subgraph.toUpperCase()}-DELETED`;
      programme.sheets.set(sheet, T);
      const reference = `UNLINK-${c.subgraph.slice(0, 3).toUpperCase()}-1`;
      expect((await create(c, { ...c.valid(reference), actionSheetId: sheet })).errors).toBeUndefined();
      const before = (await links(c)).data!.territory[c.slice]!.actionSheetLinks!;
      expect(before.operator).toBe(c.operator);
      expect(before.unlinkedCount).toBe(0);
      // The declared record, with the territory's sample records if it has any.
      expect(before.nature).toBe(before.recordCount > 1 ? 'MIXED' : 'DERIVED');
      expect(before.linkedCount + before.withoutSheetCount + before.unlinkedCount).toBe(before.recordCount);

      programme.sheets.delete(sheet);
      const after = (await links(c)).data!.territory[c.slice]!.actionSheetLinks!;
      expect(after).toEqual({
        ...before,
        linkedCount: before.linkedCount - 1,
        unlinkedCount: 1,
        datasets: expect.any(Array),
      });
      const record = await post<{ territory: Record<string, Record<string, { nodes: unknown[] }>> }>(
        hub.gatewayUrl,
        `query($id: ID!) { territory(id: $id) { ${c.slice} { ${c.list}(first: 200) { nodes { reference actionSheetId actionSheet { id } } } } } }`,
        { id: T },
      );
      expect(record.errors).toBeUndefined();
      expect(record.data!.territory[c.slice]![c.list]!.nodes).toContainEqual({
        reference,
        actionSheetId: sheet,
        actionSheet: null,
      });
      expect(await remove(c, reference)).toBe(true);
    },
  );

  it.each(OPERATORS)(
    '$subgraph: the programme down errors the link counts (DEPENDENCY_UNAVAILABLE), the rest still comes back',
    async (c) => {
      programme.mode = 'reset';
      // A territory where every operator has sample records naming sheets.
      const answer = await links(c, '2019-2022:ti-8403');
      programme.mode = 'up';
      expect(answer.data!.territory[c.slice]!.actionSheetLinks).toBeNull();
      expect((answer.data!.territory[c.slice]!.summary as { recordCount: number }).recordCount).toBeGreaterThan(0);
      expect(answer.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([
        ['DEPENDENCY_UNAVAILABLE', `territory.${c.slice}.actionSheetLinks`],
      ]);
    },
  );
});

describe('CSV import with the actionSheetId column', () => {
  const csvOf = (rows: Record<string, unknown>[]) => {
    const header = Object.keys(rows[0]!);
    const cell = (v: unknown) =>
      v == null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
    return [header.join(','), ...rows.map((r) => header.map((h) => cell(r[h])).join(','))].join('\n') + '\n';
  };
  const specOf = async (c: OperatorCase): Promise<RecordSpec> =>
    (await loadModule(c.subgraph)).records!.find((s) => s.kind === c.kind)!;
  const dbOf = (c: OperatorCase) => hub.subgraphs.get(c.subgraph)!.test.prepared.database.db;
  const importEnv = (url = programme.url) => ({ ...ENV, PROGRAMME_URL: url });

  it.each(OPERATORS)('$subgraph: imports rows naming sheets, one programme request per batch', async (c) => {
    const spec = await specOf(c);
    const rows = [1, 2, 3].map((i): Record<string, unknown> => ({
      ...c.valid(`CSV-${c.subgraph.slice(0, 3).toUpperCase()}-${i}`),
      actionSheetId: i === 3 ? null : SHEET,
    }));
    const before = programme.requests.length;
    const result = await importCsv(dbOf(c), spec, csvOf(rows), { env: importEnv() });
    expect(result.written?.inserted).toBe(3);
    expect(programme.requests.slice(before)).toEqual([1]);
    const { data } = await post<{
      territory: Record<string, Record<string, { nodes: { reference: string; actionSheetId: string | null }[] }>>;
    }>(
      hub.gatewayUrl,
      `query($id: ID!) { territory(id: $id) { ${c.slice} { ${c.list}(first: 200) { nodes { reference actionSheetId } } } } }`,
      { id: T },
    );
    const imported = data!.territory[c.slice]![c.list]!.nodes.filter((n) => n.reference.startsWith('CSV-'));
    expect(imported.map((n) => n.actionSheetId).sort()).toEqual([SHEET, SHEET, null].sort());
    for (const row of rows) expect(await remove(c, String(row['reference']))).toBe(true);
  });

  it.each(OPERATORS)('$subgraph: refuses unknown or foreign sheets with their lines, and writes nothing', async (c) => {
    const spec = await specOf(c);
    const rows = [
      { ...c.valid('CSV-KO-1'), actionSheetId: SHEET },
      { ...c.valid('CSV-KO-2'), actionSheetId: 'FA-2023-8412-999' },
      { ...c.valid('CSV-KO-3'), actionSheetId: FOREIGN_SHEET },
    ];
    const error = await importCsv(dbOf(c), spec, csvOf(rows), { env: importEnv() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefused);
    expect((error as ImportRefused).message).toMatch(/^2 of 3 row\(s\) are invalid; nothing was written/);
    expect((error as ImportRefused).problems).toEqual([
      { line: 3, field: 'actionSheetId', message: expect.stringMatching(/"FA-2023-8412-999" does not exist/) },
      { line: 4, field: 'actionSheetId', message: expect.stringMatching(/belongs to territory 2023-2027:ti-8402/) },
    ]);
    expect(await remove(c, 'CSV-KO-1')).toBe(false);
  });

  it.each(OPERATORS)('$subgraph: refuses the whole import when the programme is unreachable', async (c) => {
    const spec = await specOf(c);
    const rows = [{ ...c.valid('CSV-DOWN-1'), actionSheetId: SHEET }];
    const error = await importCsv(dbOf(c), spec, csvOf(rows), {
      env: importEnv(await unreachableProgrammeUrl()),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefused);
    expect((error as ImportRefused).message).toMatch(
      /^actionSheetId could not be checked \(line 2 and after\): the programme subgraph \(.*\) could not be reached: ECONNREFUSED; nothing was written/,
    );
    expect(await remove(c, 'CSV-DOWN-1')).toBe(false);
  });

  it(`asks the programme once per ${LINK_CHECK_BATCH} rows`, async () => {
    const c = OPERATORS[0]!;
    const rows = Array.from({ length: LINK_CHECK_BATCH * 2 + 1 }, (_, i) => ({
      ...c.valid(`CSV-BATCH-${i}`),
      actionSheetId: SHEET,
    }));
    const before = programme.requests.length;
    const result = await importCsv(dbOf(c), await specOf(c), csvOf(rows), { env: importEnv(), dryRun: true });
    expect(result.rows).toBe(rows.length);
    // Each batch names the same sheet: one representation per request.
    expect(programme.requests.slice(before)).toEqual([1, 1, 1]);
  });
});
