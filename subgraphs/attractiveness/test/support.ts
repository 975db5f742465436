// Test helpers of the attractiveness writes: tokens from the tests' one signer (test/support/token.ts), operations
// run in-process with the caller's identity verified exactly as the HTTP server does.
import type { Kysely } from 'kysely';
import { signToken, TEST_JWT_ENV } from '../../../test/support/token.ts';
import { verifyAuthorization } from '../../runtime/auth.ts';
import type { Result, TestSubgraph } from '../../../test/support/harness.ts';
import type { FieldProblem } from '../../runtime/records.ts';
import type { AttractivenessDB, RecordTable } from '../db.ts';
import type { AttractivenessContext } from '../resolvers.ts';
import attractiveness from '../subgraph.ts';

/** One object for the whole run: the runtime caches the key per env object. */
export const ENV: NodeJS.ProcessEnv = { ...TEST_JWT_ENV };

export interface TokenOptions {
  operator?: string;
  scope?: string;
  secret?: string;
  expired?: boolean;
}

/** A token of Business France with the write scope unless told otherwise. */
export function token({
  operator = 'BUSINESS_FRANCE',
  scope = 'attractiveness:write',
  secret,
  expired = false,
}: TokenOptions = {}) {
  return signToken({
    operator,
    scope,
    secret,
    expiresAt: expired ? Math.floor(Date.now() / 1000) - 3600 : undefined,
  });
}

export type Answer<T = unknown> = Omit<Result<T>, 'statements'>;

/** The field problems of a BAD_USER_INPUT answer. */
export const fieldsOf = (answer: Answer<unknown>) => (answer.errors?.[0]?.extensions?.fields ?? []) as FieldProblem[];

/** Runs an operation as the holder of `bearer` (none: anonymous). */
export async function run<T = unknown>(
  sg: TestSubgraph<AttractivenessContext>,
  bearer: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Answer<T>> {
  const response = await sg.prepared.apollo.executeOperation(
    { query, variables },
    {
      contextValue: {
        ...attractiveness.context(sg.prepared.database),
        identity: () => verifyAuthorization(bearer ? `Bearer ${bearer}` : undefined, ENV),
      },
    },
  );
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  return response.body.singleResult as Answer<T>;
}

export const db = (sg: TestSubgraph<AttractivenessContext>) =>
  sg.prepared.database.db as unknown as Kysely<AttractivenessDB>;

/** Every row of a table, by reference: "nothing was written" compares two snapshots. */
export async function snapshot(sg: TestSubgraph<AttractivenessContext>, table: RecordTable = 'investment_project') {
  const rows = await db(sg).selectFrom(table).selectAll().orderBy('reference').execute();
  return rows;
}

export const INVESTMENT_FIELDS = `reference service { id } investor { name country { code name } } sector naf kind jobsCreated jobsSaved
  investmentEur date year status dataset { id nature publisher licence }`;

export function investmentInput(overrides: Record<string, unknown> = {}) {
  return {
    reference: 'BFOP-IDE-2025-TEST-1',
    territoryId: '2023-2027:ti-8412',
    serviceId: 'attractiveness:investissement-etranger',
    investorName: 'Testwerk GmbH (test)',
    investorCountry: 'DE',
    sector: 'Plasturgie',
    naf: '22.29A',
    kind: 'EXTENSION',
    jobsCreated: 25,
    jobsSaved: 10,
    investmentEur: 3_500_000,
    date: '2025-11-30',
    status: 'DECIDED',
    ...overrides,
  };
}

export const CREATE_INVESTMENT = `mutation($input: InvestmentProjectInput!) { createInvestmentProject(input: $input) { created updated record { ${INVESTMENT_FIELDS} } } }`;
export const UPDATE_INVESTMENT = `mutation($reference: ID!, $patch: InvestmentProjectPatch!) { updateInvestmentProject(reference: $reference, patch: $patch) { created updated record { ${INVESTMENT_FIELDS} } } }`;
export const DELETE_INVESTMENT =
  'mutation($reference: ID!) { deleteInvestmentProject(reference: $reference) { reference deleted } }';
