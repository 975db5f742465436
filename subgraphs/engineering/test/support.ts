// Test support of the engineering writes run in-process: an operation with the identity the HTTP layer would verify
// from `Authorization: Bearer <jwt>` (tokens from the one test signer, test/support/token.ts), and table read-outs.
import { sql } from 'kysely';
import type { Result, TestSubgraph } from '../../../test/support/harness.ts';
import { signToken, TEST_JWT_ENV, type TokenClaims } from '../../../test/support/token.ts';
import { verifyAuthorization } from '../../runtime/auth.ts';
import type { Origin, RecordRow } from '../db.ts';
import type { EngineeringContext } from '../resolvers.ts';
import engineering from '../subgraph.ts';

/** The auth configuration is cached per env object: one object for every test. */
const AUTH_ENV = { ...TEST_JWT_ENV } as NodeJS.ProcessEnv;

export type EngineeringSubgraph = TestSubgraph<EngineeringContext>;
export type GqlResult<T = unknown> = Omit<Result<T>, 'statements'>;

/** A token of the Banque des Territoires with the write scope, unless told otherwise. */
export const token = ({
  operator = 'BANQUE_DES_TERRITOIRES',
  scope = 'engineering:write',
  ...rest
}: TokenClaims = {}) => signToken({ operator, scope, ...rest });

/** The per-request context the HTTP server builds: the caller's token verified on first use. */
export function context(sg: EngineeringSubgraph, jwt?: string): EngineeringContext {
  return {
    ...engineering.context(sg.prepared.database),
    identity: () => verifyAuthorization(jwt ? `Bearer ${jwt}` : undefined, AUTH_ENV),
  };
}

/** Runs an operation as the subgraph's HTTP layer would for a request with (or without) a bearer token. */
export async function run<T = unknown>(
  sg: EngineeringSubgraph,
  query: string,
  variables: Record<string, unknown> = {},
  jwt?: string,
): Promise<GqlResult<T>> {
  const response = await sg.prepared.apollo.executeOperation({ query, variables }, { contextValue: context(sg, jwt) });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  return response.body.singleResult as GqlResult<T>;
}

export const db = (sg: EngineeringSubgraph) => context(sg).db;

export async function countRows(
  sg: EngineeringSubgraph,
  where: { reference?: string; origin?: Origin } = {},
): Promise<number> {
  let q = db(sg)
    .selectFrom('engineering_record')
    .select(sql<number>`count(*)`.as('n'));
  if (where.reference) q = q.where('reference', '=', where.reference);
  if (where.origin) q = q.where('origin', '=', where.origin);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Every row, for "nothing changed" assertions. */
export function snapshot(sg: EngineeringSubgraph): Promise<RecordRow[]> {
  return db(sg).selectFrom('engineering_record').selectAll().orderBy('reference').execute();
}

/** The problems of a BAD_USER_INPUT on a record input. */
export const fieldsOf = (r: GqlResult) =>
  (r.errors?.[0]?.extensions?.fields ?? []) as { field: string; message: string }[];
export const codeOf = (r: GqlResult) => r.errors?.[0]?.extensions?.code;
