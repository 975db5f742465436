// Faults between the gateway and one operator subgraph (financing behind a faulty proxy): the
// panier still answers with the other slices, names the failing subgraph, and recovers by itself.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOperation, QUERIES_DIR } from '../gateway/operations.ts';
import { post, type ProbeAnswer } from './support/harness.ts';
import type { PanierAnswer, PanierTerritory } from './support/shapes.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import {
  startExtraGateway,
  startFaultyProxy,
  type ExtraGateway,
  type FaultMode,
  type FaultyProxy,
} from './support/faulty-proxy.ts';

// Long enough for healthy subgraphs on a busy machine; the slow proxy holds its answers far longer
// (until the gateway gives up and closes the connection, which clears the proxy's timer).
const SUBGRAPH_TIMEOUT_MS = 8000;
const SLOW_DELAY_MS = 600_000;
const panier = readOperation(`${QUERIES_DIR}/territory-panier.graphql`);
const OTHER_SLICES = ['recruitment', 'attractiveness', 'engineering'] as const;

let hub: TestHub;
let proxy: FaultyProxy;
let gw: ExtraGateway;
/** The territory's panier answered with every subgraph up, as JSON. */
let healthy: PanierTerritory;

beforeAll(async () => {
  hub = await startTestHub();
  proxy = await startFaultyProxy(hub.subgraphs.get('financing')!.url);
  gw = await startExtraGateway(hub, { SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS) }, { financing: proxy.url });
  const reference = await post<PanierAnswer>(hub.gatewayUrl, panier.query, panier.variables);
  expect(reference.errors).toBeUndefined();
  healthy = reference.data!.territory!;
});

afterAll(async () => {
  await gw?.stop();
  await proxy?.stop();
  await hub?.stop();
});

async function ready(): Promise<{ status: number; body: ProbeAnswer }> {
  const response = await fetch(new URL('/ready', gw.url));
  return { status: response.status, body: await response.json() };
}

