// Test support of the engineering writes: tokens signed with a test HS256 secret, and operations run
// in-process with the identity the HTTP layer would verify from the Authorization header.
import { SignJWT } from 'jose';
import type { Kysely } from 'kysely';
import { verifyAuthorization } from '../../runtime/auth.ts';
import type { TestSubgraph } from '../../../test/support/harness.ts';
import type { EngineeringDB, Origin } from '../db.ts';
import engineering from '../subgraph.ts';

export const SECRET = 'engineering-test-secret-0123456789abcdefghij';
/** The auth configuration is cached per env object: one object for the whole file. */
export const AUTH_ENV = { JWT_SECRET: SECRET } as NodeJS.ProcessEnv;

export interface TokenOptions {
  operator?: string;
  scope?: string;
  secret?: string;
  expired?: boolean;
}

export async function token(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    operator: options.operator ?? 'BANQUE_DES_TERRITOIRES',
    scope: options.scope ?? 'engineering:write',
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('test-agent')
    .setAudience('territoires-industrie-hub')
    .setIssuedAt(options.expired ? now - 7200 : now)
    .setExpirationTime(options.expired ? now - 3600 : now + 600)
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

export interface GqlResult {
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

/** Runs an operation as the subgraph's HTTP layer would for a request with (or without) `Authorization: Bearer <jwt>`. */
export async function run(
  sg: TestSubgraph<any>,
  query: string,
  variables: Record<string, unknown> = {},
  jwt?: string,
): Promise<GqlResult> {
  const database = sg.prepared.database;
  const response = await sg.prepared.apollo.executeOperation(
    { query, variables },
    {
      contextValue: {
        ...engineering.context(database),
        identity: () => verifyAuthorization(jwt ? `Bearer ${jwt}` : undefined, AUTH_ENV),
      },
    },
  );
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  return response.body.singleResult as GqlResult;
}

export async function countRows(
  sg: TestSubgraph<any>,
  where: { reference?: string; origin?: string } = {},
): Promise<number> {
  const db = sg.prepared.database.db as Kysely<EngineeringDB>;
  let q = db.selectFrom('engineering_record').select((eb) => eb.fn.countAll<number>().as('n'));
  if (where.reference) q = q.where('reference', '=', where.reference);
  if (where.origin) q = q.where('origin', '=', where.origin as Origin);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Every row, for "nothing changed" assertions. */
export async function snapshot(sg: TestSubgraph<any>): Promise<unknown[]> {
  return sg.prepared.database.db.selectFrom('engineering_record').selectAll().orderBy('reference').execute();
}
