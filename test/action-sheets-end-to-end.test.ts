// Issue 10 end to end: the REAL programme subgraph (action sheets, written by the territories' teams) and the four
// operators (each one's slice of a sheet, the links their records hold), through the gateway with signed tokens, on
// the suite's dialect. One request gives a territory's action sheets with every operator's slice of each, coherent
// and at a cost that does not grow with the number of sheets; a sheet the team deletes leaves its records unlinked;
// a sheet of another territory is refused; the programme stopped refuses writes naming a sheet, not the reads.
// (test/action-sheet-links.test.ts tests the operators' side against a stand-in programme that can fail in more ways.)
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readOperation, QUERIES_DIR } from '../gateway/operations.ts';
import { sampleActionSheetsOf } from '../subgraphs/runtime/action-sheets.ts';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { signToken, TEST_JWT_ENV } from './support/token.ts';

/**
 * 11 sample sheets; records of every operator name its first two already, so that the pages of 2 and of 10 sheets
 * read the same kinds of rows (a slice without any record skips its datasets' look-up).
 */
const PAGE_TERRITORY = '2019-2022:ti-7504';
/** The territory whose team writes sheets, and another one. */
const T = '2023-2027:ti-8412';
const OTHER = '2023-2027:ti-8402';
/** Production-like: subgraphs answer only the gateway, and the operators send the secret to the programme. */
const ENV = { ...TEST_JWT_ENV, HUB_SHARED_SECRET: 'action-sheets-end-to-end-shared-secret-0123456789' };

type SliceName = 'financing' | 'recruitment' | 'attractiveness' | 'engineering';

/** An operator's slice of a sheet: its lists, with the record field holding an amount and a date (aliased). */
interface SliceCase {
  slice: SliceName;
  operator: string;
  lists: { name: string; amount?: string; date: string }[];
}

const SLICES: SliceCase[] = [
  { slice: 'financing', operator: 'BPIFRANCE', lists: [{ name: 'financings', amount: 'amountEur', date: 'date' }] },
  { slice: 'recruitment', operator: 'FRANCE_TRAVAIL', lists: [{ name: 'actions', date: 'date' }] },
  {
    slice: 'attractiveness',
    operator: 'BUSINESS_FRANCE',
    lists: [
      { name: 'investments', amount: 'investmentEur', date: 'date' },
      { name: 'exportSupports', date: 'date' },
      { name: 'sitePromotions', date: 'date' },
    ],
  },
  {
    slice: 'engineering',
    operator: 'BANQUE_DES_TERRITOIRES',
    lists: [
      { name: 'supports', amount: 'amountEur', date: 'date' },
      { name: 'projectManagerCofundings', amount: 'amountEur', date: 'startDate' },
      { name: 'vteAids', amount: 'amountEur', date: 'hireDate' },
      { name: 'loans', amount: 'amountEur', date: 'date' },
    ],
  },
];

/** Records per list of a sheet's slice in the coherence query: more than any sample sheet has (checked). */
const RECORDS_PER_SHEET = 20;

const SUMMARY =
  'summary { operator recordCount serviceCount amountEur firstDate lastDate nature datasets { id nature } }';
const sliceSelection = (c: SliceCase) =>
  `${c.slice} { operator ${SUMMARY} ${c.lists
    .map(
      (l) =>
        `${l.name}(first: ${RECORDS_PER_SHEET}) { totalCount nodes { reference actionSheetId service { id } dataset { nature } ${
          l.amount ? `amount: ${l.amount}` : ''
        } date: ${l.date} } }`,
    )
    .join(' ')} }`;
const SHEETS_WITH_SLICES = `query($id: ID!, $first: Int!) { territory(id: $id) { id actionSheets(first: $first) {
  totalCount nodes { id origin dataset { nature } territory { id } ${SLICES.map(sliceSelection).join(' ')} } } } }`;

