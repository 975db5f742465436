// Readiness as a load balancer sees it: the gateway stays ready while it can serve part of the graph, and
// a subgraph whose database is unreachable at start waits for it (health 200, ready 503) instead of crashing.
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { createConnection, createServer, type Server as NetServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createGateway } from '../gateway/gateway.ts';
import { listen } from '../subgraphs/runtime/http.ts';
import { readSubgraphList, ROOT } from '../subgraphs/runtime/registry.ts';
import type { GraphqlBody } from './support/faulty-proxy.ts';
import { POSTGRES_URL, type ProbeAnswer } from './support/harness.ts';
import { freePort } from './support/ports.ts';
import { testSchema } from './support/schemas.ts';

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}

async function json<T = ProbeAnswer>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000), ...init });
  return { status: response.status, body: await response.json() };
}

describe('gateway /ready', () => {
  it('answers 503 only when it cannot serve at all: every subgraph down', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/graphql`;
    const names = readSubgraphList(undefined, {}).map((s) => s.name);
    const gateway = await createGateway({ subgraphUrls: Object.fromEntries(names.map((n) => [n, closed])), env: {} });
    const port = await listen(gateway.http as Server, 0);
    try {
      // The gateway learns its subgraphs' URLs on its first query plan.
      await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ territories(first: 1) { totalCount } }' }),
      });
      const ready = await json(`http://127.0.0.1:${port}/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('unavailable');
      expect([...ready.body.missing!].sort()).toEqual([...names].sort());
      expect((await json(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });
});

describe('a subgraph whose database is unreachable at start', () => {
  const dbPort = freePort();
  const schema = testSchema('ready');
  let forwarder: NetServer | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  let output = '';
  let httpPort = 0;

  afterAll(async () => {
    child?.kill('SIGKILL');
    forwarder?.close();
    // The schema is dropped when the run ends (test/support/schemas.ts).
  });

  it('keeps retrying with one clear log line, health 200 and ready 503, no stack trace', async () => {
    httpPort = await freePort();
    // Where the database will be: PostgreSQL's address with a port nothing listens on yet.
    const db = new URL(POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    db.hostname = '127.0.0.1';
    db.port = String(await dbPort);
    const url = db.toString();
    child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/financing/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(httpPort),
        FINANCING_DATABASE_URL: url,
        FINANCING_DATABASE_SCHEMA: schema,
        DATABASE_RETRY_MAX_MS: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    const base = `http://127.0.0.1:${httpPort}`;
    await until(
      'the first failed attempt to be logged',
      async () => (/unreachable/.test(output) ? true : undefined),
      120_000,
    );
    const health = await json(`${base}/health`);
    expect([health.status, health.body.status]).toEqual([200, 'ok']);
    const ready = await json(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/database unreachable \(.*ECONNREFUSED/);
    const query = await json<GraphqlBody<{ financingCatalogue: { id: string }[] }>>(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ financingCatalogue { id } }' }),
    });
    expect(query.status).toBe(503);
    expect(query.body.errors![0]!.message).toContain('financing is not ready');
    // Several attempts later (1 s, 2 s, 2 s…): still one line, still running, no stack trace.
    await new Promise((r) => setTimeout(r, 6000));
    expect(child.exitCode).toBeNull();
    const lines = output.split('\n').filter((l) => l.includes('unreachable'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^financing: database unreachable \(.*ECONNREFUSED.*\); retrying with backoff/);
    expect(output).not.toMatch(/^\s+at /m);
  }, 180_000);

  it.runIf(POSTGRES_URL)(
    'becomes ready by itself once the database is reachable',
    async () => {
      // The database "comes back": a forwarder on the port the subgraph was told, to the real PostgreSQL.
      const target = new URL(POSTGRES_URL!);
      forwarder = createServer((socket) => {
        const upstream = createConnection(Number(target.port || 5432), target.hostname);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      const port = await dbPort;
      await new Promise<void>((r) => forwarder!.listen(port, '127.0.0.1', () => r()));
      const base = `http://127.0.0.1:${httpPort}`;
      await until(
        '/ready to answer 200',
        async () => ((await json(`${base}/ready`)).status === 200 ? true : undefined),
        240_000,
      );
      expect(output).toMatch(/financing: database reachable after \d+ attempts/);
      const query = await json<GraphqlBody<{ financingCatalogue: { id: string }[] }>>(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ financingCatalogue { id } }' }),
      });
      expect(query.status).toBe(200);
      expect(query.body.data!.financingCatalogue.length).toBeGreaterThan(0);
    },
    300_000,
  );
});
