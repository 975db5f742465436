// The gateway started against the running subgraphs over HTTP, as `npm start` runs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOperations } from '../gateway/operations.ts';
import { post, type ProbeAnswer } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub?.stop());

describe('gateway', () => {
  it('answers every example operation of queries/ without errors', async () => {
    const operations = readOperations();
    expect(operations.map((o) => o.name)).toEqual(expect.arrayContaining(['territories', 'territory-panier']));
    for (const op of operations) {
      const response = await post(hub.gatewayUrl, op.query, op.variables);
      expect([op.name, response.status, response.errors]).toEqual([op.name, 200, undefined]);
      expect(response.data).toBeTruthy();
    }
  });

  it('returns the contract fields of a territory', async () => {
    const { data } = await post<{ territory: unknown }>(
      hub.gatewayUrl,
      `query($id: ID!) { territory(id: $id) { id code name phase region { code name } groupements { siren name } } }`,
      { id: '2023-2027:ti-8402' },
    );
    expect(data!.territory).toEqual({
      id: '2023-2027:ti-8402',
      code: 'ti-8402',
      name: 'Bassin de Bourg-en-Bresse',
      phase: 'PHASE_2023_2027',
      region: { code: '84', name: 'Auvergne-Rhône-Alpes' },
      groupements: [
        { siren: '200070555', name: 'CC de la Veyle' },
        { siren: '200071751', name: 'CA du Bassin de Bourg-en-Bresse' },
      ],
    });
  });

  it('serves all 332 territories of both phases', async () => {
    type Page = { totalCount: number; nodes: { id: string }[] };
    const { data } = await post<{ all: { totalCount: number }; p1: Page; p2: Page }>(
      hub.gatewayUrl,
      `{ all: territories(first: 1) { totalCount } p1: territories(phase: PHASE_2019_2022, first: 200) { totalCount nodes { id } } p2: territories(phase: PHASE_2023_2027, first: 200) { totalCount nodes { id } } }`,
    );
    expect([data!.all.totalCount, data!.p1.totalCount, data!.p2.totalCount]).toEqual([332, 149, 183]);
    expect(data!.p1.nodes).toHaveLength(149);
    expect(data!.p2.nodes).toHaveLength(183);
  });

  it('passes a clear client error through for bad input', async () => {
    const unknown = await post(hub.gatewayUrl, `{ territory(id: "2023-2027:ti-9999") { name } }`);
    expect(unknown.status).toBe(200);
    expect(unknown.errors?.[0]?.message).toBe('territory "2023-2027:ti-9999" not found');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The gateway refuses an oversized page before calling any subgraph…
    const page = await post(hub.gatewayUrl, `{ territories(first: 201) { totalCount } }`);
    expect(page.errors?.[0]?.message).toBe('Page size limit: first = 201 at territories exceeds the maximum of 200.');
    expect(page.errors?.[0]?.extensions?.code).toBe('PAGE_SIZE_LIMIT');
    // …and the subgraph checks what the gateway lets through.
    const zero = await post(hub.gatewayUrl, `{ territories(first: 0) { totalCount } }`);
    expect(zero.errors?.[0]?.message).toBe('first: must be between 1 and 200 (got 0)');
    expect(zero.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const invalid = await post(hub.gatewayUrl, `{ territory(id: 12) { nope } }`);
    expect(invalid.status).toBe(400);
    expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('has health and readiness endpoints that see the subgraphs', async () => {
    const base = new URL(hub.gatewayUrl);
    expect(await (await fetch(new URL('/health', base))).json()).toEqual({ status: 'ok', pid: process.pid });
    const ready = await fetch(new URL('/ready', base));
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as ProbeAnswer;
    expect(body.subgraphs!.map((s) => [s.name, s.reachable]).sort()).toEqual(
      [...hub.subgraphs.keys()].sort().map((n) => [n, true]),
    );
  });

  it('serves GraphiQL and its assets itself, preloaded with the example operations', async () => {
    const page = await fetch(hub.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('query TerritoryPanier($id: ID!)');
    // Nothing from a CDN: every script and stylesheet is a path on the gateway.
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      const response = await fetch(new URL(asset, hub.gatewayUrl));
      expect([asset, response.status]).toEqual([asset, 200]);
      expect((await response.text()).length).toBeGreaterThan(1000);
    }
  });
});
