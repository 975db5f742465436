// `npm start` as a user runs it (SQLite in a fresh data folder), with every process under the egress
// guard (NODE_OPTIONS=--require, so the hub, each subgraph, the gateway and the tools inherit it):
// - nothing beyond loopback during start-up, a panier query, the CLI tools, Hive Gateway and shutdown;
// - a subgraph that dies is restarted by the hub while the rest of the graph keeps serving;
// - Ctrl-C (SIGINT to the process group) stops everything and leaves no process behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envKey, readSubgraphList, ROOT, SUPERGRAPH_FILE } from '../subgraphs/runtime/registry.ts';
import { post, type ProbeAnswer } from './support/harness.ts';
import type { PanierAnswer } from './support/shapes.ts';
import { freePort } from './support/ports.ts';

const GUARD = resolve(ROOT, 'test/support/egress-guard.cjs');
const SUBGRAPHS = readSubgraphList(undefined, {});
const panier = readFileSync(resolve(ROOT, 'queries/territory-panier.graphql'), 'utf8');
const TERRITORY = { id: '2023-2027:ti-8402' };

/** Polls `check` every half second until it returns a value (not undefined) or `timeoutMs` passes. */
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

async function json(url: string): Promise<{ status: number; body: ProbeAnswer }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.json() };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Processes of a process group still there (a zombie too: it is gone once its parent has reaped it). */
const groupMembers = (pgid: number) =>
  spawnSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, g]) => Number(g) === pgid)
    .map((cols) => cols.join(' '));

const dir = mkdtempSync(join(tmpdir(), 'hub-start-'));
const egressLog = join(dir, 'egress.jsonl');
const guardPids = join(dir, 'guarded-pids.jsonl');
const dataDir = join(dir, 'data');
let env: NodeJS.ProcessEnv;
let hub: ChildProcess;
let hubExited: Promise<number | null>;
let output = '';
let gatewayUrl: string;
const ports = new Map<string, number>();

const attempts = () =>
  existsSync(egressLog)
    ? readFileSync(egressLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { pid: number; kind: string; target: string })
    : [];
const guarded = () =>
  readFileSync(guardPids, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { pid: number; argv: string[] });

