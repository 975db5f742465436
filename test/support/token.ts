// The one token signer of the tests: HS256 JWTs (jose) as an operator's identity provider would issue them,
// always with an expiry. Start the hub with TEST_JWT_ENV so the gateway and the subgraphs verify them.
import { SignJWT } from 'jose';

export const TEST_JWT_SECRET = 'hub-test-secret-at-least-32-characters-long';
/** Environment of a hub (gateway and subgraphs) that accepts the test tokens. */
export const TEST_JWT_ENV = { JWT_SECRET: TEST_JWT_SECRET };

export interface TokenClaims {
  /** Default BPIFRANCE, none with `territory` (a territory team's token carries no operator). */
  operator?: string;
  /** A territory team's token: the `territory` claim, e.g. `2023-2027:ti-8412`. */
  territory?: string;
  scope?: string;
  subject?: string;
  /** Other claims, e.g. `territory` for a territory team. */
  claims?: Record<string, unknown>;
  secret?: string;
  /** Seconds since the epoch; default: in 5 minutes. */
  expiresAt?: number;
  audience?: string;
}

export function signToken({
  territory,
  operator = territory ? undefined : 'BPIFRANCE',
  scope = '',
  subject = 'test-agent',
  claims = {},
  secret = TEST_JWT_SECRET,
  expiresAt = Math.floor(Date.now() / 1000) + 300,
  audience = 'territoires-industrie-hub',
}: TokenClaims = {}): Promise<string> {
  return new SignJWT({ ...(operator ? { operator } : {}), ...(territory ? { territory } : {}), scope, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}
