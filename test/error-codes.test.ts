// Same rule, same code (issue 9; schema/CONVENTIONS.md "Errors"): the same faults, driven the user's way (over HTTP,
// through the gateway, with real signed tokens) through every operator, must get the same answer: the same code and
// the same extensions. Data-driven: one row per operator in OPERATORS (its mutations, a valid input, the form of its
// sample references, a list with a `service` argument) and one expected answer per fault in RULES. To cover a new
// operator (or record kind), add a row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKeyset } from '../subgraphs/runtime/cursors.ts';
import { territoryIdsOf } from '../subgraphs/runtime/perimeters.ts';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { signToken, TEST_JWT_ENV } from './support/token.ts';

/** A territory of the second phase with sample records in every operator. */
const T = '2023-2027:ti-8412';

interface OperatorCase {
  subgraph: string;
  operator: string;
  scope: string;
  mutations: { create: string; update: string; delete: string; input: string; patch: string };
  /** A valid input with this reference. */
  valid: (reference: string) => Record<string, unknown>;
  /** One field with another valid value (same reference, other values → CONFLICT; also a valid patch). */
  other: Record<string, unknown>;
  /** Form of the generated sample's references (reserved to the sample). */
  sampleReference: RegExp;
  /** `territory { <slice> { <list>(service: …) } }`: a page of this record kind with a `service` filter. */
  slice: string;
  list: string;
}

export const OPERATORS: OperatorCase[] = [
  {
    subgraph: 'financing',
    operator: 'BPIFRANCE',
    scope: 'financing:write',
    mutations: {
      create: 'createFinancing',
      update: 'updateFinancing',
      delete: 'deleteFinancing',
      input: 'FinancingInput',
      patch: 'FinancingPatch',
    },
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
    other: { amountEur: 20_000 },
    sampleReference: /^BPI-FIN-\d{4}-\d{4}-\d+$/,
    slice: 'financing',
    list: 'financings',
  },
  {
    subgraph: 'recruitment',
    operator: 'FRANCE_TRAVAIL',
    scope: 'recruitment:write',
    mutations: {
      create: 'createRecruitmentAction',
      update: 'updateRecruitmentAction',
      delete: 'deleteRecruitmentAction',
      input: 'RecruitmentActionInput',
      patch: 'RecruitmentActionPatch',
    },
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
    other: { participants: 43 },
    sampleReference: /^FT-\d{4}-\d{4}-[A-Z]{3}-\d{4,}$/,
    slice: 'recruitment',
    list: 'actions',
  },
  {
    subgraph: 'attractiveness',
    operator: 'BUSINESS_FRANCE',
    scope: 'attractiveness:write',
    mutations: {
      create: 'createSitePromotion',
      update: 'updateSitePromotion',
      delete: 'deleteSitePromotion',
      input: 'SitePromotionInput',
      patch: 'SitePromotionPatch',
    },
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
    other: { hectares: 13 },
    sampleReference: /^BF-(IDE|EXP|SIT)-\d{4}-\d{4}-\d{4,}$/,
    slice: 'attractiveness',
    list: 'sitePromotions',
  },
  {
    subgraph: 'engineering',
    operator: 'BANQUE_DES_TERRITOIRES',
    scope: 'engineering:write',
    mutations: {
      create: 'createEngineeringSupport',
      update: 'updateEngineeringSupport',
      delete: 'deleteEngineeringSupport',
      input: 'EngineeringSupportInput',
      patch: 'EngineeringSupportPatch',
    },
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
    other: { amountEur: 46_000 },
    sampleReference: /^BDT-(ING|CDP|VTE|PRT)-(2019|2023)-\d{4}-\d{4}$/,
    slice: 'engineering',
    list: 'supports',
  },
];

/** What a client can rely on in an error: its code and the extensions of the table (schema/CONVENTIONS.md). */
interface Answer {
  code: string | undefined;
  argumentName?: string;
  field?: string;
  /** The fields named in `extensions.fields`, sorted. */
  fields?: string[];
}

/** The one expected answer of each fault, whatever the operator. */
const RULES = {
  sampleWrite: { code: 'FORBIDDEN', field: 'reference' },
  sampleUpdate: { code: 'FORBIDDEN', field: 'reference' },
  unknownService: { code: 'BAD_USER_INPUT', argumentName: 'service' },
  forgedCursor: { code: 'BAD_USER_INPUT', argumentName: 'after' },
  overflowingCursor: { code: 'BAD_USER_INPUT', argumentName: 'after' },
  /** A type error (date) and a referential one (territory) in one input: both reported, in one answer. */
  badFields: { code: 'BAD_USER_INPUT', fields: ['date', 'territoryId'] },
  unknownReference: { code: 'NOT_FOUND', field: 'reference' },
  conflict: { code: 'CONFLICT', field: 'reference' },
  noToken: { code: 'UNAUTHENTICATED' },
  wrongOperator: { code: 'FORBIDDEN' },
  /** A claim naming no Operator value of the graph. */
  unknownOperator: { code: 'UNAUTHENTICATED' },
  missingScope: { code: 'FORBIDDEN' },
  expiredToken: { code: 'UNAUTHENTICATED' },
} satisfies Record<string, Answer>;

type Fault = keyof typeof RULES;

interface GraphQLErrorLike {
  extensions?: { code?: string; argumentName?: string; field?: string; fields?: { field: string }[] };
}