/** Runs a command under the guard to its end. */
function run(command: string, args: string[], extra: NodeJS.ProcessEnv = {}, cwd = ROOT) {
  return new Promise<{ code: number | null; out: string }>((done) => {
    const child = spawn(command, args, { cwd, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.once('exit', (code) => done({ code, out }));
  });
}

beforeAll(async () => {
  for (const s of SUBGRAPHS) ports.set(s.name, await freePort());
  ports.set('gateway', await freePort());
  env = { ...process.env };
  // As a new user runs it: the embedded SQLite databases, nothing about Apollo's telemetry.
  for (const key of Object.keys(env))
    if (key === 'DATABASE_URL' || key.endsWith('_DATABASE_URL') || key.endsWith('_URL') || key.endsWith('_PORT'))
      delete env[key];
  delete env.APOLLO_TELEMETRY_DISABLED;
  delete env.HUB_SHARED_SECRET;
  Object.assign(env, {
    NODE_OPTIONS: `--require ${GUARD}`,
    EGRESS_GUARD_LOG: egressLog,
    EGRESS_GUARD_PIDS: guardPids,
    DATA_DIR: dataDir,
    GATEWAY_PORT: String(ports.get('gateway')),
    // A wide window to see the partial graph before the restarted subgraph is back.
    RESTART_BACKOFF_INITIAL_MS: '5000',
  });
  for (const s of SUBGRAPHS) env[`${envKey(s.name)}_PORT`] = String(ports.get(s.name));
  gatewayUrl = `http://127.0.0.1:${ports.get('gateway')}/graphql`;

  // Its own process group, as in a terminal, so that SIGINT reaches the whole group like a Ctrl-C.
  hub = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  hub.stdout!.on('data', (c) => (output += c));
  hub.stderr!.on('data', (c) => (output += c));
  hubExited = new Promise((done) => hub.once('exit', (code) => done(code)));
  // The first start loads every SQLite database: tens of seconds on a busy machine.
  await until('"[hub] ready"', async () => (output.includes('[hub] ready') ? true : undefined), 400_000);
}, 420_000);

afterAll(async () => {
  // Only if a test failed half-way: nothing of the hub may outlive the file.
  if (hub?.exitCode === null && hub.signalCode === null) {
    process.kill(-hub.pid!, 'SIGKILL');
    await hubExited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('serves the panier through the gateway, every subgraph on its own port', async () => {
    // The processes answering on the chosen ports are the hub's own children.
    const started = new Set([...output.matchAll(/\[hub\] \S+ started \(pid (\d+)\)/g)].map((m) => Number(m[1])));
    for (const s of SUBGRAPHS) {
      const { body } = await json(`http://127.0.0.1:${ports.get(s.name)}/health`);
      expect([body.subgraph, started.has(body.pid ?? -1)], output).toEqual([s.name, true]);
    }
    const answer = await post<PanierAnswer>(gatewayUrl, panier, TERRITORY);
    expect(answer.errors, output).toBeUndefined();
    expect(answer.data?.territory?.name).toBe('Bassin de Bourg-en-Bresse');
    // Every subgraph answers its /ready probe (polled: a probe may time out on a busy machine).
    const ready = await until(
      'the gateway to report every subgraph ready',
      async () => {
        const r = await json(new URL('/ready', gatewayUrl).toString());
        return r.body.status === 'ready' ? r : undefined;
      },
      50_000,
    );
    expect([ready.status, ready.body.missing]).toEqual([200, []]);
  }, 60_000);

  it('npm run query, npm run check and the benchmark peers (Hive Gateway, the monolith) reach nothing beyond loopback', async () => {
    const query = await run('npm', [
      'run',
      'query',
      '--silent',
      '--',
      'queries/territory-panier.graphql',
      '--url',
      gatewayUrl,
    ]);
    expect(query.code, query.out).toBe(0);
    expect(query.out).toContain('Bassin de Bourg-en-Bresse');

    const check = await run('npm', ['run', 'check', '--silent', '--', 'financing']);
    expect(check.code, check.out).toBe(0);

    // Hive Gateway as bench/run.ts starts it: its CLI over the supergraph, routed to the hub's subgraphs.
    let sdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
    for (const s of SUBGRAPHS)
      sdl = sdl.replace(
        new RegExp(`(@join__graph\\(name: "${s.name}", url: ")[^"]*`),
        `$1http://127.0.0.1:${ports.get(s.name)}/graphql`,
      );
    const file = join(dir, 'hive-supergraph.graphql');
    writeFileSync(file, sdl);
    const hivePort = await freePort();
    const bin = resolve(ROOT, 'node_modules/@graphql-hive/gateway/dist/bin.js');
    const hive = spawn(
      process.execPath,
      // With the Rust query planner (a native addon from npm), as the benchmark's `hive` target.
      [
        bin,
        'supergraph',
        file,
        '--port',
        String(hivePort),
        '--host',
        '127.0.0.1',
        '--fork',
        '1',
        '--polling',
        '1h',
        '--hive-router-runtime',
      ],
      { cwd: dir, env: { ...env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let hiveOut = '';
    hive.stdout.on('data', (c) => (hiveOut += c));
    hive.stderr.on('data', (c) => (hiveOut += c));
    const hiveExited = new Promise((done) => hive.once('exit', done));
    try {
      const hiveUrl = `http://127.0.0.1:${hivePort}/graphql`;
      const answer = await until(
        'Hive Gateway to answer',
        async () => {
          const r = await post<PanierAnswer>(hiveUrl, panier, TERRITORY);
          return r.data?.territory ? r : undefined;
        },
        120_000,
      );
      expect(answer.errors, hiveOut).toBeUndefined();
      expect(answer.data?.territory?.name).toBe('Bassin de Bourg-en-Bresse');
    } finally {
      hive.kill('SIGTERM');
      await hiveExited;
    }
    expect(guarded().some((p) => p.argv.some((a) => a.includes('@graphql-hive/gateway')))).toBe(true);

    // The benchmark's other peer: the one-process monolith, on the databases npm start loaded.
    const monolithPort = await freePort();
    const monolith = spawn(process.execPath, ['--import', 'tsx', 'bench/monolith.ts'], {
      cwd: ROOT,
      env: { ...env, PORT: String(monolithPort), NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let monolithOut = '';
    monolith.stdout.on('data', (c) => (monolithOut += c));
    monolith.stderr.on('data', (c) => (monolithOut += c));
    const monolithExited = new Promise((done) => monolith.once('exit', done));
    try {
      await until(
        'the monolith to start',
        async () => (monolithOut.includes('monolith ready') ? true : undefined),
        120_000,
      );
      const answer = await post<PanierAnswer>(`http://127.0.0.1:${monolithPort}/graphql`, panier, TERRITORY);
      expect(answer.errors, monolithOut).toBeUndefined();
      expect(answer.data?.territory?.name).toBe('Bassin de Bourg-en-Bresse');
    } finally {
      monolith.kill('SIGTERM');
      await monolithExited;
    }
    expect(guarded().some((p) => p.argv.some((a) => a.endsWith('bench/monolith.ts')))).toBe(true);
    expect(attempts()).toEqual([]);
  }, 360_000);

  it('restarts a subgraph that dies while the rest of the graph keeps serving', async () => {
    const healthUrl = `http://127.0.0.1:${ports.get('financing')}/health`;
    const { body: before } = await json(healthUrl);
    expect(before.subgraph).toBe('financing');
    process.kill(before.pid!, 'SIGKILL');

    // Partial answer: the territory and the other operators' slices, financing null with a named error.
    const partial = await until(
      'a partial panier naming financing',
      async () => {
        const r = await post<PanierAnswer>(gatewayUrl, panier, TERRITORY);
        return r.errors?.length ? r : undefined;
      },
      60_000,
    );
    expect(partial.status).toBe(200);
    expect(partial.data?.territory?.name).toBe('Bassin de Bourg-en-Bresse');
    expect(partial.data!.territory!.financing).toBeNull();
    expect(partial.data!.territory!.recruitment).not.toBeNull();
    expect(partial.errors!.map((e) => e.extensions?.code)).toContain('SUBGRAPH_UNAVAILABLE');
    expect(partial.errors!.some((e) => e.message.includes('"financing"'))).toBe(true);
    const degraded = await json(new URL('/ready', gatewayUrl).toString());
    expect(degraded.body.status, JSON.stringify(degraded.body)).toMatch(/^(degraded|ready)$/);
    expect(degraded.status).toBe(200);
    expect(output).toMatch(new RegExp(`\\[hub\\] financing \\(pid ${before.pid}\\) exited \\(SIGKILL\\); restarting`));

    // Recovery: a new financing process, and the whole panier again.
    await until(
      'financing to be restarted and the panier complete',
      async () => {
        const { body } = await json(healthUrl);
        if (body.pid === before.pid) return undefined;
        const r = await post<PanierAnswer>(gatewayUrl, panier, TERRITORY);
        return !r.errors && r.data!.territory!.financing ? true : undefined;
      },
      180_000,
    );
    expect(alive(before.pid!)).toBe(false);
  }, 300_000);

  it('stops everything on Ctrl-C (SIGINT), leaving no process, and nothing left the machine', async () => {
    const pids = guarded().map((p) => p.pid);
    // The hub, the five subgraphs (financing twice) and the gateway, each loaded the guard.
    const started = [...output.matchAll(/\[hub\] (\S+) started \(pid (\d+)\)/g)];
    expect(new Set(started.map((m) => m[1]))).toEqual(new Set([...SUBGRAPHS.map((s) => s.name), 'gateway']));
    for (const [, , pid] of started) expect(pids).toContain(Number(pid));

    // Until now only the financing process killed on purpose has died.
    expect([...output.matchAll(/\[hub\] (\S+) \(pid \d+\) exited/g)].map((m) => m[1])).toEqual(['financing']);

    process.kill(-hub.pid!, 'SIGINT');
    await until(
      'npm start to exit',
      async () => (hub.exitCode !== null || hub.signalCode !== null ? true : undefined),
      60_000,
    );
    await until(
      'every process of the group to exit',
      async () => (groupMembers(hub.pid!).length === 0 ? true : undefined),
      30_000,
    );
    for (const [, , pid] of started)
      expect(
        alive(Number(pid)),
        spawnSync('ps', ['-o', 'pid,ppid,pgid,stat,args', '-p', pid!], { encoding: 'utf8' }).stdout,
      ).toBe(false);
    expect(attempts()).toEqual([]);
  }, 120_000);

  it('npm run import reaches nothing beyond loopback (on the data npm start loaded)', async () => {
    const sample = resolve(ROOT, 'subgraphs/financing/import-samples/financings-valid.csv');
    const imported = await run('npm', ['run', 'import', '--silent', '--', 'financing', sample]);
    expect(imported.code, imported.out).toBe(0);
    expect(imported.out).toMatch(/20 row\(s\) read/);
    expect(attempts()).toEqual([]);
  }, 180_000);
});
