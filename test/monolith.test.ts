// The benchmark's monolith (bench/monolith.ts: every subgraph module in one merged schema, no planner, no
// HTTP between them) gives the same answers as the hub to the benchmark's workloads, on the same databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonolith, type Monolith } from '../bench/monolith.ts';
import { CLEANUP, financingRecordCount, readBody, writeBody, writerToken } from '../bench/workloads.ts';
import { listen } from '../subgraphs/runtime/http.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { TEST_JWT_ENV, TEST_JWT_SECRET } from './support/token.ts';

let hub: TestHub;
let monolith: Monolith;
let monolithUrl: string;
let territoryIds: string[];

async function send(url: string, body: string, authorization?: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
  });
  return { status: response.status, json: await response.json() };
}

beforeAll(async () => {
  hub = await startTestHub({ env: TEST_JWT_ENV });
  // The monolith runs the modules on the very databases the hub's subgraphs use.
  monolith = await createMonolith(
    [...hub.subgraphs.values()].map((s) => ({ module: s.test.prepared.module, database: s.test.prepared.database })),
    { env: { ...process.env, ...TEST_JWT_ENV } },
  );
  monolithUrl = `http://127.0.0.1:${await listen(monolith.handle, 0)}/graphql`;
  const answer = await send(
    hub.gatewayUrl,
    JSON.stringify({ query: '{ territories(phase: PHASE_2023_2027, first: 200) { nodes { id } } }' }),
  );
  const ids = (answer.json as { data: { territories: { nodes: { id: string }[] } } }).data.territories.nodes;
  territoryIds = ids.map((n) => n.id);
});
afterAll(async () => {
  await monolith?.stop();
  await hub?.stop();
});

describe('benchmark monolith', () => {
  it('answers workloads 1 to 3 exactly as the hub does', async () => {
    expect(territoryIds.length).toBeGreaterThan(100);
    // Three territories spread over the list, then the two list-wide workloads.
    const cases = [
      ...[0, 61, 122].map((i) => ({ workload: 1, id: territoryIds[i]! })),
      { workload: 2, id: territoryIds[0]! },
      { workload: 3, id: territoryIds[0]! },
    ];
    for (const { workload, id } of cases) {
      const body = readBody(workload, id);
      const [fromHub, fromMonolith] = await Promise.all([send(hub.gatewayUrl, body), send(monolithUrl, body)]);
      expect(fromHub.status, `workload ${workload} ${id}`).toBe(200);
      expect((fromHub.json as { errors?: unknown }).errors, `hub, workload ${workload} ${id}`).toBeUndefined();
      expect(fromMonolith.json, `workload ${workload} ${id}`).toEqual(fromHub.json);
    }
    // The monolith really ran the modules' SQL (it is no cache of the hub's answers).
    expect(Object.values(monolith.statements()).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('runs workload 4’s write with a signed token, and reads through either then see it', async () => {
    const id = territoryIds[7]!;
    const bearer = `Bearer ${await writerToken(TEST_JWT_SECRET)}`;
    const before = financingRecordCount((await send(hub.gatewayUrl, readBody(4, id))).json);
    expect(before).toBeTypeOf('number');

    const anonymous = await send(monolithUrl, writeBody(id, 'BENCH-TEST-MONO-0'));
    expect((anonymous.json as { errors?: { extensions: { code: string } }[] }).errors?.[0]?.extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    const written = await send(monolithUrl, writeBody(id, 'BENCH-TEST-MONO-1'), bearer);
    expect(written.json).toEqual({ data: { createFinancing: { created: true } } });
    for (const url of [hub.gatewayUrl, monolithUrl])
      expect(financingRecordCount((await send(url, readBody(4, id))).json), url).toBe(before! + 1);

    const viaHub = await send(hub.gatewayUrl, writeBody(id, 'BENCH-TEST-MONO-2'), bearer);
    expect(viaHub.json).toEqual({ data: { createFinancing: { created: true } } });
    expect(financingRecordCount((await send(monolithUrl, readBody(4, id))).json)).toBe(before! + 2);

    for (const reference of ['BENCH-TEST-MONO-1', 'BENCH-TEST-MONO-2']) {
      const removed = await send(monolithUrl, JSON.stringify({ query: CLEANUP, variables: { reference } }), bearer);
      expect(removed.json).toEqual({ data: { deleteFinancing: { deleted: true } } });
    }
    expect(financingRecordCount((await send(hub.gatewayUrl, readBody(4, id))).json)).toBe(before);
  });
});