interface RecordNode {
  reference: string;
  actionSheetId: string | null;
  service: { id: string };
  dataset: { nature: string };
  amount?: number | null;
  date: string;
}
interface RecordPage {
  totalCount: number;
  nodes: RecordNode[];
}
interface Summary {
  operator: string;
  recordCount: number;
  serviceCount: number;
  amountEur: number | null;
  firstDate: string | null;
  lastDate: string | null;
  nature: string;
  datasets: { id: string; nature: string }[];
}
/** A slice: operator, summary, and its lists by name. */
type SliceAnswer = { operator: string; summary: Summary } & Record<string, unknown>;
type SheetAnswer = {
  id: string;
  origin: string;
  dataset: { nature: string };
  territory: { id: string };
} & Record<SliceName, SliceAnswer | null>;
interface SheetsAnswer {
  territory: { id: string; actionSheets: { totalCount: number; nodes: SheetAnswer[] } };
}

const pageOf = (slice: SliceAnswer, list: string) => slice[list] as RecordPage;

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ env: ENV });
}, 300_000);
afterAll(async () => {
  await hub?.stop();
});
// No test leaves requests running into the next one (whose counters they would inflate).
afterEach(() => hub?.settled());

/** Runs an operation through the gateway; returns its answer with every subgraph's requests and SQL statements. */
/** An answer with the subgraphs' requests and statements, read cold (no reference row held: runtime/loaders.ts). */
async function counted<T>(query: string, variables: Record<string, unknown>) {
  await hub.settled();
  hub.forgetReferences();
  hub.resetCounters();
  const answer = await post<T>(hub.gatewayUrl, query, variables);
  await hub.settled();
  return { ...answer, counters: hub.counters() };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe("a territory's action sheets with every operator's slice of each, in one request", () => {
  /** Checks one answer's sheets and slices against each other; returns the records per operator. */
  function expectCoherent(answer: SheetsAnswer, first: number): Record<SliceName, number> {
    const page = answer.territory.actionSheets;
    // The programme's sample sheets of the territory, in id order.
    const sample = sampleActionSheetsOf(PAGE_TERRITORY);
    expect(page.totalCount).toBe(sample.length);
    expect(page.nodes.map((s) => s.id)).toEqual(sample.slice(0, first).map((s) => s.id));
    const records = { financing: 0, recruitment: 0, attractiveness: 0, engineering: 0 };
    for (const sheet of page.nodes) {
      expect([sheet.id, sheet.origin, sheet.dataset.nature, sheet.territory.id]).toEqual([
        sheet.id,
        'SAMPLE',
        'SAMPLE',
        PAGE_TERRITORY,
      ]);
      for (const c of SLICES) {
        const slice = sheet[c.slice];
        expect([sheet.id, c.slice, slice?.operator, slice?.summary.operator]).toEqual([
          sheet.id,
          c.slice,
          c.operator,
          c.operator,
        ]);
        const pages = c.lists.map((l) => pageOf(slice!, l.name));
        // Each page holds all of the sheet's records of its kind, so the summary can be recomputed from them.
        for (const p of pages) expect(p.nodes.length).toBe(p.totalCount);
        const nodes = pages.flatMap((p) => p.nodes);
        // Every record of the slice names this sheet, and is sample data.
        for (const n of nodes)
          expect([n.reference, n.actionSheetId, n.dataset.nature]).toEqual([n.reference, sheet.id, 'SAMPLE']);
        const amounts = c.lists.some((l) => l.amount)
          ? nodes.flatMap((n) => (typeof n.amount === 'number' ? [n.amount] : []))
          : [];
        const dates = nodes.map((n) => n.date).sort();
        const summary = slice!.summary;
        expect({
          ...summary,
          amountEur: summary.amountEur === null ? null : Math.round(summary.amountEur * 100),
        }).toEqual({
          operator: c.operator,
          recordCount: nodes.length,
          serviceCount: new Set(nodes.map((n) => n.service.id)).size,
          amountEur: amounts.length ? Math.round(sum(amounts) * 100) : null,
          firstDate: dates[0] ?? null,
          lastDate: dates.at(-1) ?? null,
          nature: 'SAMPLE',
          datasets: expect.any(Array),
        });
        expect(summary.datasets.length).toBeGreaterThan(0);
        expect(summary.datasets.every((d) => d.nature === 'SAMPLE')).toBe(true);
        records[c.slice] += nodes.length;
      }
    }
    return records;
  }

  it('gives coherent slices (records naming the sheet, summaries equal to them, SAMPLE), one fetch per subgraph and as many statements for 10 sheets as for 2', async () => {
    const few = await counted<SheetsAnswer>(SHEETS_WITH_SLICES, { id: PAGE_TERRITORY, first: 2 });
    const many = await counted<SheetsAnswer>(SHEETS_WITH_SLICES, { id: PAGE_TERRITORY, first: 10 });
    expect([few.status, few.errors, many.status, many.errors]).toEqual([200, undefined, 200, undefined]);
    const fewRecords = expectCoherent(few.data!, 2);
    const manyRecords = expectCoherent(many.data!, 10);
    // Not a vacuous check: every operator brought records to the page of 2, and more to the page of 10.
    for (const c of SLICES) expect([c.slice, fewRecords[c.slice] > 0]).toEqual([c.slice, true]);
    expect(sum(Object.values(manyRecords))).toBeGreaterThan(sum(Object.values(fewRecords)));

    // The same cost for 10 sheets as for 2: one request to each subgraph; the operators' statements are one for the
    // summaries of all the sheets and one (rows and counts) per table of the slice's lists (engineering's four kinds
    // share one), whatever the number of sheets.
    expect(many.counters).toEqual(few.counters);
    expect(many.counters).toEqual({
      territories: { requests: 1, statements: 1 },
      // The page of sheets: its rows and count.
      programme: { requests: 1, statements: 1 },
      financing: { requests: 1, statements: 1 + 1 },
      recruitment: { requests: 1, statements: 1 + 1 },
      attractiveness: { requests: 1, statements: 1 + 3 },
      engineering: { requests: 1, statements: 1 + 1 },
    });
  });

  it("holds the same records as the territory's own pages, grouped by the sheet they name", async () => {
    const { data, errors } = await post<SheetsAnswer>(hub.gatewayUrl, SHEETS_WITH_SLICES, {
      id: PAGE_TERRITORY,
      first: 20,
    });
    expect(data!.territory.actionSheets.nodes.length).toBe(data!.territory.actionSheets.totalCount);
    expect(errors).toBeUndefined();
    const territoryLists = SLICES.map(
      (c) =>
        `${c.slice} { ${c.lists.map((l) => `${l.name}(first: 200) { totalCount nodes { reference actionSheetId } }`).join(' ')} }`,
    ).join(' ');
    const own = await post<{ territory: Record<SliceName, Record<string, RecordPage>> }>(
      hub.gatewayUrl,
      `query($id: ID!) { territory(id: $id) { ${territoryLists} } }`,
      { id: PAGE_TERRITORY },
    );
    expect(own.errors).toBeUndefined();
    for (const c of SLICES) {
      for (const l of c.lists) {
        const territoryPage = own.data!.territory[c.slice][l.name]!;
        expect(territoryPage.nodes.length).toBe(territoryPage.totalCount);
        const bySheet = (nodes: { reference: string; actionSheetId: string | null }[]) =>
          nodes
            .filter((n) => n.actionSheetId !== null)
            .map((n) => `${n.actionSheetId} ${n.reference}`)
            .sort();
        const fromSheets = data!.territory.actionSheets.nodes.flatMap((s) => pageOf(s[c.slice]!, l.name).nodes);
        // Every record of the territory naming a sheet is in that sheet's slice, and nothing else is.
        expect([l.name, bySheet(fromSheets)]).toEqual([l.name, bySheet(territoryPage.nodes)]);
      }
    }
  });

  it('costs the example operation queries/action-sheets.graphql the same for 10 sheets as for 2', async () => {
    const example = readOperation(`${QUERIES_DIR}/action-sheets.graphql`);
    const few = await counted<SheetsAnswer>(example.query, { ...example.variables, id: PAGE_TERRITORY, first: 2 });
    const many = await counted<SheetsAnswer>(example.query, { ...example.variables, id: PAGE_TERRITORY, first: 10 });
    expect([few.errors, many.errors]).toEqual([undefined, undefined]);
    expect([few.data!.territory.actionSheets.nodes.length, many.data!.territory.actionSheets.nodes.length]).toEqual([
      2, 10,
    ]);
    expect(many.counters).toEqual(few.counters);
    for (const [name, c] of Object.entries(many.counters)) expect([name, c.requests]).toEqual([name, 1]);
  });
});

// ---- writes: a sheet the territory's team wrote, named by the operators' records ----

/** One record kind of each operator, written with its operator's token. */
interface OperatorCase {
  slice: SliceName;
  operator: string;
  scope: string;
  create: string;
  remove: string;
  input: string;
  /** The field of the write result holding the record; the territory slice's list of this kind. */
  result: string;
  list: string;
  valid: (reference: string, territoryId: string) => Record<string, unknown>;
}

const OPERATORS: OperatorCase[] = [
  {
    slice: 'financing',
    operator: 'BPIFRANCE',
    scope: 'financing:write',
    create: 'createFinancing',
    remove: 'deleteFinancing',
    input: 'FinancingInput',
    result: 'financing',
    list: 'financings',
    valid: (reference, territoryId) => ({
      reference,
      territoryId,
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
    slice: 'recruitment',
    operator: 'FRANCE_TRAVAIL',
    scope: 'recruitment:write',
    create: 'createRecruitmentAction',
    remove: 'deleteRecruitmentAction',
    input: 'RecruitmentActionInput',
    result: 'action',
    list: 'actions',
    valid: (reference, territoryId) => ({
      reference,
      territoryId,
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
    slice: 'attractiveness',
    operator: 'BUSINESS_FRANCE',
    scope: 'attractiveness:write',
    create: 'createSitePromotion',
    remove: 'deleteSitePromotion',
    input: 'SitePromotionInput',
    result: 'record',
    list: 'sitePromotions',
    valid: (reference, territoryId) => ({
      reference,
      territoryId,
      serviceId: 'attractiveness:promotion-internationale',
      siteName: 'Zone test',
      communeName: 'Commune test',
      hectares: 12.5,
      date: '2025-04-04',
      event: 'Global Industrie',
    }),
  },
  {
    slice: 'engineering',
    operator: 'BANQUE_DES_TERRITOIRES',
    scope: 'engineering:write',
    create: 'createEngineeringSupport',
    remove: 'deleteEngineeringSupport',
    input: 'EngineeringSupportInput',
    result: 'record',
    list: 'supports',
    valid: (reference, territoryId) => ({
      reference,
      territoryId,
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

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const operatorToken = (c: OperatorCase) => signToken({ operator: c.operator, scope: c.scope });
const teamToken = (territory: string) => signToken({ territory, scope: 'actions:write' });

/** A sheet as a territory's team declares it. */
const sheetInput = (id: string, territoryId: string) => ({
  id,
  territoryId,
  title: 'Atelier mutualisé de maintenance industrielle (test de bout en bout)',
  axes: ['INNOVATE', 'RECRUIT'],
  status: 'IN_PROGRESS',
  holderKind: 'EPCI',
  holderName: 'Intercommunalité (test)',
  partners: ['Bpifrance', 'France Travail'],
  startDate: '2024-01-15',
  endDate: '2026-12-31',
  budgetEur: 250_000,
});

async function createSheet(id: string, territoryId: string) {
  const answer = await post<{ createActionSheet: { created: boolean; actionSheet: { id: string; origin: string } } }>(
    hub.gatewayUrl,
    `mutation($input: ActionSheetInput!) { createActionSheet(input: $input) { created actionSheet { id origin } } }`,
    { input: sheetInput(id, territoryId) },
    bearer(await teamToken(territoryId)),
  );
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.createActionSheet).toEqual({ created: true, actionSheet: { id, origin: 'DECLARED' } });
}

async function deleteSheet(id: string, territoryId: string) {
  const answer = await post<{ deleteActionSheet: { reference: string; deleted: boolean } }>(
    hub.gatewayUrl,
    `mutation($id: ID!) { deleteActionSheet(id: $id) { reference deleted } }`,
    { id },
    bearer(await teamToken(territoryId)),
  );
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.deleteActionSheet).toEqual({ reference: id, deleted: true });
}

type WriteAnswer = Record<
  string,
  Record<string, { reference: string; actionSheet: { id: string; title: string } | null }>
>;

/** An operator's record naming a sheet, with the sheet as the gateway resolves it through the programme. */
async function createRecord(c: OperatorCase, reference: string, territoryId: string, actionSheetId: string) {
  return post<WriteAnswer>(
    hub.gatewayUrl,
    `mutation($input: ${c.input}!) { w: ${c.create}(input: $input) { ${c.result} { reference actionSheet { id title } } } }`,
    { input: { ...c.valid(reference, territoryId), actionSheetId } },
    bearer(await operatorToken(c)),
  );
}

/** Deletes an operator's record; false when there was none (so a refused write wrote nothing). */
async function removeRecord(c: OperatorCase, reference: string): Promise<boolean> {
  const answer = await post<{ d: { deleted: boolean } }>(
    hub.gatewayUrl,
    `mutation($r: ID!) { d: ${c.remove}(reference: $r) { deleted } }`,
    { r: reference },
    bearer(await operatorToken(c)),
  );
  expect(answer.errors).toBeUndefined();
  return answer.data!.d.deleted;
}

interface Links {
  operator: string;
  recordCount: number;
  linkedCount: number;
  withoutSheetCount: number;
  unlinkedCount: number;
}
interface LinkedRecord {
  reference: string;
  actionSheetId: string | null;
  actionSheet: { id: string } | null;
}
type TerritoryRecords = {
  territory: Record<SliceName, { actionSheetLinks: Links | null; records: { nodes: LinkedRecord[] } }>;
};

/** Each operator's link counts in the territory and its records of the case's kind, in one request. */
async function territoryRecords(territoryId: string) {
  const slices = OPERATORS.map(
    (c) => `${c.slice} {
      actionSheetLinks { operator recordCount linkedCount withoutSheetCount unlinkedCount }
      records: ${c.list}(first: 200) { nodes { reference actionSheetId actionSheet { id } } } }`,
  ).join(' ');
  return post<TerritoryRecords>(hub.gatewayUrl, `query($id: ID!) { territory(id: $id) { ${slices} } }`, {
    id: territoryId,
  });
}

describe("a sheet the territory's team wrote, named by the operators' records", () => {
  it('links the records to it; once the team deletes it, their actionSheet is null and they count as unlinked', async () => {
    const sheet = 'E2E-8412-ATELIER';
    await createSheet(sheet, T);
    const before = await territoryRecords(T);
    expect(before.errors).toBeUndefined();

    for (const c of OPERATORS) {
      const written = await createRecord(c, `E2E-${c.slice.slice(0, 3).toUpperCase()}-1`, T, sheet);
      expect([c.slice, written.errors]).toEqual([c.slice, undefined]);
      // The gateway resolves the record's sheet through the programme: the title is the team's.
      expect(written.data!.w![c.result]).toEqual({
        reference: `E2E-${c.slice.slice(0, 3).toUpperCase()}-1`,
        actionSheet: { id: sheet, title: sheetInput(sheet, T).title },
      });
    }

    // The sheet, read from the programme, carries each operator's record in its slice: declared, not sample.
    const slices = OPERATORS.map(
      (c) => `${c.slice} { summary { recordCount nature } ${c.list}(first: 5) { nodes { reference } } }`,
    ).join(' ');
    const read = await post<{
      actionSheet: { id: string; territory: { id: string } } & Record<SliceName, SliceAnswer>;
    }>(hub.gatewayUrl, `query($id: ID!) { actionSheet(id: $id) { id territory { id } ${slices} } }`, { id: sheet });
    expect(read.errors).toBeUndefined();
    expect(read.data!.actionSheet.territory.id).toBe(T);
    for (const c of OPERATORS) {
      const slice = read.data!.actionSheet[c.slice];
      expect([c.slice, slice.summary]).toEqual([c.slice, { recordCount: 1, nature: 'DERIVED' }]);
      expect(pageOf(slice, c.list).nodes).toEqual([{ reference: `E2E-${c.slice.slice(0, 3).toUpperCase()}-1` }]);
    }
    const linked = await territoryRecords(T);
    expect(linked.errors).toBeUndefined();
    for (const c of OPERATORS) {
      const was = before.data!.territory[c.slice].actionSheetLinks!;
      expect(linked.data!.territory[c.slice].actionSheetLinks).toEqual({
        ...was,
        recordCount: was.recordCount + 1,
        linkedCount: was.linkedCount + 1,
      });
    }

    await deleteSheet(sheet, T);
    const gone = await post<{ actionSheet: null }>(hub.gatewayUrl, `query($id: ID!) { actionSheet(id: $id) { id } }`, {
      id: sheet,
    });
    expect(gone.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);

    const after = await territoryRecords(T);
    // No crash, no error: the records still name the sheet, which resolves to null, and count as unlinked.
    expect(after.errors).toBeUndefined();
    for (const c of OPERATORS) {
      const reference = `E2E-${c.slice.slice(0, 3).toUpperCase()}-1`;
      expect(after.data!.territory[c.slice].records.nodes).toContainEqual({
        reference,
        actionSheetId: sheet,
        actionSheet: null,
      });
      const was = before.data!.territory[c.slice].actionSheetLinks!;
      expect(after.data!.territory[c.slice].actionSheetLinks).toEqual({
        ...was,
        recordCount: was.recordCount + 1,
        unlinkedCount: was.unlinkedCount + 1,
      });
      expect(await removeRecord(c, reference)).toBe(true);
    }
  });

  it("refuses a record naming another territory's sheet, on actionSheetId, and writes nothing", async () => {
    const foreign = 'E2E-8402-FOREIGN';
    await createSheet(foreign, OTHER);
    const sample = sampleActionSheetsOf(OTHER)[0]!.id;
    for (const c of OPERATORS) {
      for (const [n, sheet] of [foreign, sample].entries()) {
        const reference = `E2E-${c.slice.slice(0, 3).toUpperCase()}-FOREIGN-${n}`;
        const refused = await createRecord(c, reference, T, sheet);
        expect(refused.data ?? null).toBeNull();
        expect(refused.errors?.map((e) => [e.extensions?.code, e.extensions?.fields])).toEqual([
          [
            'BAD_USER_INPUT',
            [
              {
                field: 'actionSheetId',
                message: `action sheet "${sheet}" belongs to territory ${OTHER}, not to the record's territory ${T}`,
              },
            ],
          ],
        ]);
        expect(await removeRecord(c, reference)).toBe(false);
      }
    }
    await deleteSheet(foreign, OTHER);
  });

  // Last: it stops the programme subgraph for good (the hub's stop() then leaves it stopped).
  it('with the programme stopped, refuses writes naming a sheet (DEPENDENCY_UNAVAILABLE), writing nothing; the rest of the territory still reads', async () => {
    const sheet = 'E2E-8412-KEPT';
    await createSheet(sheet, T);
    const kept = (c: OperatorCase) => `E2E-${c.slice.slice(0, 3).toUpperCase()}-KEPT`;
    for (const c of OPERATORS) expect((await createRecord(c, kept(c), T, sheet)).errors).toBeUndefined();
    const up = await territoryRecords(T);
    expect(up.errors).toBeUndefined();
    const rest = () =>
      post<{ territory: { name: string } & Record<SliceName, { summary: { recordCount: number } }> }>(
        hub.gatewayUrl,
        `query($id: ID!) { territory(id: $id) { name population ${OPERATORS.map(
          (c) =>
            `${c.slice} { summary { operator recordCount serviceCount amountEur } services { service { id } recordCount } }`,
        ).join(' ')} } }`,
        { id: T },
      );
    const restUp = await rest();
    expect(restUp.errors).toBeUndefined();

    await hub.subgraphs.get('programme')!.test.stop();

    for (const c of OPERATORS) {
      const reference = `E2E-${c.slice.slice(0, 3).toUpperCase()}-DOWN`;
      const refused = await createRecord(c, reference, T, sheet);
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([
        ['DEPENDENCY_UNAVAILABLE', 'actionSheetId'],
      ]);
      expect(refused.errors![0]!.message).toMatch(
        /^actionSheetId could not be checked, so nothing was written: the programme subgraph \(http:\/\/127\.0\.0\.1:\d+\/graphql\) /,
      );
    }

    // Reads: each operator's records come back as before, with their sheet's id; only what needs the programme
    // (the sheet itself, the link counts) errors, naming the missing dependency.
    const down = await territoryRecords(T);
    for (const c of OPERATORS) {
      const nodes = down.data!.territory[c.slice].records.nodes;
      expect(nodes.map((n) => [n.reference, n.actionSheetId])).toEqual(
        up.data!.territory[c.slice].records.nodes.map((n) => [n.reference, n.actionSheetId]),
      );
      expect(nodes).toContainEqual({ reference: kept(c), actionSheetId: sheet, actionSheet: null });
      expect(nodes.some((n) => n.reference.endsWith('-DOWN'))).toBe(false);
      expect(down.data!.territory[c.slice].actionSheetLinks).toBeNull();
    }
    expect(down.errors!.length).toBeGreaterThan(0);
    expect(new Set(down.errors!.map((e) => e.extensions?.code))).toEqual(new Set(['DEPENDENCY_UNAVAILABLE']));

    // The territory's own data and every operator's panier answer as they did with the programme up.
    const restDown = await rest();
    expect(restDown.errors).toBeUndefined();
    expect(restDown.data).toEqual(restUp.data);
    // Asked beside them, the programme's fields are null with an error naming it: they do not take the territory along.
    const mixed = await post<{
      territory: { name: string; actionSheets: unknown; governance: unknown } & Record<
        SliceName,
        { summary: { recordCount: number } }
      >;
    }>(
      hub.gatewayUrl,
      `query($id: ID!) { territory(id: $id) { name actionSheets(first: 2) { totalCount } governance { roles { role } }
        ${OPERATORS.map((c) => `${c.slice} { summary { recordCount } }`).join(' ')} } }`,
      { id: T },
    );
    expect(mixed.data!.territory).toEqual({
      name: restUp.data!.territory.name,
      actionSheets: null,
      governance: null,
      ...Object.fromEntries(
        OPERATORS.map((c) => [
          c.slice,
          { summary: { recordCount: restUp.data!.territory[c.slice].summary.recordCount } },
        ]),
      ),
    });
    expect(mixed.errors?.map((e) => [e.extensions?.code, e.extensions?.serviceName])).toEqual([
      ['SUBGRAPH_UNAVAILABLE', 'programme'],
    ]);
    for (const c of OPERATORS) {
      expect(await removeRecord(c, `E2E-${c.slice.slice(0, 3).toUpperCase()}-DOWN`)).toBe(false);
      expect(await removeRecord(c, kept(c))).toBe(true);
    }
  });
});
