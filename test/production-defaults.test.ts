// Safe defaults, over HTTP through the gateway: in production no introspection, no "Did you mean…",
// no GraphiQL unless INTROSPECTION=true; subgraph metrics behind the shared secret; tokens must
// expire, and soon; database errors never reach clients as SQL, whatever the mode.
import type { Server } from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../gateway/gateway.ts';
import { GATEWAY_SECRET_HEADER } from '../gateway/datasource.ts';
import { closeServer, listen } from '../subgraphs/runtime/http.ts';
import { subgraphHttpServer } from '../subgraphs/runtime/subgraph.ts';
import type { GraphqlBody } from './support/faulty-proxy.ts';
import { post, startTestSubgraph, type TestSubgraph } from './support/harness.ts';
import { loadModule } from './support/hub.ts';

const SECRET = 'hub-shared-secret-for-tests-0123456789';
const JWT_SECRET = 'jwt-secret-for-the-production-tests-0123';
const ID = '2023-2027:ti-8402';

let territories: TestSubgraph;
let financing: TestSubgraph;
const servers: Server[] = [];
const gateways: Gateway[] = [];
let territoriesUrl: string;
let financingUrl: string;

async function serve(server: Server): Promise<string> {
  servers.push(server);
  return `http://127.0.0.1:${await listen(server, 0)}/graphql`;
}

async function gateway(env: NodeJS.ProcessEnv, urls: Record<string, string> = {}): Promise<string> {
  const gw = await createGateway({
    subgraphUrls: { territories: territoriesUrl, financing: financingUrl, ...urls },
    env: { HUB_SHARED_SECRET: SECRET, ...env },
  });
  gateways.push(gw);
  return `http://127.0.0.1:${await listen(gw.http, 0)}/graphql`;
}

beforeAll(async () => {
  [territories, financing] = await Promise.all([
    startTestSubgraph(await loadModule('territories')),
    startTestSubgraph(await loadModule('financing')),
  ]);
  territoriesUrl = await serve(subgraphHttpServer(territories.prepared, { HUB_SHARED_SECRET: SECRET }));
  financingUrl = await serve(subgraphHttpServer(financing.prepared, { HUB_SHARED_SECRET: SECRET, JWT_SECRET }));
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  await Promise.all(servers.map((s) => closeServer(s)));
  await Promise.all([territories?.stop(), financing?.stop()]);
});

/** What tests read of `{ territory { name } }`, of an introspection query and of WRITE's answers. */
type Named = { territory: { name: string } | null };
type Schema = { __schema: { queryType: { name: string } } };
type Deleted = { deleteFinancing: { reference: string; deleted: boolean } | null };

const asBrowser = (url: string) => fetch(url, { headers: { accept: 'text/html' } });

describe('introspection, suggestions and GraphiQL in production', () => {
  it('refuses introspection, hides "Did you mean" and says GraphiQL is off with NODE_ENV=production', async () => {
    const url = await gateway({ NODE_ENV: 'production' });
    const introspection = await post<Schema>(url, `{ __schema { queryType { name } } }`);
    expect(introspection.status).toBe(400);
    expect(introspection.data).toBeUndefined();
    expect(introspection.errors?.[0]?.message).toMatch(/introspection is not allowed/i);

    const typo = await post(url, `{ territorie(id: "${ID}") { name } }`);
    expect(typo.status).toBe(400);
    expect(typo.errors?.[0]?.message).toMatch(/Cannot query field "territorie" on type "Query"/);
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean|territory/);

    const page = await asBrowser(url);
    const html = await page.text();
    expect(page.status).toBe(404);
    expect(html).toMatch(/GraphiQL is off/);
    expect(html).toMatch(/INTROSPECTION=true/);
    expect(html).not.toMatch(/graphiql\.js/);
    expect((await fetch(new URL('/graphiql/graphiql.js', url))).status).toBe(404);

    // Queries are served as usual.
    const query = await post<Named>(url, `{ territory(id: "${ID}") { name } }`);
    expect([query.status, query.errors, query.data?.territory?.name]).toEqual([
      200,
      undefined,
      'Bassin de Bourg-en-Bresse',
    ]);
  });

  it('turns all three on again with INTROSPECTION=true', async () => {
    const url = await gateway({ NODE_ENV: 'production', INTROSPECTION: 'true' });
    const introspection = await post<Schema>(url, `{ __schema { queryType { name } } }`);
    expect([introspection.status, introspection.errors, introspection.data?.__schema?.queryType?.name]).toEqual([
      200,
      undefined,
      'Query',
    ]);
    const typo = await post(url, `{ territorie(id: "${ID}") { name } }`);
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean "territories", "territory"/);
    const page = await asBrowser(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/graphiql\.js/);
  });

  it('keeps introspection and suggestions on outside production', async () => {
    const url = await gateway({});
    const introspection = await post<Schema>(url, `{ __schema { queryType { name } } }`);
    expect(introspection.data?.__schema?.queryType?.name).toBe('Query');
    const typo = await post(url, `{ territorie(id: "${ID}") { name } }`);
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean/);
  });
});

