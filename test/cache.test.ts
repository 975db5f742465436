// The gateway's read cache (GATEWAY_CACHE=lru|redis, gateway/cache.ts) is never stale: a read that starts after a
// write through a gateway returned sees it, at that gateway and (with Redis) at every other; an import by the CLI,
// with no gateway involved, is seen once the gateways read the subgraph's outbox; Redis down means uncached answers,
// said by /ready and /metrics. Over HTTP through the gateway with signed tokens, on the suite's dialect.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheConfig } from '../gateway/cache.ts';
import { createGateway } from '../gateway/gateway.ts';
import { compose, sourcesFromList } from '../schema/compose.ts';
import { listen } from '../subgraphs/runtime/http.ts';
import { ROOT } from '../subgraphs/runtime/registry.ts';
import { post, POSTGRES_URL } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import { freePort } from './support/ports.ts';
import { testSchema } from './support/schemas.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';
import { signToken, TEST_JWT_ENV } from './support/token.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SUBGRAPHS = ['territories', 'financing'];
const RUN = randomBytes(4).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'hub-cache-'));
/** Every key prefix the tests used, deleted at the end. */
const prefixes: string[] = [];
const prefix = (label: string) => {
  const p = `hub:test:${RUN}:${label}:`;
  prefixes.push(p);
  return p;
};

afterAll(async () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const TOTALS = '{ financingTotals(by: PHASE) { key recordCount amountEur } }';
const T = '2023-2027:ti-8412';
const CREATE = 'mutation($input: FinancingInput!) { createFinancing(input: $input) { created } }';
const UPDATE =
  'mutation($reference: ID!, $patch: FinancingPatch!) { updateFinancing(reference: $reference, patch: $patch) { updated } }';
const DELETE = 'mutation($reference: ID!) { deleteFinancing(reference: $reference) { deleted } }';
const financing = (reference: string, amountEur: number) => ({
  reference,
  territoryId: T,
  companySiren: '512345604',
  companyName: 'Décolletage du Genevois (cache test)',
  companyNaf: '25.62B',
  serviceId: 'financing:fonds-propres',
  instrument: 'EQUITY',
  amountEur,
  date: '2024-06-15',
  status: 'GRANTED',
});

interface Totals {
  records: number;
  amount: number;
}
/** The granted financings over every phase, as a gateway answers them. */
async function totals(url: string, headers: Record<string, string> = {}): Promise<Totals> {
  const r = await post<{ financingTotals: { recordCount: number; amountEur: number | null }[] }>(
    url,
    TOTALS,
    {},
    headers,
  );
  expect(r.errors).toBeUndefined();
  return r.data!.financingTotals.reduce(
    (sum, t) => ({ records: sum.records + t.recordCount, amount: sum.amount + (t.amountEur ?? 0) }),
    { records: 0, amount: 0 },
  );
}

async function write(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const r = await post(url, query, variables, { authorization: `Bearer ${token}` });
  expect(r.errors).toBeUndefined();
}

interface CacheMetrics {
  mode: string;
  redis?: 'up' | 'down';
  /** Whole responses served from the cache (the layer in front), and lookups that found none. */
  responses: { hits: number; misses: number; hitRate: number };
  /** Subgraph answers served from the cache (the per-fetch layer). */
  hits: number;
  misses: number;
  bypassed: number;
  hitRate: number;
  invalidations: { write: number; outbox: number };
  size: Record<string, number>;
  outbox: Record<string, { position?: string; error?: string }>;
}
async function metrics(graphqlUrl: string): Promise<CacheMetrics> {
  const response = await fetch(new URL('/metrics', graphqlUrl));
  expect(response.status).toBe(200);
  return ((await response.json()) as { cache: CacheMetrics }).cache;
}
/** Reads answered from the cache, whole responses and subgraph answers together. */
const served = (m: CacheMetrics) => m.hits + m.responses.hits;
async function ready(graphqlUrl: string) {
  const response = await fetch(new URL('/ready', graphqlUrl));
  return {
    http: response.status,
    ...((await response.json()) as { status: string; cache: { status: string; reason?: string } }),
  };
}

/** Polls `check` until it returns true (generous deadline: propagation is asynchronous). */
async function eventually(what: string, check: () => Promise<boolean>, deadlineMs = 30_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${deadlineMs / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
/** Until the gateway has read every subgraph's outbox (before that it answers uncached). */
const synced = (url: string) =>
  eventually('every outbox read', async () => {
    const m = await metrics(url);
    return SUBGRAPHS.every((s) => m.outbox[s]?.position !== undefined) && m.redis !== 'down';
  });

let supergraphSdl: string;
/** Another gateway (in this process) over the hub's subgraphs, with its own cache settings. */
async function gatewayOver(hub: TestHub, env: NodeJS.ProcessEnv) {
  const subgraphUrls = Object.fromEntries([...hub.subgraphs].map(([name, s]) => [name, s.url]));
  const gateway = await createGateway({ supergraphSdl, subgraphUrls, env: { ...TEST_JWT_ENV, ...env } });
  const port = await listen(gateway.http, 0);
  return { url: `http://127.0.0.1:${port}/graphql`, stop: () => gateway.stop() };
}

/** `npm run import` of `rows` new granted financings (the status column is before actionSheetId, the last). */
async function importRows(database: { url: string; schema?: string }, label: string, rows: number): Promise<void> {
  const sample = readFileSync(join(ROOT, 'subgraphs/financing/import-samples/financings-valid.csv'), 'utf8');
  const [header, ...lines] = sample.trim().split('\n') as [string, ...string[]];
  const granted = lines.filter((l) => /,(GRANTED|PAID)(,[^,]*)?$/.test(l)).slice(0, rows);
  expect(granted.length).toBe(rows);
  const file = join(dir, `${label}.csv`);
  writeFileSync(
    file,
    [header, ...granted.map((l, i) => l.replace(/^[^,]+/, `CACHE-${label}-${RUN}-${i}`))].join('\n') + '\n',
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'subgraphs/runtime/import.ts', 'financing', file],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        FINANCING_DATABASE_URL: database.url,
        ...(database.schema ? { FINANCING_DATABASE_SCHEMA: database.schema } : {}),
      },
    },
  );
  expect(stdout).toMatch(new RegExp(`${rows} inserted`));
}

