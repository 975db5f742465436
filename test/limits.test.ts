// Limits for ad-hoc queries, over HTTP: every limit refuses an offending operation with a message
// naming the limit and a code, before any subgraph is called; the example operations pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOperations } from '../gateway/operations.ts';
import { post, startTestSubgraph, type TestSubgraph } from './support/harness.ts';
import { loadModule, startTestHub, type TestHub } from './support/hub.ts';
import {
  rawPost,
  SQL_LEAK,
  startExtraGateway,
  startFaultyProxy,
  type ExtraGateway,
  type FaultyProxy,
} from './support/faulty-proxy.ts';

const ID = '2023-2027:ti-8402';
/** What tests read of a territory's name and financing slice (null when the subgraph fails). */
type NameAndFinancing = { territory: { name: string; financing: unknown } | null };
let hub: TestHub;
/** Same subgraphs, small limits. */
let small: ExtraGateway;

beforeAll(async () => {
  hub = await startTestHub();
  small = await startExtraGateway(hub, {
    MAX_DEPTH: '4',
    MAX_ALIASES: '3',
    MAX_DIRECTIVES: '3',
    MAX_TOKENS: '120',
    MAX_COST: '300',
    MAX_PAGE_SIZE: '50',
    MAX_BODY_BYTES: '2000',
  });
});
afterAll(async () => {
  await small?.stop();
  await hub?.stop();
});

function subgraphRequests(): number {
  return Object.values(hub.counters()).reduce((sum, c) => sum + c.requests, 0);
}

/** Sends an operation that must be refused at the gateway: returns the first error; checks no subgraph was called. */
async function refused(url: string, query: string, variables?: Record<string, unknown>) {
  hub.resetCounters();
  const response = await post(url, query, variables);
  expect(response.data ?? undefined).toBeUndefined();
  expect(response.errors).toHaveLength(1);
  expect(subgraphRequests()).toBe(0);
  return { status: response.status, error: response.errors![0]! };
}