describe("subgraphs' /metrics", () => {
  const metrics = (graphqlUrl: string, headers: Record<string, string> = {}) =>
    fetch(new URL('/metrics', graphqlUrl), { headers });

  it('needs the shared secret when HUB_SHARED_SECRET is set, even with ALLOW_DIRECT_ACCESS=true', async () => {
    const open = await serve(
      subgraphHttpServer(territories.prepared, { HUB_SHARED_SECRET: SECRET, ALLOW_DIRECT_ACCESS: 'true' }),
    );
    for (const url of [territoriesUrl, open]) {
      for (const headers of [{}, { [GATEWAY_SECRET_HEADER]: 'wrong' }] as Record<string, string>[]) {
        const refused = await metrics(url, headers);
        const body = (await refused.json()) as GraphqlBody;
        expect(refused.status).toBe(401);
        expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(body.errors?.[0]?.message).toBe(
          "/metrics needs the hub's shared secret: send it in the x-hub-gateway-secret header",
        );
        expect(JSON.stringify(body)).not.toMatch(/sqlStatements|memory/);
      }
      const allowed = await metrics(url, { [GATEWAY_SECRET_HEADER]: SECRET });
      expect(allowed.status).toBe(200);
      expect(((await allowed.json()) as { subgraph: string }).subgraph).toBe('territories');
    }
  });
});

describe('token lifetime', () => {
  const WRITE = `mutation { deleteFinancing(reference: "LIFETIME-0001") { reference deleted } }`;
  const sign = (expiresIn?: number) => {
    const jwt = new SignJWT({ operator: 'BPIFRANCE', scope: 'financing:write' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('territoires-industrie-hub')
      .setSubject('test')
      .setIssuedAt();
    if (expiresIn !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
    return jwt.sign(new TextEncoder().encode(JWT_SECRET));
  };

  it('refuses a token without exp, or expiring more than 24 h ahead, at the subgraph that writes', async () => {
    const url = await gateway({});
    const cases: [number | undefined, RegExp][] = [
      [undefined, /^token has no expiry \("exp" claim\): this hub accepts tokens that expire within 86400 s/],
      [
        48 * 3600,
        /^token expires too far ahead \(in \d+ s\): this hub accepts tokens that expire within 86400 s \(JWT_MAX_LIFETIME_SECONDS\)/,
      ],
    ];
    for (const [expiresIn, message] of cases) {
      const response = await post<Deleted>(url, WRITE, undefined, { authorization: `Bearer ${await sign(expiresIn)}` });
      expect(response.data?.deleteFinancing ?? null).toBeNull();
      expect([expiresIn, response.errors?.[0]?.extensions?.code]).toEqual([expiresIn, 'UNAUTHENTICATED']);
      expect(response.errors?.[0]?.message).toMatch(message);
    }
    const accepted = await post<Deleted>(url, WRITE, undefined, { authorization: `Bearer ${await sign(23 * 3600)}` });
    expect([accepted.status, accepted.errors]).toEqual([200, undefined]);
    expect(accepted.data!.deleteFinancing).toEqual({ reference: 'LIFETIME-0001', deleted: false });
  });

  it('refuses them at the gateway too when it holds the key, with the configured maximum', async () => {
    const url = await gateway({ JWT_SECRET, JWT_MAX_LIFETIME_SECONDS: '3600' });
    const tooLong = await post(url, `{ territory(id: "${ID}") { name } }`, undefined, {
      authorization: `Bearer ${await sign(2 * 3600)}`,
    });
    expect([tooLong.status, tooLong.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(tooLong.errors?.[0]?.message).toMatch(/expire within 3600 s \(JWT_MAX_LIFETIME_SECONDS\)/);
    const noExpiry = await post(url, `{ territory(id: "${ID}") { name } }`, undefined, {
      authorization: `Bearer ${await sign()}`,
    });
    expect([noExpiry.status, noExpiry.errors?.[0]?.message]).toEqual([
      401,
      'token has no expiry ("exp" claim): this hub accepts tokens that expire within 3600 s (JWT_MAX_LIFETIME_SECONDS)',
    ]);
    const fine = await post<Named>(url, `{ territory(id: "${ID}") { name } }`, undefined, {
      authorization: `Bearer ${await sign(1800)}`,
    });
    expect([fine.status, fine.errors, fine.data?.territory?.name]).toEqual([
      200,
      undefined,
      'Bassin de Bourg-en-Bresse',
    ]);
  });
});

describe('database errors outside production', () => {
  let broken: TestSubgraph;
  afterAll(() => broken?.stop());

  it('never shows SQL or driver text, only a code and where to look', async () => {
    // A financing subgraph of its own whose tables are then gone (its records, and the summary tables its figures are
    // read from): every read of them is a real database error.
    broken = await startTestSubgraph(await loadModule('financing'));
    const brokenUrl = await serve(subgraphHttpServer(broken.prepared, { HUB_SHARED_SECRET: SECRET }));
    for (const table of ['financing', 'kit_summary'])
      await broken.prepared.database.db.schema.alterTable(table).renameTo(`${table}_gone`).execute();
    const url = await gateway({}, { financing: brokenUrl });
    const response = await post<{ territory: { name: string; financing: unknown } | null }>(
      url,
      `{ territory(id: "${ID}") { name financing { summary { recordCount } } } }`,
    );
    expect(response.status).toBe(200);
    expect(response.data?.territory?.name).toBe('Bassin de Bourg-en-Bresse');
    expect(response.data!.territory!.financing).toBeNull();
    expect(response.errors?.length).toBeGreaterThanOrEqual(1);
    const text = JSON.stringify(response.errors);
    expect(text).not.toMatch(/\bselect\b|\bfrom\b|no such table|does not exist|sqlite|SqliteError|relation/i);
    for (const error of response.errors!) {
      expect(error.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.message).toMatch(/^Internal server error: a database error \(details in the .*log\)/);
    }
  });
});
