// Subgraphs only answer the gateway when HUB_SHARED_SECRET is set; tokens are checked by the
// subgraphs on writes; CORS only answers the configured origins.
import type { Server } from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../gateway/gateway.ts';
import { GATEWAY_SECRET_HEADER } from '../gateway/datasource.ts';
import { closeServer, listen } from '../subgraphs/runtime/http.ts';
import { subgraphHttpServer } from '../subgraphs/runtime/subgraph.ts';
import { post, startTestSubgraph, type TestSubgraph } from './support/harness.ts';
import { loadModule } from './support/hub.ts';

const SECRET = 'hub-shared-secret-for-tests-0123456789';
const JWT_SECRET = 'jwt-secret-for-the-security-tests-0123456789';
const QUERY = `{ territory(id: "2023-2027:ti-8402") { name } }`;
/** What tests read of QUERY's answer. */
type Named = { territory: { name: string } | null };

let territories: TestSubgraph;
let financing: TestSubgraph;
const servers: Server[] = [];
const gateways: Gateway[] = [];
/** Territories subgraph: guarded, and opened with ALLOW_DIRECT_ACCESS=true. */
let guardedUrl: string;
let openUrl: string;
/** Financing subgraph, guarded, verifying tokens with JWT_SECRET. */
let financingUrl: string;

async function serve(server: Server): Promise<string> {
  servers.push(server);
  return `http://127.0.0.1:${await listen(server, 0)}/graphql`;
}

async function gateway(env: NodeJS.ProcessEnv): Promise<string> {
  const gw = await createGateway({ subgraphUrls: { territories: guardedUrl, financing: financingUrl }, env });
  gateways.push(gw);
  return `http://127.0.0.1:${await listen(gw.http, 0)}/graphql`;
}

beforeAll(async () => {
  [territories, financing] = await Promise.all([
    startTestSubgraph(await loadModule('territories')),
    startTestSubgraph(await loadModule('financing')),
  ]);
  guardedUrl = await serve(subgraphHttpServer(territories.prepared, { HUB_SHARED_SECRET: SECRET }));
  openUrl = await serve(
    subgraphHttpServer(territories.prepared, { HUB_SHARED_SECRET: SECRET, ALLOW_DIRECT_ACCESS: 'true' }),
  );
  financingUrl = await serve(subgraphHttpServer(financing.prepared, { HUB_SHARED_SECRET: SECRET, JWT_SECRET }));
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await Promise.all(servers.map((s) => closeServer(s)));
  await Promise.all([territories?.stop(), financing?.stop()]);
});