describe('limits', () => {
  it('accepts every example operation of queries/ with the default limits', async () => {
    for (const op of readOperations()) {
      const response = await post(hub.gatewayUrl, op.query, op.variables);
      expect([op.name, response.status, response.errors?.map((e) => e.message)]).toEqual([op.name, 200, undefined]);
    }
  });

  it('refuses a query deeper than MAX_DEPTH', async () => {
    const { status, error } = await refused(
      small.url,
      `{ territory(id: "${ID}") { groupements { territories { region { code } } } } }`,
    );
    expect(status).toBe(400);
    expect(error.message).toMatch(/depth limit of 4 exceeded, found 5/);
    expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // Fragments do not hide depth.
    const hidden = await refused(
      small.url,
      `{ territory(id: "${ID}") { ...G } } fragment G on Territory { groupements { territories { region { code } } } }`,
    );
    expect(hidden.error.message).toMatch(/depth limit of 4 exceeded/);
  });

  it('refuses more aliases than MAX_ALIASES', async () => {
    const { status, error } = await refused(
      small.url,
      `{ a: phases { phase } b: phases { phase } c: phases { phase } d: phases { phase } }`,
    );
    expect(status).toBe(400);
    expect(error.message).toMatch(/Aliases limit of 3 exceeded, found 4/);
    expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses more directives than MAX_DIRECTIVES', async () => {
    const { status, error } = await refused(
      small.url,
      `{ phases @include(if: true) { phase @skip(if: false) } regions @include(if: true) { code @skip(if: false) } }`,
    );
    expect(status).toBe(400);
    expect(error.message).toMatch(/Directives limit of 3 exceeded, found 4/);
    expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a document of more than MAX_TOKENS tokens before parsing it whole', async () => {
    const fields = Array.from({ length: 150 }, () => 'phase').join(' ');
    const { status, error } = await refused(small.url, `{ phases { ${fields} } }`);
    expect(status).toBe(400);
    expect(error.message).toMatch(/Document contains more tha[nt] 120 tokens/);
    expect(error.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('refuses an operation whose cost (lists weighted by page size) is over MAX_COST, with the default limits', async () => {
    const query = `{ territories(first: 200) { nodes { id financing { financings(first: 100) { nodes { reference amountEur date } } } } } }`;
    const { status, error } = await refused(hub.gatewayUrl, query);
    expect(status).toBe(400);
    expect(error.message).toMatch(/Query cost limit of 50000 exceeded: estimated cost \d+/);
    expect(error.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
    expect(error.extensions?.limit).toBe(50000);
    expect(Number(error.extensions?.cost)).toBeGreaterThan(200 * 100 * 3);
    // Page sizes given as variables count as well.
    const viaVariables = await refused(
      small.url,
      `query($n: Int) { territories(first: $n) { nodes { id name code phase population communeCount } } }`,
      { n: 50 },
    );
    expect(viaVariables.error.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
    // The same shape with small pages passes.
    const cheap = await post(
      hub.gatewayUrl,
      `{ territories(first: 5) { nodes { id financing { financings(first: 5) { nodes { reference } } } } } }`,
    );
    expect([cheap.status, cheap.errors]).toEqual([200, undefined]);
  });

  it('refuses a page larger than MAX_PAGE_SIZE, nested or given as a variable', async () => {
    const top = await refused(hub.gatewayUrl, `{ territories(first: 201) { totalCount } }`);
    expect(top.status).toBe(400);
    expect(top.error.message).toBe('Page size limit: first = 201 at territories exceeds the maximum of 200.');
    expect(top.error.extensions?.code).toBe('PAGE_SIZE_LIMIT');
    const nested = await refused(
      small.url,
      `query($n: Int) { territory(id: "${ID}") { financing { financings(first: $n) { totalCount } } } }`,
      { n: 51 },
    );
    expect(nested.error.message).toBe(
      'Page size limit: first = 51 at territory.financing.financings exceeds the maximum of 50.',
    );
    expect(nested.error.extensions?.code).toBe('PAGE_SIZE_LIMIT');
  });

  it('refuses a request body over MAX_BODY_BYTES with 413', async () => {
    hub.resetCounters();
    const body = JSON.stringify({
      query: `query($s: String) { territories(search: $s) { totalCount } }`,
      variables: { s: 'x'.repeat(3000) },
    });
    const response = await rawPost(small.url, body);
    expect(response.status).toBe(413);
    expect(response.json?.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(response.json?.errors?.[0]?.message).toBe('request body exceeds the limit of 2000 bytes');
    expect(subgraphRequests()).toBe(0);
  });

  it('serves introspection by default', async () => {
    const response = await post<{ __schema: { queryType: { name: string } } }>(
      hub.gatewayUrl,
      `{ __schema { queryType { name } } }`,
    );
    expect([response.status, response.errors, response.data?.__schema.queryType.name]).toEqual([
      200,
      undefined,
      'Query',
    ]);
  });
});

describe('per-request timeout', () => {
  let proxy: FaultyProxy;
  let timed: ExtraGateway;
  beforeAll(async () => {
    // The slow subgraph never answers within the test; the request limit is generous for fast requests
    // on a busy machine. No wall-clock assertion: the 503 REQUEST_TIMEOUT itself says the gateway gave up.
    proxy = await startFaultyProxy(hub.subgraphs.get('financing')!.url, { mode: 'slow', delayMs: 600_000 });
    timed = await startExtraGateway(
      hub,
      { REQUEST_TIMEOUT_MS: '5000', SUBGRAPH_TIMEOUT_MS: '600000' },
      { financing: proxy.url },
    );
  });
  afterAll(async () => {
    await timed?.stop();
    await proxy?.stop();
  });

  it('answers 503 REQUEST_TIMEOUT when a request takes longer than REQUEST_TIMEOUT_MS', async () => {
    const response = await post(timed.url, `{ financingCatalogue { id } }`);
    expect(response.status).toBe(503);
    expect(response.errors?.[0]?.extensions?.code).toBe('REQUEST_TIMEOUT');
    expect(response.errors?.[0]?.message).toBe('request took longer than the limit of 5000 ms and was abandoned');
    // Fast requests on the same gateway are unaffected.
    const fast = await post(timed.url, `{ phases { phase } }`);
    expect([fast.status, fast.errors]).toEqual([200, undefined]);
  });
});

describe('introspection off', () => {
  let closed: ExtraGateway;
  beforeAll(async () => {
    closed = await startExtraGateway(hub, { INTROSPECTION: 'false' });
  });
  afterAll(() => closed?.stop());

  it('refuses introspection when INTROSPECTION=false, and still serves queries', async () => {
    const { status, error } = await refused(closed.url, `{ __schema { types { name } } }`);
    expect(status).toBe(400);
    expect(error.message).toMatch(/introspection is not allowed/i);
    expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typeQuery = await refused(closed.url, `{ __type(name: "Territory") { fields { name } } }`);
    expect(typeQuery.error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const normal = await post(closed.url, `{ phases { phase } }`);
    expect([normal.status, normal.errors]).toEqual([200, undefined]);
  });
});

describe('production mode', () => {
  let financing: TestSubgraph;
  let proxy: FaultyProxy;
  let prod: ExtraGateway;
  let leaky: ExtraGateway;
  beforeAll(async () => {
    // A financing subgraph of its own, whose database is then closed (as after a lost connection).
    financing = await startTestSubgraph(await loadModule('financing'));
    const url = await financing.listen();
    prod = await startExtraGateway(hub, { NODE_ENV: 'production' }, { financing: url });
    // A subgraph that answers its errors unmasked, SQL and stack trace included.
    proxy = await startFaultyProxy(hub.subgraphs.get('financing')!.url, { mode: 'sqlError' });
    leaky = await startExtraGateway(hub, { NODE_ENV: 'production' }, { financing: proxy.url });
  });
  afterAll(async () => {
    await prod?.stop();
    await leaky?.stop();
    await proxy?.stop();
    await financing?.stop();
  });

  function expectMasked(error: { message: string; extensions?: Record<string, unknown> }) {
    const text = JSON.stringify(error);
    expect(text).not.toMatch(/stacktrace/i);
    expect(text).not.toMatch(/\bselect\b|\bfrom\b|sqlite|driver|\.ts:|node_modules/i);
    expect(error.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.extensions?.serviceName).toBe('financing');
    expect(error.message).toBe('Internal server error in subgraph "financing"');
  }

  it('hides the internals of an internal error but keeps a code and names the subgraph', async () => {
    await financing.prepared.database.close();
    const response = await post<NameAndFinancing>(
      prod.url,
      `query($id: ID!) { territory(id: $id) { name financing { summary { recordCount } } } }`,
      { id: ID },
    );
    expect(response.status).toBe(200);
    expect(response.data?.territory?.name).toBe('Bassin de Bourg-en-Bresse');
    expect(response.data!.territory!.financing).toBeNull();
    expect(response.errors?.length).toBeGreaterThanOrEqual(1);
    for (const error of response.errors!) expectMasked(error);
  });

  it('hides SQL text and stack traces that a subgraph sends back', async () => {
    const response = await post<NameAndFinancing>(
      leaky.url,
      `query($id: ID!) { territory(id: $id) { name financing { summary { recordCount } } } }`,
      { id: ID },
    );
    expect(response.status).toBe(200);
    expect(response.data!.territory!.financing).toBeNull();
    expect(JSON.stringify(response)).not.toContain(SQL_LEAK.slice(0, 20));
    for (const error of response.errors!) expectMasked(error);
  });

  it('keeps the caller-facing messages of client errors and limits', async () => {
    const notFound = await post(prod.url, `{ territory(id: "2023-2027:ti-9999") { name } }`);
    expect(notFound.errors?.[0]).toMatchObject({
      message: 'territory "2023-2027:ti-9999" not found',
      extensions: { code: 'NOT_FOUND' },
    });
    const syntax = await post(prod.url, `{ territory(id: `);
    expect(syntax.status).toBe(400);
    expect(syntax.errors?.[0]?.message).toMatch(/^Syntax Error/);
    expect(syntax.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    const page = await post(prod.url, `{ territories(first: 500) { totalCount } }`);
    expect(page.errors?.[0]?.extensions).toEqual({ code: 'PAGE_SIZE_LIMIT', limit: 200 });
    expect(page.errors?.[0]?.message).toMatch(/Page size limit/);
    const invalid = await rawPost(prod.url, '{"query": ');
    expect(invalid.status).toBe(400);
    expect(invalid.json?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});
