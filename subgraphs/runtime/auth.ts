// Callers' identity: a signed JWT (jose) naming the operator, or the territory, it acts for, and its scopes.
// Keys come from configuration: an HS256 secret, a public key (PEM) or a local JWKS file.
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { GraphQLError, Kind, parse } from 'graphql';
import { isKnownTerritory } from './perimeters.ts';
import { readSubgraphList } from './registry.ts';
import {
  createLocalJWKSet,
  importSPKI,
  jwtVerify,
  errors as joseErrors,
  type CryptoKey,
  type JWTVerifyGetKey,
} from 'jose';

export const OPERATORS = ['BPIFRANCE', 'FRANCE_TRAVAIL', 'BUSINESS_FRANCE', 'BANQUE_DES_TERRITOIRES'] as const;
export type OperatorCode = (typeof OPERATORS)[number] | 'ANCT';

let operatorList: string[] | undefined;
/**
 * The operators a token may act for: the four of the programme, ANCT, and any value a listed subgraph adds to the
 * Operator enum (a scaffolded operator such as ACTION_LOGEMENT), so adding an operator needs no change here.
 * What a token may write is still decided by each record kind's ownership rule.
 */
export function knownOperators(): string[] {
  if (operatorList) return operatorList;
  const declared = new Set<string>([...OPERATORS, 'ANCT']);
  let entries: ReturnType<typeof readSubgraphList> = [];
  try {
    entries = readSubgraphList();
  } catch {
    // No subgraph list (a bare image): the programme's operators only.
  }
  for (const entry of entries) {
    let document;
    try {
      document = parse(readFileSync(entry.sdlFile, 'utf8'));
    } catch {
      continue; // an image may carry only its own SDL: the others add no operator it could serve
    }
    for (const def of document.definitions)
      if (def.kind === Kind.ENUM_TYPE_DEFINITION && def.name.value === 'Operator')
        for (const value of def.values ?? []) declared.add(value.name.value);
  }
  return (operatorList = [...declared]);
}

/**
 * Who a verified token acts for: an organisation (`operator` claim: an operator, ANCT…) or a territory's own team
 * (`territory` claim, e.g. `2023-2027:ti-8412`), never both. A territory token has no `operator`, so that an operator's
 * ownership rule (`identity.operator === OWNER`) can never hold for it.
 */
export type Identity = {
  subject: string;
  scopes: string[];
} & ({ operator: OperatorCode; territory?: undefined } | { operator?: undefined; territory: string });

/** Who the token acts for, for messages: `BPIFRANCE`, or `territory 2023-2027:ti-8412`. */
export function actingFor(identity: Identity): string {
  return identity.operator ?? `territory ${identity.territory}`;
}

type Key = Uint8Array | CryptoKey | JWTVerifyGetKey;
export interface AuthConfig {
  key?: Key;
  algorithms: string[];
  issuer?: string;
  audience: string;
  /** A token must expire within this many seconds from now (JWT_MAX_LIFETIME_SECONDS, default 24 h). */
  maxLifetimeSeconds: number;
}

export const DEFAULT_MAX_LIFETIME_SECONDS = 24 * 3600;

function maxLifetime(env: NodeJS.ProcessEnv): number {
  const raw = env.JWT_MAX_LIFETIME_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_MAX_LIFETIME_SECONDS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`JWT_MAX_LIFETIME_SECONDS must be a positive integer, got "${raw}"`);
  return value;
}

let cached: { env: NodeJS.ProcessEnv; config: Promise<AuthConfig> } | undefined;