describe.each(['lru', 'redis'] as const)('GATEWAY_CACHE=%s', (mode) => {
  let hub: TestHub;
  let writer: string;
  const database = POSTGRES_URL
    ? { url: POSTGRES_URL, schema: testSchema(`cache_${mode}`) }
    : { url: `sqlite:${join(dir, `financing-${mode}.sqlite`)}` };
  // One poll a minute: within these tests, only the write path itself can explain what a read sees.
  const cacheEnv = (label: string, pollMs = 60_000) => ({
    GATEWAY_CACHE: mode,
    REDIS_URL,
    GATEWAY_CACHE_PREFIX: prefix(`${mode}-${label}`),
    GATEWAY_CACHE_POLL_MS: String(pollMs),
  });

  beforeAll(async () => {
    const composed = compose(sourcesFromList().filter((s) => SUBGRAPHS.includes(s.name)));
    if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
    supergraphSdl = composed.supergraphSdl;
    hub = await startTestHub({
      only: SUBGRAPHS,
      env: TEST_JWT_ENV,
      gatewayEnv: cacheEnv('hub'),
      databases: { financing: database },
    });
    writer = await signToken({ operator: 'BPIFRANCE', scope: 'financing:write' });
    await synced(hub.gatewayUrl);
  }, 180_000);
  afterAll(async () => {
    await hub?.stop();
  });

  it('answers a repeated read from the cache, and /metrics reports hits, hit rate and size', async () => {
    const first = await totals(hub.gatewayUrl);
    const before = await metrics(hub.gatewayUrl);
    hub.resetCounters();
    expect(await totals(hub.gatewayUrl)).toEqual(first);
    await hub.settled();
    expect(hub.counters().financing!.requests).toBe(0);
    const after = await metrics(hub.gatewayUrl);
    expect(after.mode).toBe(mode);
    // The same operation again is a whole-response hit: no query plan, no fetch.
    expect(after.responses.hits).toBeGreaterThan(before.responses.hits);
    expect(after.responses.hitRate).toBeGreaterThan(0);
    expect(mode === 'lru' ? after.size.entries : after.size.redisKeys).toBeGreaterThan(0);
    expect((await ready(hub.gatewayUrl)).status).toBe('ready');
  });

  it('a read after a write through the gateway never returns the old value (create, update, delete)', async () => {
    for (let round = 0; round < 3; round++) {
      const reference = `CACHE-W-${mode}-${RUN}-${round}`;
      const base = await totals(hub.gatewayUrl);
      expect(await totals(hub.gatewayUrl)).toEqual(base); // now cached
      await write(hub.gatewayUrl, writer, CREATE, { input: financing(reference, 1000 + round) });
      expect(await totals(hub.gatewayUrl)).toEqual({ records: base.records + 1, amount: base.amount + 1000 + round });
      await totals(hub.gatewayUrl);
      await write(hub.gatewayUrl, writer, UPDATE, { reference, patch: { amountEur: 5000 } });
      expect(await totals(hub.gatewayUrl)).toEqual({ records: base.records + 1, amount: base.amount + 5000 });
      await write(hub.gatewayUrl, writer, DELETE, { reference });
      expect(await totals(hub.gatewayUrl)).toEqual(base);
    }
    const m = await metrics(hub.gatewayUrl);
    expect(served(m)).toBeGreaterThan(0);
    expect(m.invalidations.write).toBeGreaterThanOrEqual(9);
  });

  it('keys entries on the caller: one token never gets an entry made for another, or for anonymous', async () => {
    const a = `Bearer ${await signToken({ operator: 'BPIFRANCE', subject: `a-${RUN}` })}`;
    const b = `Bearer ${await signToken({ operator: 'FRANCE_TRAVAIL', subject: `b-${RUN}` })}`;
    await totals(hub.gatewayUrl); // anonymous, cached
    const fetched = async (authorization?: string) => {
      hub.resetCounters();
      await totals(hub.gatewayUrl, authorization ? { authorization } : {});
      await hub.settled();
      return hub.counters().financing!.requests;
    };
    expect(await fetched(a)).toBe(1);
    expect(await fetched(a)).toBe(0);
    expect(await fetched(b)).toBe(1);
    expect(await fetched(b)).toBe(0);
    expect(await fetched()).toBe(0);
  });

  it('an import by the CLI is seen by a gateway started after it, and by a running one once it reads the outbox', async () => {
    const env = cacheEnv('import', 200);
    const first = await gatewayOver(hub, env);
    await synced(first.url);
    const base = await totals(first.url);
    expect(await totals(first.url)).toEqual(base);
    expect(served(await metrics(first.url))).toBeGreaterThan(0);
    await first.stop();

    // No gateway running: the outbox keeps the change (with Redis, its entries outlive the gateway).
    await importRows(database, `${mode}-a`, 2);
    const second = await gatewayOver(hub, env);
    try {
      expect((await totals(second.url)).records).toBe(base.records + 2);
      await synced(second.url);
      expect((await totals(second.url)).records).toBe(base.records + 2);
      expect((await totals(second.url)).records).toBe(base.records + 2);

      await importRows(database, `${mode}-b`, 3);
      await eventually('the running gateway sees the import', async () => {
        const now = await totals(second.url);
        expect(now.records === base.records + 2 || now.records === base.records + 5).toBe(true);
        return now.records === base.records + 5;
      });
      expect((await metrics(second.url)).invalidations.outbox).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
  }, 120_000);

  if (mode === 'redis') {
    it('Redis down: answers go uncached, /ready says degraded (200) and /metrics says why; back: cached again, never stale', async () => {
      const proxy = await startTcpProxy(Number(new URL(REDIS_URL).port || 6379), new URL(REDIS_URL).hostname);
      const gateway = await gatewayOver(hub, {
        ...cacheEnv('down', 300),
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      });
      try {
        await synced(gateway.url);
        expect((await ready(gateway.url)).status).toBe('ready');
        const base = await totals(gateway.url);
        await totals(gateway.url); // cached in Redis

        await proxy.down();
        await eventually('/ready reports Redis down', async () => (await ready(gateway.url)).cache.status !== 'ok');
        const down = await ready(gateway.url);
        expect(down).toMatchObject({ http: 200, status: 'degraded', cache: { status: 'degraded' } });
        expect(down.cache.reason).toMatch(/Redis.*uncached/);
        // A write while this gateway cannot reach Redis: its bump is lost, the outbox has it.
        const reference = `CACHE-D-${RUN}`;
        await write(gateway.url, writer, CREATE, { input: financing(reference, 777) });
        const hits = served(await metrics(gateway.url));
        expect(await totals(gateway.url)).toEqual({ records: base.records + 1, amount: base.amount + 777 });
        expect(await totals(gateway.url)).toEqual({ records: base.records + 1, amount: base.amount + 777 });
        const m = await metrics(gateway.url);
        expect(m.redis).toBe('down');
        expect(served(m)).toBe(hits);
        expect(m.bypassed).toBeGreaterThan(0);

        // Back: the entry made before the write is still in Redis, and must never be served.
        await proxy.up();
        await eventually('answers cached again', async () => {
          const before = served(await metrics(gateway.url));
          expect(await totals(gateway.url)).toEqual({ records: base.records + 1, amount: base.amount + 777 });
          return served(await metrics(gateway.url)) > before;
        });
        expect((await ready(gateway.url)).status).toBe('ready');
        await write(gateway.url, writer, DELETE, { reference });
        expect(await totals(gateway.url)).toEqual(base);
      } finally {
        await gateway.stop();
        await proxy.stop();
      }
    }, 120_000);

    it('two gateway processes sharing Redis both see at once a write made through either', async () => {
      const file = join(dir, 'supergraph.graphql');
      writeFileSync(file, supergraphSdl);
      const env = cacheEnv('processes');
      const children: ChildProcess[] = [];
      const start = async () => {
        const port = await freePort();
        const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts', '--supergraph', file], {
          cwd: ROOT,
          stdio: 'ignore',
          env: {
            ...process.env,
            ...TEST_JWT_ENV,
            ...env,
            GATEWAY_PORT: String(port),
            HOST: '127.0.0.1',
            TERRITORIES_URL: hub.subgraphs.get('territories')!.url,
            FINANCING_URL: hub.subgraphs.get('financing')!.url,
          },
        });
        children.push(child);
        const url = `http://127.0.0.1:${port}/graphql`;
        await eventually(
          'the gateway process answers',
          () =>
            fetch(new URL('/health', url)).then(
              (r) => r.ok,
              () => false,
            ),
          60_000,
        );
        await synced(url);
        return url;
      };
      try {
        const [one, two] = await Promise.all([start(), start()]);
        const base = await totals(one);
        expect(await totals(two)).toEqual(base);
        expect(await totals(one)).toEqual(base);
        expect(await totals(two)).toEqual(base);
        const reference = `CACHE-P-${RUN}`;
        await write(one, writer, CREATE, { input: financing(reference, 4242) });
        const after = { records: base.records + 1, amount: base.amount + 4242 };
        expect(await totals(two)).toEqual(after);
        expect(await totals(one)).toEqual(after);
        await write(two, writer, DELETE, { reference });
        expect(await totals(one)).toEqual(base);
        expect(await totals(two)).toEqual(base);
        expect(served(await metrics(two))).toBeGreaterThan(0);
      } finally {
        for (const child of children) child.kill('SIGTERM');
      }
    }, 120_000);
  }
});

describe('GATEWAY_CACHE settings', () => {
  it('is off unless asked, and a setting that cannot work stops the start with what to change', () => {
    expect(cacheConfig({}).mode).toBe('off');
    expect(() => cacheConfig({ GATEWAY_CACHE: 'memcached' })).toThrow(
      'GATEWAY_CACHE must be off, lru or redis, got "memcached"',
    );
    expect(() => cacheConfig({ GATEWAY_CACHE: 'redis' })).toThrow('GATEWAY_CACHE=redis needs REDIS_URL');
    expect(() => cacheConfig({ GATEWAY_CACHE: 'lru', GATEWAY_WORKERS: '2' })).toThrow(
      /with GATEWAY_WORKERS=2 use GATEWAY_CACHE=redis/,
    );
    expect(() => cacheConfig({ GATEWAY_CACHE: 'lru', GATEWAY_CACHE_MAX_BYTES: '-1' })).toThrow(
      'GATEWAY_CACHE_MAX_BYTES must be a positive integer, got "-1"',
    );
  });
});