describe('shared secret between the gateway and the subgraphs', () => {
  it('refuses a direct request without the secret with 401 and says why', async () => {
    const before = territories.prepared.stats.requests;
    const response = await post(guardedUrl, QUERY);
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toMatch(
      /only answers the hub gateway \(missing or wrong x-hub-gateway-secret\)/,
    );
    expect(territories.prepared.stats.requests).toBe(before);
  });

  it('refuses the wrong secret (and one of another length) with 401', async () => {
    for (const wrong of [`${SECRET.slice(0, -1)}x`, 'short', `${SECRET}${SECRET}`]) {
      const response = await post(guardedUrl, QUERY, undefined, { [GATEWAY_SECRET_HEADER]: wrong });
      expect([wrong, response.status, response.errors?.[0]?.extensions?.code]).toEqual([wrong, 401, 'UNAUTHENTICATED']);
    }
  });

  it('answers a direct request with the right secret, or any with ALLOW_DIRECT_ACCESS=true', async () => {
    const withSecret = await post<Named>(guardedUrl, QUERY, undefined, { [GATEWAY_SECRET_HEADER]: SECRET });
    expect([withSecret.status, withSecret.errors, withSecret.data?.territory?.name]).toEqual([
      200,
      undefined,
      'Bassin de Bourg-en-Bresse',
    ]);
    const open = await post<Named>(openUrl, QUERY);
    expect([open.status, open.errors, open.data?.territory?.name]).toEqual([
      200,
      undefined,
      'Bassin de Bourg-en-Bresse',
    ]);
  });

  it('keeps /health open to probes without the secret', async () => {
    expect((await fetch(new URL('/health', guardedUrl))).status).toBe(200);
  });

  it('passes through a gateway configured with the same secret, not through one without it', async () => {
    const good = await gateway({ HUB_SHARED_SECRET: SECRET });
    const response = await post<{ territory: unknown }>(
      good,
      `{ territory(id: "2023-2027:ti-8402") { name financing { summary { operator } } } }`,
    );
    expect([response.status, response.errors]).toEqual([200, undefined]);
    expect(response.data!.territory).toEqual({
      name: 'Bassin de Bourg-en-Bresse',
      financing: { summary: { operator: 'BPIFRANCE' } },
    });

    const bare = await gateway({});
    const refused = await post<Named>(bare, QUERY);
    expect(refused.status).toBe(200);
    expect(refused.data!.territory).toBeNull();
    expect(refused.errors?.[0]?.message).toBe('subgraph "territories" is unavailable: answered HTTP 401');
    expect(refused.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
  });
});

describe('bearer tokens through the gateway', () => {
  let url: string;
  beforeAll(async () => {
    url = await gateway({ HUB_SHARED_SECRET: SECRET });
  });

  const sign = (claims: Record<string, unknown>, secret = JWT_SECRET) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('territoires-industrie-hub')
      .setSubject('test')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
  const DELETE = `mutation { deleteFinancing(reference: "SEC-TEST-0001") { reference deleted } }`;
  type Deleted = { deleteFinancing: { reference: string; deleted: boolean } | null };

  it('answers reads whatever the token when the gateway holds no key: only the subgraphs verify, on writes', async () => {
    for (const authorization of [
      'Bearer not-a-jwt',
      `Bearer ${await sign({ operator: 'BPIFRANCE' }, 'another-secret-of-at-least-32-characters')}`,
      'Basic dXNlcjpwYXNz',
    ]) {
      const response = await post<{ territory: { financing: { summary: { operator: string } } } | null }>(
        url,
        `{ territory(id: "2023-2027:ti-8402") { name financing { summary { operator } } } }`,
        undefined,
        { authorization },
      );
      expect([authorization, response.status, response.errors]).toEqual([authorization, 200, undefined]);
      expect(response.data?.territory?.financing.summary.operator).toBe('BPIFRANCE');
    }
  });

  it('refuses writes without a token, with an invalid one, or with one of the wrong operator, scope or a territory', async () => {
    const cases: [string | undefined, string, RegExp][] = [
      [undefined, 'UNAUTHENTICATED', /writing requires a token/],
      ['Bearer not-a-jwt', 'UNAUTHENTICATED', /token is invalid/],
      [
        `Bearer ${await sign({ operator: 'BPIFRANCE', scope: 'financing:write' }, 'another-secret-of-at-least-32-characters')}`,
        'UNAUTHENTICATED',
        /signature is invalid/,
      ],
      ['Basic dXNlcjpwYXNz', 'UNAUTHENTICATED', /must be "Bearer <token>"/],
      [
        `Bearer ${await sign({ operator: 'FRANCE_TRAVAIL', scope: 'financing:write' })}`,
        'FORBIDDEN',
        /belong to BPIFRANCE/,
      ],
      [
        `Bearer ${await sign({ operator: 'BPIFRANCE', scope: 'financing:read' })}`,
        'FORBIDDEN',
        /lacks the scope "financing:write"/,
      ],
      // A territory's own team writes its action sheets (programme subgraph), never an operator's records.
      [
        `Bearer ${await sign({ territory: '2023-2027:ti-8412', scope: 'financing:write actions:write' })}`,
        'FORBIDDEN',
        /token acts for territory 2023-2027:ti-8412; these records belong to BPIFRANCE/,
      ],
      [
        `Bearer ${await sign({ territory: '2023-2027:ti-9999', scope: 'financing:write' })}`,
        'UNAUTHENTICATED',
        /"territory" claim "2023-2027:ti-9999" is not a territory of the programme/,
      ],
    ];
    for (const [authorization, code, message] of cases) {
      const response = await post<Deleted>(url, DELETE, undefined, authorization ? { authorization } : {});
      expect(response.data?.deleteFinancing ?? null).toBeNull();
      expect([authorization, response.errors?.[0]?.extensions?.code]).toEqual([authorization, code]);
      expect(response.errors?.[0]?.message).toMatch(message);
    }
  });

  it('accepts a write with a valid token of the owning operator', async () => {
    const authorization = `Bearer ${await sign({ operator: 'BPIFRANCE', scope: 'financing:write' })}`;
    const response = await post<Deleted>(url, DELETE, undefined, { authorization });
    expect([response.status, response.errors]).toEqual([200, undefined]);
    expect(response.data!.deleteFinancing).toEqual({ reference: 'SEC-TEST-0001', deleted: false });
  });
});

describe('tokens verified at the gateway', () => {
  const sign = (claims: Record<string, unknown>, secret = JWT_SECRET) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('territoires-industrie-hub')
      .setSubject('test')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));

  it('refuses a bad token at once when the gateway has the key, and keeps reads open without one', async () => {
    const url = await gateway({ HUB_SHARED_SECRET: SECRET, JWT_SECRET });
    const forged = await post(url, QUERY, undefined, {
      authorization: `Bearer ${await sign({ operator: 'BPIFRANCE' }, 'another-secret-of-at-least-32-characters')}`,
    });
    expect([forged.status, forged.errors?.[0]?.extensions?.code, forged.errors?.[0]?.message]).toEqual([
      401,
      'UNAUTHENTICATED',
      'token signature is invalid',
    ]);
    const anonymous = await post<Named>(url, QUERY);
    expect([anonymous.status, anonymous.data?.territory?.name]).toEqual([200, 'Bassin de Bourg-en-Bresse']);
  });

  it('closes reads to anonymous callers with READS_REQUIRE_AUTH=true', async () => {
    const before = territories.prepared.stats.requests;
    const url = await gateway({ HUB_SHARED_SECRET: SECRET, JWT_SECRET, READS_REQUIRE_AUTH: 'true' });
    const anonymous = await post(url, QUERY);
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.errors?.[0]?.message).toMatch(/requires a token for every request \(READS_REQUIRE_AUTH=true\)/);
    expect(territories.prepared.stats.requests).toBe(before);
    const reader = await post<Named>(url, QUERY, undefined, {
      authorization: `Bearer ${await sign({ operator: 'BUSINESS_FRANCE', scope: 'read' })}`,
    });
    expect([reader.status, reader.errors, reader.data?.territory?.name]).toEqual([
      200,
      undefined,
      'Bassin de Bourg-en-Bresse',
    ]);
  });
});

describe('CORS', () => {
  let url: string;
  beforeAll(async () => {
    url = await gateway({ HUB_SHARED_SECRET: SECRET, CORS_ORIGINS: 'https://territoires.example' });
  });

  const preflight = (origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });

  it('answers the preflight of the configured origin with the allow headers', async () => {
    const response = await preflight('https://territoires.example');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://territoires.example');
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/content-type/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(response.headers.get('vary')).toMatch(/Origin/);
    const actual = await fetch(url, {
      method: 'POST',
      headers: { origin: 'https://territoires.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe('https://territoires.example');
  });

  it('gives a foreign origin no CORS header at all', async () => {
    for (const origin of ['https://evil.example', 'https://territoires.example.evil.example', 'null']) {
      const response = await preflight(origin);
      expect(response.status).toBeLessThan(500);
      const cors = [...response.headers.keys()].filter((h) => h.startsWith('access-control-'));
      expect([origin, cors]).toEqual([origin, []]);
      const actual = await fetch(url, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERY }),
      });
      expect([...actual.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });
});