/** JWT_SECRET (HS256), JWT_PUBLIC_KEY_FILE (PEM, RS256/ES256) or JWT_JWKS_FILE; none = writes closed. */
export function authConfig(env: NodeJS.ProcessEnv = process.env): Promise<AuthConfig> {
  if (cached?.env === env) return cached.config;
  const config = (async (): Promise<AuthConfig> => {
    const audience = env.JWT_AUDIENCE ?? 'territoires-industrie-hub';
    const issuer = env.JWT_ISSUER || undefined;
    const maxLifetimeSeconds = maxLifetime(env);
    if (env.JWT_SECRET) {
      if (env.JWT_SECRET.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
      return {
        key: new TextEncoder().encode(env.JWT_SECRET),
        algorithms: ['HS256'],
        issuer,
        audience,
        maxLifetimeSeconds,
      };
    }
    if (env.JWT_PUBLIC_KEY_FILE) {
      const algorithm = env.JWT_ALGORITHM ?? 'RS256';
      return {
        key: await importSPKI(readFileSync(env.JWT_PUBLIC_KEY_FILE, 'utf8'), algorithm),
        algorithms: [algorithm],
        issuer,
        audience,
        maxLifetimeSeconds,
      };
    }
    if (env.JWT_JWKS_FILE) {
      return {
        key: createLocalJWKSet(JSON.parse(readFileSync(env.JWT_JWKS_FILE, 'utf8'))),
        algorithms: ['RS256', 'ES256', 'EdDSA'],
        issuer,
        audience,
        maxLifetimeSeconds,
      };
    }
    return { algorithms: [], issuer, audience, maxLifetimeSeconds };
  })();
  cached = { env, config };
  return config;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** No header → undefined (anonymous); a header that does not verify → UNAUTHENTICATED, with the reason. */
export async function verifyAuthorization(
  header: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Identity | undefined> {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
  const config = await authConfig(env);
  if (!config.key)
    throw unauthenticated(
      'this hub accepts no tokens: no JWT key is configured (JWT_SECRET, JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE)',
    );
  try {
    const { payload } = await jwtVerify(match[1]!, config.key as never, {
      algorithms: config.algorithms,
      issuer: config.issuer,
      audience: config.audience,
      // jose checks `exp` when present; a token without one would never expire.
      requiredClaims: ['exp'],
    });
    // A leaked long-lived token is a standing key: refuse those that expire too far ahead.
    const remaining = payload.exp! - Math.floor(Date.now() / 1000);
    if (remaining > config.maxLifetimeSeconds) {
      throw unauthenticated(
        `token expires too far ahead (in ${remaining} s): this hub accepts tokens that expire within ${config.maxLifetimeSeconds} s (JWT_MAX_LIFETIME_SECONDS); sign a shorter-lived one`,
      );
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(/\s+/).filter(Boolean) : [];
    const subject = String(payload.sub ?? 'anonymous');
    const { operator, territory } = payload;
    if (territory !== undefined) {
      // A territory's team: its own territory, of the official lists, and no operator besides.
      if (operator !== undefined)
        throw unauthenticated(
          'token has both an "operator" and a "territory" claim: a token acts for an operator or for a territory, not both',
        );
      if (typeof territory !== 'string' || !isKnownTerritory(territory))
        throw unauthenticated(
          `token's "territory" claim ${JSON.stringify(territory).slice(0, 60)} is not a territory of the programme (<phase>:<ANCT code>, e.g. 2023-2027:ti-8412)`,
        );
      return { subject, territory, scopes };
    }
    if (typeof operator !== 'string' || !knownOperators().includes(operator)) {
      throw unauthenticated(
        `token has no valid "operator" claim (one of ${knownOperators().join(', ')}) and no "territory" claim (<phase>:<ANCT code>)`,
      );
    }
    return { subject, operator: operator as OperatorCode, scopes };
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw unauthenticated('token expired');
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw unauthenticated('token signature is invalid');
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'exp' && error.reason === 'missing')
      throw unauthenticated(
        `token has no expiry ("exp" claim): this hub accepts tokens that expire within ${(await authConfig(env)).maxLifetimeSeconds} s (JWT_MAX_LIFETIME_SECONDS)`,
      );
    if (error instanceof joseErrors.JWTClaimValidationFailed)
      throw unauthenticated(`token claim "${error.claim}" is invalid: ${error.reason}`);
    throw unauthenticated(`token is invalid: ${(error as Error).message}`);
  }
}

/** Only the owning operator, with the `<slice>:write` scope, may write a subgraph's records. */
export function requireWriter(identity: Identity | undefined, owner: OperatorCode, scope: string): Identity {
  if (!identity)
    throw unauthenticated(
      `writing requires a token: send "Authorization: Bearer <token>" with operator ${owner} and scope ${scope}`,
    );
  if (identity.operator !== owner) {
    throw new GraphQLError(`token acts for ${actingFor(identity)}; these records belong to ${owner}`, {
      extensions: { code: 'FORBIDDEN' },
    });
  }
  if (!identity.scopes.includes(scope)) {
    throw new GraphQLError(`token lacks the scope "${scope}" (has: ${identity.scopes.join(' ') || 'none'})`, {
      extensions: { code: 'FORBIDDEN' },
    });
  }
  return identity;
}

/** Constant-time comparison of the gateway's shared secret. */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