describe('faults of one operator subgraph', () => {
  it('answers fully through the proxy when it passes', async () => {
    const response = await post<PanierAnswer>(gw.url, panier.query, panier.variables);
    expect([response.status, response.errors]).toEqual([200, undefined]);
    expect(response.data!.territory).toEqual(healthy);
  });

  const faults: [FaultMode, RegExp][] = [
    ['down', /subgraph "financing" is unavailable: unreachable/],
    ['slow', new RegExp(`subgraph "financing" is unavailable: no answer within ${SUBGRAPH_TIMEOUT_MS} ms`)],
    ['garbage', /subgraph "financing" is unavailable: answered with a body that is not valid JSON/],
    ['http500', /subgraph "financing" is unavailable: answered HTTP 500/],
  ];

  for (const [mode, message] of faults) {
    // The slow case waits for the subgraph timeout twice.
    it(`keeps the other slices when financing is ${mode}, and recovers`, { timeout: 120_000 }, async () => {
      await proxy.setMode(mode, { delayMs: SLOW_DELAY_MS });
      try {
        const started = performance.now();
        const response = await post<PanierAnswer>(gw.url, panier.query, panier.variables);
        // The gateway did not wait for the slow subgraph's answer (the message says it gave up at the timeout).
        expect(performance.now() - started).toBeLessThan(SLOW_DELAY_MS);
        expect(response.status).toBe(200);
        const territory = response.data!.territory!;
        expect(territory.financing).toBeNull();
        for (const slice of OTHER_SLICES) expect(territory[slice]).toEqual(healthy[slice]);
        for (const field of [
          'id',
          'code',
          'name',
          'phase',
          'population',
          'region',
          'departments',
          'groupements',
          'dataset',
        ]) {
          expect(territory[field]).toEqual(healthy[field]);
        }
        expect(response.errors?.length).toBeGreaterThanOrEqual(1);
        for (const error of response.errors!) {
          expect(error.message).toMatch(message);
          expect(error.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
          expect(error.extensions?.serviceName).toBe('financing');
          // The subgraph's own answer is not passed through (dev mode still adds the gateway's stack trace).
          expect(JSON.stringify(error)).not.toMatch(/pool exhausted|db\.internal|this is not json/);
        }
        // The gateway keeps serving queries that do not need financing…
        const other = await post<{ territories: { totalCount: number } }>(
          gw.url,
          `{ territories(first: 2) { totalCount nodes { id recruitment { summary { recordCount } } } } }`,
        );
        expect([other.status, other.errors, other.data?.territories.totalCount]).toEqual([200, undefined, 332]);
        // …and a query of financing alone gets a clear error, not a crash.
        const alone = await post(gw.url, `{ financingCatalogue { id } }`);
        expect(alone.status).toBe(200);
        expect(alone.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
        expect(alone.errors?.[0]?.message).toContain('"financing"');
        if (mode === 'down') {
          const degraded = await ready();
          // Still ready: it serves every other operator's fields (503 only when it cannot serve at all).
          expect(degraded.status).toBe(200);
          expect(degraded.body.status).toBe('degraded');
          expect(degraded.body.missing).toEqual(['financing']);
          expect(degraded.body.subgraphs!.find((s) => s.name === 'financing')!.reachable).toBe(false);
          expect(degraded.body.subgraphs!.filter((s) => s.name !== 'financing').every((s) => s.reachable)).toBe(true);
        }
      } finally {
        await proxy.setMode('pass');
      }
      // Recovery without any restart: the very next request is complete again.
      const recovered = await post<PanierAnswer>(gw.url, panier.query, panier.variables);
      expect([recovered.status, recovered.errors]).toEqual([200, undefined]);
      expect(recovered.data!.territory).toEqual(healthy);
      if (mode === 'down') {
        const back = await ready();
        expect([back.status, back.body.status]).toEqual([200, 'ready']);
      }
    });
  }

  it('survives a burst of concurrent requests while financing flaps', async () => {
    const modes: FaultMode[] = ['down', 'pass', 'garbage', 'pass', 'http500', 'pass'];
    const burst = Array.from({ length: 16 }, () => post<PanierAnswer>(gw.url, panier.query, panier.variables));
    for (const mode of modes) {
      await proxy.setMode(mode);
      await new Promise((r) => setTimeout(r, 20));
    }
    const answers = await Promise.all(burst);
    for (const answer of answers) {
      // Never a crash or a 500: complete answers, or partial ones naming the failing subgraph.
      expect(answer.status).toBe(200);
      for (const error of answer.errors ?? []) expect(error.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      const failed = new Set((answer.errors ?? []).map((e) => e.extensions?.serviceName));
      // (Should another subgraph miss the timeout on a very busy machine, only its fields are lost.)
      if (!failed.has('territories')) expect(answer.data?.territory?.name).toBe(healthy.name);
      if (failed.size === 0) expect(answer.data!.territory).toEqual(healthy);
    }
    const after = await post<PanierAnswer>(gw.url, panier.query, panier.variables);
    expect([after.status, after.errors]).toEqual([200, undefined]);
  });
});

describe('graceful shutdown', () => {
  it('finishes the request in flight, refuses new connections, and stops promptly', async () => {
    const slow = await startFaultyProxy(hub.subgraphs.get('financing')!.url, { mode: 'slow', delayMs: 800 });
    const closing = await startExtraGateway(hub, { SUBGRAPH_TIMEOUT_MS: '5000' }, { financing: slow.url });
    try {
      const port = Number(new URL(closing.url).port);
      const inFlight = post<{ territory: { financing: { summary: { recordCount: number } } | null } | null }>(
        closing.url,
        `query($id: ID!) { territory(id: $id) { name financing { summary { recordCount } } } }`,
        { id: '2023-2027:ti-8402' },
      );
      // Wait until the request is held by the slow subgraph.
      while (slow.received === 0) await new Promise((r) => setTimeout(r, 10));
      // A grace period longer than the test's timeout: stopping in time proves the gateway stopped when its
      // last request was answered, not when the grace period ran out (no bound on how fast the machine is).
      process.env.SHUTDOWN_GRACE_MS = '3600000';
      const stopping = closing.stop();
      const refused = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(refused).toBe('ECONNREFUSED');
      const answer = await inFlight;
      expect([answer.status, answer.errors]).toEqual([200, undefined]);
      expect(answer.data!.territory!.financing!.summary.recordCount).toBeGreaterThanOrEqual(0);
      await stopping;
    } finally {
      delete process.env.SHUTDOWN_GRACE_MS;
      await closing.stop();
      await slow.stop();
    }
  });
});