/** The answer of the first error (or `no error`). */
function answerOf(errors: GraphQLErrorLike[] | undefined): Answer | 'no error' {
  const e = errors?.[0]?.extensions;
  if (!errors?.length) return 'no error';
  const answer: Answer = { code: e?.code };
  if (e?.argumentName !== undefined) answer.argumentName = e.argumentName;
  if (e?.field !== undefined) answer.field = e.field;
  if (e?.fields !== undefined) answer.fields = [...new Set(e.fields.map((f) => f.field))].sort();
  return answer;
}

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories', ...OPERATORS.map((o) => o.subgraph)], env: TEST_JWT_ENV });
}, 300_000);
afterAll(async () => {
  await hub?.stop();
});

/** Runs every fault through one operator and returns its answers. */
async function faultsOf(o: OperatorCase): Promise<Record<Fault, Answer | 'no error'>> {
  const m = o.mutations;
  const writer = await signToken({ operator: o.operator, scope: o.scope });
  const as = (token: string | null): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  /** `token`: null sends no Authorization header. */
  const create = (input: Record<string, unknown>, token: string | null = writer) =>
    post(
      hub.gatewayUrl,
      `mutation($input: ${m.input}!) { ${m.create}(input: $input) { created } }`,
      { input },
      as(token),
    );
  const update = (reference: string, patch: Record<string, unknown>) =>
    post(
      hub.gatewayUrl,
      `mutation($r: ID!, $patch: ${m.patch}!) { ${m.update}(reference: $r, patch: $patch) { updated } }`,
      { r: reference, patch },
      as(writer),
    );
  const remove = (reference: string) =>
    post<Record<string, { deleted: boolean } | null>>(
      hub.gatewayUrl,
      `mutation($r: ID!) { ${m.delete}(reference: $r) { deleted } }`,
      { r: reference },
      as(writer),
    );
  /** The territory's slice and list are named by the operator case: `territory[o.slice][o.list]`. */
  type Page = { territory: Record<string, Record<string, { nodes: { reference: string }[] }>> };
  const page = (args: { service?: string; after?: string }, territory = T) =>
    post<Page>(
      hub.gatewayUrl,
      `query($id: ID!, $service: ID, $after: String) { territory(id: $id) { ${o.slice} {
        ${o.list}(first: 1, service: $service, after: $after) { nodes { reference } } } } }`,
      { id: territory, ...args },
    );

  // A sample record: the first of T, or of the next territories when T has none of this kind.
  let sample: string | undefined;
  for (const id of [T, ...territoryIdsOf('2023-2027').slice(0, 30)]) {
    const r = await page({}, id);
    expect(r.errors).toBeUndefined();
    sample = r.data!.territory[o.slice]![o.list]!.nodes[0]?.reference;
    if (sample) break;
  }
  expect(sample).toMatch(o.sampleReference);

  const key = `ERRCODE-${o.subgraph.toUpperCase()}-1`;
  const answers = {} as Record<Fault, Answer | 'no error'>;
  answers.sampleWrite = answerOf((await create(o.valid(sample!))).errors);
  answers.sampleUpdate = answerOf((await update(sample!, o.other)).errors);
  answers.unknownService = answerOf((await page({ service: 'no-such:service' })).errors);
  answers.forgedCursor = answerOf((await page({ after: 'not-a-cursor' })).errors);
  // Beyond int4 for a position cursor, and a keyset value of the wrong type and size.
  const overflowing = [Buffer.from('pos:99999999999').toString('base64url'), encodeKeyset([2147483648, 'x'])];
  const overflowAnswers = await Promise.all(overflowing.map(async (after) => answerOf((await page({ after })).errors)));
  answers.overflowingCursor =
    overflowAnswers.find((a) => JSON.stringify(a) !== JSON.stringify(RULES.overflowingCursor)) ?? overflowAnswers[0]!;
  answers.badFields = answerOf(
    (await create({ ...o.valid(key), territoryId: '2023-2027:ti-9999', date: '2024-02-30' })).errors,
  );
  answers.unknownReference = answerOf((await update(`${key}-NOPE`, o.other)).errors);

  // Who may write: nothing of these may be written.
  const expired = await signToken({
    operator: o.operator,
    scope: o.scope,
    expiresAt: Math.floor(Date.now() / 1000) - 60,
  });
  const otherOperator = o.operator === 'BPIFRANCE' ? 'FRANCE_TRAVAIL' : 'BPIFRANCE';
  const otherToken = await signToken({ operator: otherOperator, scope: o.scope });
  const noScope = await signToken({ operator: o.operator, scope: '' });
  const refused: [Fault, string | null][] = [
    ['noToken', null],
    ['wrongOperator', otherToken],
    ['unknownOperator', await signToken({ operator: 'NOT_AN_OPERATOR', scope: o.scope })],
    ['missingScope', noScope],
    ['expiredToken', expired],
  ];
  for (const [fault, token] of refused) {
    const answer = answerOf((await create(o.valid(key), token)).errors);
    // A refused write must leave nothing: a record found afterwards is part of the answer.
    const removed = await remove(key);
    expect(removed.errors).toBeUndefined();
    answers[fault] = removed.data![m.delete]!.deleted
      ? { code: `WRITTEN, answered ${JSON.stringify(answer)}` }
      : answer;
  }

  // CONFLICT: the record exists, then other values for its reference.
  const made = await create(o.valid(key));
  answers.conflict = made.errors
    ? answerOf(made.errors)
    : answerOf((await create({ ...o.valid(key), ...o.other })).errors);
  if (!made.errors) expect((await remove(key)).data?.[m.delete]).toEqual({ deleted: true });
  return answers;
}

describe('same rule, same code: the same faults through every operator', () => {
  for (const o of OPERATORS) {
    it(`${o.subgraph}: every fault gets the answer of the table`, async () => {
      const answers = await faultsOf(o);
      expect(answers).toEqual(RULES);
    }, 120_000);
  }
});
