// What front-ends rely on: automatic persisted queries, and cache headers derived from the data's nature.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub?.stop());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function postBody(body: unknown) {
  const response = await fetch(hub.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('automatic persisted queries', () => {
  const query = 'query Named($id: ID!) { territory(id: $id) { name } }';
  const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
  const variables = { id: '2023-2027:ti-8402' };

  it('asks for the full text once, then answers the hash alone (POST and GET)', async () => {
    const unknown = await postBody({ extensions, variables });
    expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await postBody({ query, extensions, variables });
    expect(registered.body.data.territory.name).toBe('Bassin de Bourg-en-Bresse');
    const byHash = await postBody({ extensions, variables });
    expect(byHash.body).toEqual({ data: { territory: { name: 'Bassin de Bourg-en-Bresse' } } });
    // GET with the hash only: what a CDN can cache.
    const url = `${hub.gatewayUrl}?extensions=${encodeURIComponent(JSON.stringify(extensions))}&variables=${encodeURIComponent(JSON.stringify(variables))}`;
    const get = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { territory: { name: 'Bassin de Bourg-en-Bresse' } } });
    expect(get.headers.get('cache-control')).toBe('max-age=3600, public');
  });

  it('refuses a hash that does not match the query text', async () => {
    const wrong = await postBody({
      query,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256('something else') } },
      variables,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    expect(wrong.body.errors[0].message).toMatch(/persisted query hash .* is not the SHA-256 of the query sent/);
  });
});

describe('cache headers', () => {
  it('lets reference data be cached for an hour', async () => {
    const { headers } = await post(hub.gatewayUrl, '{ territories(first: 5) { nodes { id name region { name } } } }');
    expect(headers.get('cache-control')).toBe('max-age=3600, public');
  });

  it('caches answers with operator records for a minute only', async () => {
    const { headers, errors } = await post(
      hub.gatewayUrl,
      'query($id: ID!) { territory(id: $id) { name financing { summary { recordCount } } } }',
      { id: '2023-2027:ti-8402' },
    );
    expect(errors).toBeUndefined();
    expect(headers.get('cache-control')).toBe('max-age=60, public');
  });

  it('never marks an error as cacheable', async () => {
    const { headers, errors } = await post(hub.gatewayUrl, '{ territory(id: "2023-2027:ti-9999") { name } }');
    expect(errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(headers.get('cache-control') ?? '').not.toMatch(/max-age=[1-9]/);
  });
});
