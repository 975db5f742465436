// Input edges found by probing, over HTTP through the gateway: each gets a 4xx with a code and a
// message saying what was wrong, never a 500, a stack trace or a reset connection.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { rawPost, startExtraGateway, type ExtraGateway } from './support/faulty-proxy.ts';

const ID = '2023-2027:ti-8402';
let hub: TestHub;
let small: ExtraGateway;

beforeAll(async () => {
  hub = await startTestHub();
  small = await startExtraGateway(hub, { MAX_ALIASES: '3', MAX_BODY_BYTES: '2000' });
});
afterAll(async () => {
  await small?.stop();
  await hub?.stop();
});

const subgraphRequests = () => Object.values(hub.counters()).reduce((sum, c) => sum + c.requests, 0);

describe('float literals out of range', () => {
  it('answers 400 naming the literal, for every Float argument, before any subgraph is called', async () => {
    for (const query of [
      `{ territory(id: "${ID}") { financing { financings(minAmountEur: 1e309) { totalCount } } } }`,
      `{ jobSeekerRanking(phase: PHASE_2023_2027, minPopulationShare: 1e309) { territory { id } } }`,
      `{ jobSeekerRanking(phase: PHASE_2023_2027, minPopulationShare: -2e400) { territory { id } } }`,
    ]) {
      hub.resetCounters();
      const response = await post(hub.gatewayUrl, query);
      expect([query, response.status, response.errors?.[0]?.extensions?.code]).toEqual([
        query,
        400,
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expect(response.errors?.[0]?.message).toMatch(
        /^Float literal -?\de\d+ is out of range: a Float must be a finite number/,
      );
      expect(JSON.stringify(response.errors)).not.toMatch(/INVALID_GRAPHQL|federation-internals/);
      expect(subgraphRequests()).toBe(0);
    }
  });

  it('refuses the same number sent as a variable (JSON reads 1e309 as Infinity) with 400 BAD_USER_INPUT', async () => {
    const response = await rawPost(
      hub.gatewayUrl,
      `{"query": "query($x: Float) { jobSeekerRanking(phase: PHASE_2023_2027, minPopulationShare: $x) { territory { id } } }", "variables": {"x": 1e309}}`,
    );
    expect(response.status).toBe(400);
    expect(response.json?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.json?.errors?.[0]?.message).toMatch(
      /Variable "\$x" got invalid value Infinity; Float cannot represent/,
    );
  });
});

describe('automatic persisted queries', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('answers 400 PERSISTED_QUERY_HASH_MISMATCH when the hash is not that of the query', async () => {
    const query = '{ phases { phase } }';
    const response = await rawPost(
      hub.gatewayUrl,
      JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha(`${query} `) } } }),
    );
    expect(response.status).toBe(400);
    expect(response.json?.errors).toEqual([
      {
        message: 'the persisted query hash (extensions.persistedQuery.sha256Hash) is not the SHA-256 of the query sent',
        extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' },
      },
    ]);
    // The right hash registers the query, which is then served by its hash alone.
    const registered = await rawPost(
      hub.gatewayUrl,
      JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha(query) } } }),
    );
    expect([registered.status, registered.json?.errors]).toEqual([200, undefined]);
    const byHash = await rawPost<{ phases: unknown[] }>(
      hub.gatewayUrl,
      JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha(query) } } }),
    );
    expect([byHash.status, byHash.json?.data?.phases.length]).toEqual([200, 2]);
  });
});

/** POSTs a body in chunks of 1 KB (Transfer-Encoding: chunked, no Content-Length). */
function chunkedPost(url: string, chunks: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.write(`{"query": "{ phases { phase } }", "variables": {"s": "`);
    let sent = 0;
    const next = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write('x'.repeat(1024))) return void req.once('drain', next);
      }
      req.end('"}}');
    };
    next();
  });
}

describe('request bodies', () => {
  it('answers 413 to a chunked body over MAX_BODY_BYTES instead of resetting the connection', async () => {
    hub.resetCounters();
    for (const chunks of [3, 200]) {
      const response = await chunkedPost(small.url, chunks);
      expect([chunks, response.status]).toEqual([chunks, 413]);
      expect(JSON.parse(response.text).errors[0]).toEqual({
        message: 'request body exceeds the limit of 2000 bytes',
        extensions: { code: 'PAYLOAD_TOO_LARGE' },
      });
    }
    expect(subgraphRequests()).toBe(0);
    // A chunked body within the limit is served.
    const fine = await chunkedPost(small.url, 1);
    expect(fine.status).toBe(200);
  });
});

describe('aliases', () => {
  it('counts aliases of __typename in MAX_ALIASES', async () => {
    hub.resetCounters();
    const aliases = Array.from({ length: 4 }, (_, i) => `t${i}: __typename`).join(' ');
    const response = await post(small.url, `{ ${aliases} }`);
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toMatch(/Aliases limit of 3 exceeded, found 4/);
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const nested = await post(small.url, `{ phases { ${aliases} } }`);
    expect(nested.errors?.[0]?.message).toMatch(/Aliases limit of 3 exceeded, found 4/);
    expect(subgraphRequests()).toBe(0);
    const within = await post<{ a: string }>(small.url, `{ a: __typename b: __typename phases { phase } }`);
    expect([within.status, within.errors, within.data?.a]).toEqual([200, undefined, 'Query']);
  });
});
