// `npm run bench [-- --scales 7,70 --duration 10 --rounds 4 --connections 16 --only hub,hub-cached,hive,hive-js,monolith --workloads 1,2,3,4 --regenerate]`
// At each scale, the hub (each subgraph and the gateway in its own process, HTTP on loopback, NODE_ENV=production),
// the hub with its read cache, Hive Gateway with its Rust query planner and in its plain JavaScript form on the same
// subgraph processes, and the monolith (bench/monolith.ts: the same modules in one merged schema, the limit), under a
// fixed-concurrency load (16 connections: req/s) and one connection (p50), each row in rounds, the targets taking
// turns. Writes bench/results/latest.json and latest.md with the ratios of issue 13's targets. Not a test: numbers
// depend on the machine. See README "Performance".
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { databaseUrlFor, isPostgresUrl, openDatabase } from '../subgraphs/runtime/database.ts';
import type { KitDB } from '../subgraphs/runtime/records.ts';
import { envKey, readSubgraphList, ROOT, SUPERGRAPH_FILE } from '../subgraphs/runtime/registry.ts';
import { CLEANUP, financingRecordCount, readBody, WORKLOAD_NAMES, writeBody, writerToken } from './workloads.ts';

// ---------- options ----------
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}
const list = (raw: string) => raw.split(',').map((s) => s.trim());
const ALL_TARGETS = ['hub', 'hub-cached', 'hive', 'hive-js', 'monolith'] as const;
type Target = (typeof ALL_TARGETS)[number];
const SCALES = list(flag('scales') ?? flag('scale') ?? process.env.SCALE ?? '7,70').map(Number);
const DURATION = Number(flag('duration') ?? 10);
const CONNECTIONS = Number(flag('connections') ?? 16);
const WARMUP = Number(flag('warmup') ?? Math.min(5, Math.max(2, Math.round(DURATION / 3))));
/** Seconds of the one-connection run that gives the p50. */
const SINGLE = Number(flag('single-duration') ?? Math.max(2, Math.round(DURATION / 2)));
const REQUESTED = list(flag('only') ?? ALL_TARGETS.join(',')) as Target[];
const WORKLOADS = list(flag('workloads') ?? '1,2,3,4').map(Number);
const LABEL = flag('label');
const OUT = flag('out') ?? 'latest';
const REGENERATE = process.argv.includes('--regenerate');
for (const t of REQUESTED) if (!ALL_TARGETS.includes(t)) throw new Error(`--only: unknown target "${t}"`);
for (const w of WORKLOADS) if (![1, 2, 3, 4].includes(w)) throw new Error(`--workloads: unknown workload ${w}`);
for (const s of SCALES) if (!(s > 0)) throw new Error(`--scales: bad scale "${s}"`);
if (!(DURATION > 0) || !(CONNECTIONS > 0) || !(SINGLE > 0))
  throw new Error('--duration, --connections, --single-duration must be positive');
const TARGETS = [...new Set(REQUESTED)];
/** Each row is measured in this many rounds, the targets taking turns (see the main loop). */
const ROUNDS = Number(flag('rounds') ?? 4);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a whole number ≥ 1');

const POSTGRES = isPostgresUrl(process.env.DATABASE_URL);
const HOST = '127.0.0.1';
const PORTS: Record<Target, number> = { hub: 4100, 'hub-cached': 4150, hive: 4200, 'hive-js': 4250, monolith: 4300 };
const SUBGRAPHS = readSubgraphList(undefined, {}).map((s, i) => ({
  name: s.name,
  port: 4101 + i,
  url: `http://${HOST}:${4101 + i}/graphql`,
}));
const GATEWAY_WORKERS = process.env.GATEWAY_WORKERS;
/** Workload 4 writes with a token this run signs; every process of the run verifies it. */
const JWT_SECRET = `bench-${randomBytes(24).toString('hex')}`;
const RUN_ID = randomBytes(3).toString('hex');

const baseEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', HOST, JWT_SECRET };
// The gateway's default limits apply (workload 2 is estimated at 3,201 against MAX_COST 50,000).
for (const key of ['HUB_SHARED_SECRET', 'READS_REQUIRE_AUTH', 'GATEWAY_CACHE', 'REDIS_URL', 'PORT'])
  delete baseEnv[key];
for (const s of SUBGRAPHS) {
  delete baseEnv[`${envKey(s.name)}_URL`];
  delete baseEnv[`${envKey(s.name)}_PORT`];
}
const scaleEnv = (scale: number): NodeJS.ProcessEnv => ({
  ...baseEnv,
  SCALE: String(scale),
  DATA_DIR: resolve(ROOT, '.data', `bench-scale-${scale}`),
});

// ---------- processes ----------
interface Proc {
  label: string;
  child: ChildProcess;
  log: string[];
}
const procs = new Set<Proc>();
let stopping = false;

function start(label: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Proc {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: Proc = { label, child, log: [] };
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (line) {
        proc.log.push(line);
        if (proc.log.length > 50) proc.log.shift();
      }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('exit', (code, signal) => {
    procs.delete(proc);
    if (!stopping && !proc.child.killed) {
      console.error(`[bench] ${label} exited (${signal ?? code}):\n  ${proc.log.slice(-15).join('\n  ')}`);
      void shutdown(1);
    }
  });
  procs.add(proc);
  return proc;
}

async function stopProc(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((r) => proc.child.once('exit', r));
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function shutdown(code: number): Promise<never> {
  stopping = true;
  await Promise.all([...procs].map(stopProc));
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));
process.on('uncaughtException', (e) => {
  console.error(e);
  void shutdown(1);
});
process.on('unhandledRejection', (e) => {
  console.error(e);
  void shutdown(1);
});
// Bounded run time: data preparation plus every measurement, with a generous margin.
const budgetMs =
  SCALES.length * (20 * 60_000 + WORKLOADS.length * DURATION * 1000) +
  SCALES.length * TARGETS.length * WORKLOADS.length * (DURATION + SINGLE + ROUNDS * (WARMUP + 60) + WARMUP) * 1000;
setTimeout(() => {
  console.error(`[bench] exceeded the time budget of ${Math.round(budgetMs / 1000)} s`);
  void shutdown(2);
}, budgetMs).unref();

async function waitFor(label: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error('stopping');
    try {
      if (await check()) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${label} not ready within ${timeoutMs / 1000} s`);
}
const healthy = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
const answers = (url: string) => async () => {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query":"{ __typename }"}',
    signal: AbortSignal.timeout(2000),
  });
  return r.ok;
};

// ---------- memory ----------
function descendants(pid: number): number[] {
  const out = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (children) for (const c of children.split(/\s+/)) out.push(...descendants(Number(c)));
    }
  } catch {
    /* gone */
  }
  return out;
}
function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
/** Samples the RSS of each labelled process tree (sum over a tree) every 200 ms; returns peaks in MB. */
function memorySampler(trees: Record<string, number>) {
  const peaks: Record<string, number> = Object.fromEntries(Object.keys(trees).map((k) => [k, 0]));
  const sample = () => {
    for (const [label, pid] of Object.entries(trees)) {
      const kb = descendants(pid).reduce((sum, p) => sum + rssKb(p), 0);
      if (kb > peaks[label]!) peaks[label] = kb;
    }
  };
  sample();
  const timer = setInterval(sample, 200);
  return () => {
    clearInterval(timer);
    sample();
    return Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v / 1024)]));
  };
}

/** CPU time (user + system, ms) used so far by each labelled process tree, from /proc (clock ticks of 10 ms). */
function cpuMs(trees: Record<string, number>): Record<string, number> {
  const ticks = (pid: number) => {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };
  return Object.fromEntries(
    Object.entries(trees).map(([label, pid]) => [label, descendants(pid).reduce((a, p) => a + ticks(p), 0) * 10]),
  );
}

// ---------- load ----------
let territoryIds: string[] = [];
/** Deterministic territory choice (mulberry32), so that two runs ask the same sequence. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function post(url: string, body: string, authorization?: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
  });
  return { status: r.status, text: await r.text() };
}

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  graphqlErrors: number;
  bytesPerResponse: number;
  /** Every response time (ms), sorted, and the seconds the run lasted: rounds of a row are combined from them. */
  latencies: number[];
  seconds: number;
}
function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
}

/** Workloads 1 to 3: autocannon at a fixed concurrency. */
function load(url: string, workload: number, seconds: number, connections: number): Promise<LoadResult> {
  let counter = 0;
  let graphqlErrors = 0;
  const latencies: number[] = [];
  return new Promise((resolvePromise, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections,
        duration: seconds,
        timeout: 20,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req: autocannon.Request) => ({
              ...req,
              body: readBody(workload, territoryIds[counter++ % territoryIds.length]!),
            }),
            onResponse: (_status: number, body: string) => {
              if (body.includes('"errors":[')) graphqlErrors++;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        latencies.sort((a, b) => a - b);
        const total = result.requests.total;
        resolvePromise({
          requests: total,
          latencies,
          seconds: result.duration || seconds,
          rps: total / (result.duration || seconds),
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          errors: result.errors + result.timeouts,
          non2xx: result.non2xx,
          graphqlErrors,
          bytesPerResponse: total ? Math.round(result.throughput.total / total) : 0,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
      latencies.push(responseTime),
    );
  });
}

/** Workload 4's memory of what was written: a read of a territory must count at least its base plus its writes. */
interface MixedState {
  base: Map<string, number>;
  completed: Map<string, number>;
  writing: Set<string>;
  /** The territories written last (at most 16): a quarter of the reads go to one of them. */
  recent: string[];
  references: string[];
  next: number;
  bearer: string;
}
interface MixedResult extends LoadResult {
  reads: number;
  writes: number;
  /** Reads of a territory after at least one write of it had completed. */
  checkedReads: number;
  staleReads: number;
}

/**
 * 95 % panier reads, 5 % financing creations, on random territories (a quarter of the reads on one of the 16 territories
 * written last), `connections` at a time. A write on a
 * territory is never concurrent with another write on it, so the count a read must see is exact: its base
 * plus the writes completed before the read was sent.
 */
async function mixed(url: string, seconds: number, connections: number, state: MixedState): Promise<MixedResult> {
  const next = random(4 + connections);
  const latencies: number[] = [];
  const r: MixedResult = {
    requests: 0,
    rps: 0,
    p50: 0,
    p95: 0,
    p99: 0,
    errors: 0,
    non2xx: 0,
    graphqlErrors: 0,
    bytesPerResponse: 0,
    reads: 0,
    writes: 0,
    checkedReads: 0,
    staleReads: 0,
    latencies,
    seconds: 0,
  };
  let bytes = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const connection = async () => {
    while (performance.now() < end && !stopping) {
      // Writes on any territory; a quarter of the reads on a territory just written, so that many reads check one.
      const write = next() < 0.05;
      const recent = !write && state.recent.length > 0 && next() < 0.25;
      const id = recent
        ? state.recent[Math.floor(next() * state.recent.length)]!
        : territoryIds[Math.floor(next() * territoryIds.length)]!;
      if (write && state.writing.has(id)) continue;
      const t0 = performance.now();
      try {
        if (write) {
          state.writing.add(id);
          const reference = `BENCH-${RUN_ID}-${state.next++}`;
          const answer = await post(url, writeBody(id, reference), state.bearer);
          if (answer.status !== 200) r.non2xx++;
          const created = (JSON.parse(answer.text) as { data?: { createFinancing?: { created?: boolean } } }).data
            ?.createFinancing?.created;
          if (created === true) {
            state.completed.set(id, (state.completed.get(id) ?? 0) + 1);
            state.references.push(reference);
            state.recent = [id, ...state.recent.filter((t) => t !== id)].slice(0, 16);
            r.writes++;
          } else r.graphqlErrors++;
          bytes += answer.text.length;
        } else {
          const writes = state.completed.get(id) ?? 0;
          const expected = state.base.get(id)! + writes;
          const answer = await post(url, readBody(4, id));
          if (answer.status !== 200) r.non2xx++;
          const json = JSON.parse(answer.text) as { errors?: unknown };
          if (json.errors) r.graphqlErrors++;
          const count = financingRecordCount(json);
          if (count === undefined) r.graphqlErrors++;
          else if (writes > 0) {
            r.checkedReads++;
            if (count < expected) r.staleReads++;
          }
          r.reads++;
          bytes += answer.text.length;
        }
      } catch {
        r.errors++;
      } finally {
        if (write) state.writing.delete(id);
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: connections }, connection));
  latencies.sort((a, b) => a - b);
  r.requests = latencies.length;
  r.seconds = (performance.now() - started) / 1000;
  r.rps = r.requests / r.seconds;
  r.p50 = percentile(latencies, 50);
  r.p95 = percentile(latencies, 95);
  r.p99 = percentile(latencies, 99);
  r.bytesPerResponse = r.requests ? Math.round(bytes / r.requests) : 0;
  return r;
}

// ---------- counters ----------
type Counters = Record<string, { requests: number; sql: number }>;
async function readCounters(target: Target): Promise<Counters> {
  if (target === 'monolith') {
    const m = (await (await fetch(`http://${HOST}:${PORTS.monolith}/metrics`)).json()) as {
      subgraphs: Record<string, { requests: number; sqlStatements: number }>;
    };
    return Object.fromEntries(
      Object.entries(m.subgraphs).map(([k, v]) => [k, { requests: v.requests, sql: v.sqlStatements }]),
    );
  }
  const entries = await Promise.all(
    SUBGRAPHS.map(async (s) => {
      const m = (await (await fetch(`http://${HOST}:${s.port}/metrics`)).json()) as {
        requests: number;
        sqlStatements: number;
      };
      return [s.name, { requests: m.requests, sql: m.sqlStatements }] as const;
    }),
  );
  return Object.fromEntries(entries);
}
const perOp = (a: Counters, b: Counters, ops: number) =>
  Object.fromEntries(
    Object.keys(b).map((k) => [
      k,
      { requestsPerOp: (b[k]!.requests - a[k]!.requests) / ops, sqlPerOp: (b[k]!.sql - a[k]!.sql) / ops },
    ]),
  );
const sum = (per: Record<string, { requestsPerOp: number; sqlPerOp: number }>, key: 'requestsPerOp' | 'sqlPerOp') =>
  Object.values(per).reduce((a, v) => a + v[key], 0);

// ---------- targets ----------
/** Hive Gateway's configuration: the caller's Authorization goes to the subgraphs, as the hub's gateway sends it. */
const HIVE_CONFIG = `// Written by bench/run.ts.
import { defineConfig } from '@graphql-hive/gateway';
export const gatewayConfig = defineConfig({
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') ?? undefined }),
  },
});
`;

function cacheEnv(): NodeJS.ProcessEnv {
  if (Number(GATEWAY_WORKERS ?? 1) <= 1) return { GATEWAY_CACHE: 'lru' };
  return {
    GATEWAY_CACHE: 'redis',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    GATEWAY_CACHE_PREFIX: `bench:${process.pid}:`,
  };
}

async function startTarget(target: Target, env: NodeJS.ProcessEnv): Promise<{ url: string; procs: Proc[] }> {
  const dataDir = env.DATA_DIR!;
  if (target === 'hub' || target === 'hub-cached') {
    const gatewayEnv: NodeJS.ProcessEnv = { ...env, GATEWAY_PORT: String(PORTS[target]) };
    // One gateway process: its own memory. Several workers must share Redis (the gateway refuses lru then).
    if (target === 'hub-cached') Object.assign(gatewayEnv, cacheEnv());
    for (const s of SUBGRAPHS) gatewayEnv[`${envKey(s.name)}_URL`] = s.url;
    const p = start(`${target} gateway`, ['--import', 'tsx', resolve(ROOT, 'gateway/main.ts')], gatewayEnv);
    const url = `http://${HOST}:${PORTS[target]}/graphql`;
    await waitFor(`${target} gateway`, healthy(`http://${HOST}:${PORTS[target]}/health`), 60_000);
    return { url, procs: [p] };
  }
  if (target === 'hive' || target === 'hive-js') {
    // Same supergraph, routing URLs replaced by the bench's subgraph ports.
    let sdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
    for (const s of SUBGRAPHS)
      sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${s.name}", url: ")[^"]*`), `$1${s.url}`);
    // Its own folder: Hive Gateway reads gateway.config.* from its working directory, and no file of the project.
    const dir = resolve(dataDir, target);
    mkdirSync(dir, { recursive: true });
    const file = resolve(dir, 'supergraph.graphql');
    writeFileSync(file, sdl);
    writeFileSync(resolve(dir, 'gateway.config.mjs'), HIVE_CONFIG);
    const bin = resolve(ROOT, 'node_modules/@graphql-hive/gateway/dist/bin.js');
    const hiveEnv: NodeJS.ProcessEnv = { ...env };
    // Hive Gateway reports usage and traces to Hive when it finds a token (HIVE_*_TOKEN): never from the benchmark.
    for (const key of Object.keys(hiveEnv)) if (key.startsWith('HIVE_')) delete hiveEnv[key];
    const args = [bin, 'supergraph', file, '--port', String(PORTS[target]), '--host', HOST, '--fork', '1'];
    args.push('--polling', '1h');
    // `hive`: the Rust query planner of Hive Router (native addon shipped in @graphql-hive/router-query-planner).
    if (target === 'hive') args.push('--hive-router-runtime');
    const p = start(`${target} gateway`, args, hiveEnv, dir);
    const url = `http://${HOST}:${PORTS[target]}/graphql`;
    await waitFor(`${target} gateway`, answers(url), 60_000);
    return { url, procs: [p] };
  }
  const p = start('monolith', ['--import', 'tsx', resolve(ROOT, 'bench/monolith.ts')], {
    ...env,
    PORT: String(PORTS.monolith),
  });
  await waitFor('monolith', healthy(`http://${HOST}:${PORTS.monolith}/health`), 600_000);
  return { url: `http://${HOST}:${PORTS.monolith}/graphql`, procs: [p] };
}

async function recordCounts(env: NodeJS.ProcessEnv): Promise<Record<string, number>> {
  const tables: Record<string, string[]> = {
    financing: ['financing'],
    recruitment: ['recruitment_action'],
    attractiveness: ['investment_project', 'export_support', 'site_promotion'],
    engineering: ['engineering_record'],
  };
  const counts: Record<string, number> = {};
  for (const [name, names] of Object.entries(tables)) {
    const database = await openDatabase<KitDB>({ name, url: databaseUrlFor(name, env), dataDir: env.DATA_DIR });
    try {
      let n = 0;
      for (const t of names)
        n += Number(
          (
            await database.db
              .selectFrom(t)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      counts[name] = n;
    } finally {
      await database.close();
    }
  }
  return counts;
}

interface Row {
  target: Target;
  workload: number;
  scale: number;
  /** Requests per second at CONNECTIONS connections. */
  rps: number;
  /** Median latency (ms) at one connection. */
  p50: number;
  rpsSingle: number;
  p50Loaded: number;
  p95Loaded: number;
  p99Loaded: number;
  requests: number;
  errors: number;
  non2xx: number;
  graphqlErrors: number;
  bytesPerResponse: number;
  /** SQL statements per operation, from sequential operations (workload 4: its reads). */
  sqlPerOp: number;
  /** Subgraph fetches per operation, sequential (0 for the monolith, which has none). */
  fetchesPerOp: number;
  fetchesPerOpUnderLoad: number;
  sqlPerOpUnderLoad: number;
  perSubgraph: Record<string, { requestsPerOp: number; sqlPerOp: number }>;
  /** Workload 4 only: reads after a write of their territory, those that did not see it, writes made. */
  staleReads: number | null;
  checkedReads: number | null;
  writes: number | null;
  peakRssMb: Record<string, number>;
  /** CPU time per operation at 16 connections, by process tree (gateway or monolith, each subgraph). */
  cpuMsPerOp: Record<string, number>;
  loadAverage: { start: number; end: number };
  /** Rounds the row was measured in (its figures are over all of them). */
  rounds: number;
  sampleCheck: string;
}

// ---------- main ----------
const fmt = (n: number | null | undefined, d = 0) => (n != null && Number.isFinite(n) ? n.toFixed(d) : '–');
const load1 = () => Math.round(loadavg()[0]! * 100) / 100;
console.log(
  `[bench] scales ${SCALES.join(', ')}, ${POSTGRES ? 'PostgreSQL' : 'SQLite'}, ${CONNECTIONS} connections for ${DURATION} s (warm-up ${WARMUP} s), 1 connection for ${SINGLE} s, in ${ROUNDS} rounds, targets ${TARGETS.join(', ')}, workloads ${WORKLOADS.join(', ')}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

const bearer = `Bearer ${await writerToken(JWT_SECRET)}`;
const rows: Row[] = [];

/** Workload 4's state before a run: each territory's financing count, read through the target itself. */
async function mixedState(url: string): Promise<MixedState> {
  const answer = await post(
    url,
    JSON.stringify({
      query:
        '{ territories(phase: PHASE_2023_2027, first: 200) { nodes { id financing { summary { recordCount } } } } }',
    }),
  );
  const nodes = (
    JSON.parse(answer.text) as {
      data: { territories: { nodes: { id: string; financing: { summary: { recordCount: number } } }[] } };
    }
  ).data.territories.nodes;
  return {
    base: new Map(nodes.map((n) => [n.id, n.financing.summary.recordCount])),
    completed: new Map(),
    writing: new Set(),
    recent: [],
    references: [],
    next: 0,
    bearer,
  };
}

/** The benchmark's writes are taken back, so that the next target and run start from the same data. */
async function takeBack(url: string, state: MixedState): Promise<void> {
  for (const reference of state.references)
    await post(url, JSON.stringify({ query: CLEANUP, variables: { reference } }), state.bearer);
}

/**
 * Load that is not measured: the workload itself (workload 4 with its writes, taken back, after one read of every
 * territory, which its random choice may miss: a subgraph reads a territory's reference rows the first time only).
 */
async function warm(url: string, workload: number, seconds: number): Promise<void> {
  if (workload !== 4) return void (await load(url, workload, seconds, CONNECTIONS));
  for (const id of territoryIds) await post(url, readBody(4, id));
  const state = await mixedState(url);
  await mixed(url, seconds, CONNECTIONS, state);
  await takeBack(url, state);
}

/** One round of a row: the load at CONNECTIONS connections, then at one; the first round also counts the work. */
interface Part {
  loaded: LoadResult & Partial<MixedResult>;
  single: LoadResult & Partial<MixedResult>;
  cpuMs: Record<string, number>;
  /** Subgraph requests and SQL statements during the load at CONNECTIONS connections. */
  underLoad: Counters;
  exact?: Record<string, { requestsPerOp: number; sqlPerOp: number }>;
  peakRssMb: Record<string, number>;
  loadAverage: { start: number; end: number };
  sampleCheck: string;
}

async function measure(
  target: Target,
  url: string,
  workload: number,
  trees: Record<string, number>,
  first: boolean,
): Promise<Part> {
  const loadStart = load1();
  let sampleCheck = 'ok';
  if (first) {
    // Sanity: one request must answer data without errors.
    const check = await post(url, readBody(workload, territoryIds[0]!));
    const parsed = JSON.parse(check.text) as { errors?: unknown };
    if (check.status !== 200 || parsed.errors) {
      sampleCheck = `HTTP ${check.status} ${check.text.slice(0, 300)}`;
      console.error(`[bench] ${target} workload ${workload}: ${sampleCheck}`);
    }
  }
  await warm(url, workload, WARMUP);
  let exact: Part['exact'];
  if (first) {
    // Exact fetches and SQL per operation: a few sequential operations, nothing else in flight
    // (first wait until the subgraphs have drained the warm-up's backlog: counters steady for 500 ms).
    let c0 = await readCounters(target);
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 500));
      const next = await readCounters(target);
      const steady = JSON.stringify(next) === JSON.stringify(c0);
      c0 = next;
      if (steady) break;
    }
    // Three times, keeping the fewest: hub-cached's gateway reads every subgraph's outbox each second (one statement
    // each), which a count may catch; nothing else can lower it.
    const SEQ = 6;
    for (let attempt = 0; attempt < 3; attempt++) {
      const start = attempt === 0 ? c0 : await readCounters(target);
      for (let i = 1; i <= SEQ; i++) await post(url, readBody(workload, territoryIds[(i * 37) % territoryIds.length]!));
      const counted = perOp(start, await readCounters(target), SEQ);
      if (!exact || sum(counted, 'sqlPerOp') < sum(exact, 'sqlPerOp')) exact = counted;
    }
  }
  const state = workload === 4 ? await mixedState(url) : undefined;
  const before = await readCounters(target);
  const cpuBefore = cpuMs(trees);
  const stopSampling = memorySampler(trees);
  const seconds = DURATION / ROUNDS;
  const loaded = state
    ? await mixed(url, seconds, CONNECTIONS, state)
    : await load(url, workload, seconds, CONNECTIONS);
  const peakRssMb = stopSampling();
  const cpuAfter = cpuMs(trees);
  const after = await readCounters(target);
  const single = state ? await mixed(url, SINGLE / ROUNDS, 1, state) : await load(url, workload, SINGLE / ROUNDS, 1);
  if (state) await takeBack(url, state);
  return {
    loaded,
    single,
    cpuMs: Object.fromEntries(Object.keys(trees).map((k) => [k, cpuAfter[k]! - cpuBefore[k]!])),
    underLoad: Object.fromEntries(
      Object.keys(after).map((k) => [
        k,
        { requests: after[k]!.requests - before[k]!.requests, sql: after[k]!.sql - before[k]!.sql },
      ]),
    ),
    exact,
    peakRssMb,
    loadAverage: { start: loadStart, end: load1() },
    sampleCheck,
  };
}

/** A row's rounds as one run: requests over their total time, percentiles over every response. */
function combine(parts: (LoadResult & Partial<MixedResult>)[]): LoadResult & Partial<MixedResult> {
  const latencies = parts.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const seconds = parts.reduce((a, p) => a + p.seconds, 0);
  const add = (key: 'requests' | 'errors' | 'non2xx' | 'graphqlErrors' | keyof Omit<MixedResult, keyof LoadResult>) =>
    parts.reduce((a, p) => a + (p[key] ?? 0), 0);
  const requests = add('requests');
  return {
    requests,
    latencies,
    seconds,
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: add('errors'),
    non2xx: add('non2xx'),
    graphqlErrors: add('graphqlErrors'),
    bytesPerResponse: requests
      ? Math.round(parts.reduce((a, p) => a + p.bytesPerResponse * p.requests, 0) / requests)
      : 0,
    reads: add('reads'),
    writes: add('writes'),
    checkedReads: add('checkedReads'),
    staleReads: add('staleReads'),
  };
}

function rowOf(target: Target, workload: number, scale: number, parts: Part[]): Row {
  const loaded = combine(parts.map((p) => p.loaded));
  const single = combine(parts.map((p) => p.single));
  const ops = loaded.requests || 1;
  const exact = parts[0]!.exact!;
  const names = Object.keys(parts[0]!.underLoad);
  const zero: Counters = Object.fromEntries(names.map((k) => [k, { requests: 0, sql: 0 }]));
  const total: Counters = Object.fromEntries(
    names.map((k) => [
      k,
      {
        requests: parts.reduce((a, p) => a + p.underLoad[k]!.requests, 0),
        sql: parts.reduce((a, p) => a + p.underLoad[k]!.sql, 0),
      },
    ]),
  );
  const underLoad = perOp(zero, total, ops);
  const trees = Object.keys(parts[0]!.cpuMs);
  const mixedRow = workload === 4;
  return {
    target,
    workload,
    scale,
    rps: loaded.rps,
    p50: single.p50,
    rpsSingle: single.rps,
    p50Loaded: loaded.p50,
    p95Loaded: loaded.p95,
    p99Loaded: loaded.p99,
    requests: loaded.requests,
    errors: loaded.errors + single.errors,
    non2xx: loaded.non2xx + single.non2xx,
    graphqlErrors: loaded.graphqlErrors + single.graphqlErrors,
    bytesPerResponse: loaded.bytesPerResponse,
    sqlPerOp: sum(exact, 'sqlPerOp'),
    fetchesPerOp: sum(exact, 'requestsPerOp'),
    fetchesPerOpUnderLoad: sum(underLoad, 'requestsPerOp'),
    sqlPerOpUnderLoad: sum(underLoad, 'sqlPerOp'),
    perSubgraph: exact,
    staleReads: mixedRow ? loaded.staleReads! + single.staleReads! : null,
    checkedReads: mixedRow ? loaded.checkedReads! + single.checkedReads! : null,
    writes: mixedRow ? loaded.writes! + single.writes! : null,
    peakRssMb: Object.fromEntries(trees.map((k) => [k, Math.max(...parts.map((p) => p.peakRssMb[k]!))])),
    cpuMsPerOp: Object.fromEntries(trees.map((k) => [k, parts.reduce((a, p) => a + p.cpuMs[k]!, 0) / ops])),
    loadAverage: { start: parts[0]!.loadAverage.start, end: parts[parts.length - 1]!.loadAverage.end },
    rounds: parts.length,
    sampleCheck: parts.find((p) => p.sampleCheck !== 'ok')?.sampleCheck ?? 'ok',
  };
}

const scales: {
  scale: number;
  records: Record<string, number>;
  totalRecords: number;
  dataPreparedSeconds: number;
  generated: boolean;
  peakRssPreparingMb: number;
}[] = [];
const runStart = { date: new Date().toISOString(), loadAverage: loadavg() };

for (const scale of SCALES) {
  const env = scaleEnv(scale);
  const dataDir = env.DATA_DIR!;
  if (REGENERATE && !POSTGRES) rmSync(dataDir, { recursive: true, force: true });
  const generated = POSTGRES || !existsSync(resolve(dataDir, 'financing.sqlite'));
  const subgraphProcs: Record<string, Proc> = {};
  let t0 = Date.now();
  for (const s of SUBGRAPHS)
    subgraphProcs[s.name] = start(s.name, ['--import', 'tsx', resolve(ROOT, 'subgraphs', s.name, 'main.ts')], {
      ...env,
      PORT: String(s.port),
    });
  const preparing = memorySampler(
    Object.fromEntries(SUBGRAPHS.map((s) => [s.name, subgraphProcs[s.name]!.child.pid!])),
  );
  await Promise.all(
    SUBGRAPHS.map((s) => waitFor(s.name, healthy(`${s.url.replace('/graphql', '')}/ready`), 1_800_000)),
  );
  const preparedSeconds = (Date.now() - t0) / 1000;
  const peakRssPreparingMb = Object.values(preparing()).reduce((a, b) => a + b, 0);
  const records = await recordCounts(env);
  const totalRecords = Object.values(records).reduce((a, b) => a + b, 0);
  scales.push({ scale, records, totalRecords, dataPreparedSeconds: preparedSeconds, generated, peakRssPreparingMb });
  console.log(
    `[bench] scale ${scale}: subgraphs ready in ${preparedSeconds.toFixed(1)} s (${generated ? 'data generated and loaded' : 'data reused'}; peak RSS of the subgraphs ${peakRssPreparingMb} MB); operator records ${Object.entries(
      records,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} — total ${totalRecords}`,
  );
  {
    const r = await post(
      SUBGRAPHS.find((s) => s.name === 'territories')!.url,
      JSON.stringify({ query: '{ territories(phase: PHASE_2023_2027, first: 200) { nodes { id } } }' }),
    );
    territoryIds = (JSON.parse(r.text).data.territories.nodes as { id: string }[]).map((n) => n.id);
  }

  // Every target runs at once over the same subgraph processes (an idle one costs memory, not CPU), so that each row
  // can be measured in rounds, the targets taking turns: ABBA order (forward, then backward…), each round
  // DURATION / ROUNDS seconds. A drift of the machine's speed during the run (shared host, CPU frequency) then falls on
  // every target alike instead of on the ones measured last.
  // Each target's URL, processes, and the process trees its CPU and memory are read from.
  const running = new Map<Target, { url: string; procs: Proc[]; trees: Record<string, number> }>();
  for (const target of TARGETS) {
    t0 = Date.now();
    const started = await startTarget(target, env);
    const trees: Record<string, number> = {};
    trees[target === 'monolith' ? 'monolith' : 'gateway'] = started.procs[0]!.child.pid!;
    if (target !== 'monolith') for (const s of SUBGRAPHS) trees[s.name] = subgraphProcs[s.name]!.child.pid!;
    running.set(target, { ...started, trees });
    console.log(
      `[bench] scale ${scale}: ${target} ready at ${started.url} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  // Every workload once before any row: code is compiled (JIT) by the first requests a process answers, and the
  // first target measured would otherwise also pay for the subgraphs' code and for reading their files into the OS
  // cache (the hub measured 15-25 % fewer req/s on fresh subgraphs than on warm ones): the first target warms longer.
  // Workload 4 warms with its own writes: warmed with reads only, the target measured first on it answered 15-20 %
  // fewer req/s, whichever it was.
  for (const target of TARGETS)
    for (const workload of WORKLOADS)
      await warm(running.get(target)!.url, workload, target === TARGETS[0] ? Math.max(WARMUP, DURATION) : WARMUP);

  for (const workload of WORKLOADS) {
    const parts = new Map<Target, Part[]>(TARGETS.map((t) => [t, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? TARGETS : [...TARGETS].reverse();
      for (const target of order) {
        const { url, trees } = running.get(target)!;
        parts.get(target)!.push(await measure(target, url, workload, trees, round === 0));
      }
    }
    for (const target of TARGETS) {
      const row = rowOf(target, workload, scale, parts.get(target)!);
      rows.push(row);
      console.log(
        `[bench] scale ${scale} ${target} w${workload}: ${fmt(row.rps, 1)} req/s at ${CONNECTIONS} (p50 ${fmt(row.p50Loaded)} p99 ${fmt(row.p99Loaded)} ms), p50 ${fmt(row.p50, 1)} ms at 1, errors ${row.errors}/${row.non2xx}/${row.graphqlErrors}, fetches/op ${fmt(row.fetchesPerOp, 2)} (under load ${fmt(row.fetchesPerOpUnderLoad, 2)}), SQL/op ${fmt(row.sqlPerOp, 1)}${row.staleReads !== null ? `, writes ${row.writes}, reads checked ${row.checkedReads}, stale ${row.staleReads}` : ''}, load ${row.loadAverage.start}→${row.loadAverage.end}`,
      );
    }
  }
  for (const { procs: targetProcs } of running.values()) for (const p of targetProcs) await stopProc(p);
  for (const p of Object.values(subgraphProcs)) await stopProc(p);
}
stopping = true;
for (const p of [...procs]) await stopProc(p);

// ---------- report ----------
const cpuModel = (/model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown').trim();
const machine = {
  nproc: cpus().length,
  cpu: cpuModel,
  memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  database: POSTGRES ? 'postgresql' : 'sqlite',
  loadAverageAtStart: runStart.loadAverage.map((l) => Math.round(l * 100) / 100),
  loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
};
const TARGET_TEXT: Record<Target, string> = {
  hub: 'gateway/main.ts (Apollo Server 5 + @apollo/gateway, cache off) and six subgraph processes, HTTP on loopback',
  'hub-cached': 'the hub with GATEWAY_CACHE=lru (the gateway read cache)',
  hive: '@graphql-hive/gateway CLI with --hive-router-runtime (Rust query planner of Hive Router, native addon from npm), 1 process, over the same subgraph processes',
  'hive-js':
    '@graphql-hive/gateway CLI with its default JavaScript (stitching) planner, 1 process, over the same subgraph processes',
  monolith:
    'bench/monolith.ts: the subgraph modules in one merged executable schema (@graphql-tools/schema), graphql-js execution with each module’s per-request context, no query planner, no HTTP between parts, one process',
};

const get = (target: Target, workload: number, scale: number) =>
  rows.find((r) => r.target === target && r.workload === workload && r.scale === scale);
interface Check {
  figure: string;
  goal: string;
  values: string[];
  status: 'met' | 'missed' | 'not measured';
}
const checks: Check[] = [];
function check(
  figure: string,
  goal: string,
  /** A pair may carry its own goal (`ok`) and print as a count (`count`), e.g. the stale reads beside a ratio. */
  pairs: { label: string; value: number | undefined; ok?: (v: number) => boolean; count?: true }[],
  ok: (v: number) => boolean,
) {
  const measured = pairs.filter((p) => p.value !== undefined && Number.isFinite(p.value));
  const passes = (p: (typeof pairs)[number]) => (p.ok ?? ok)(p.value!);
  checks.push({
    figure,
    goal,
    values: pairs.map(
      (p) => `${p.label} ${p.value !== undefined && Number.isFinite(p.value) ? p.value.toFixed(p.count ? 0 : 2) : '–'}`,
    ),
    status:
      measured.length === 0
        ? 'not measured'
        : measured.every(passes) && measured.length === pairs.length
          ? 'met'
          : measured.some((p) => !passes(p))
            ? 'missed'
            : 'not measured',
  });
}
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);
for (const scale of SCALES) {
  const at = (t: Target, w: number) => get(t, w, scale);
  check(
    `hub / hive req/s, every workload (scale ${scale})`,
    '≥ 1.0',
    WORKLOADS.map((w) => ({ label: `w${w}`, value: ratio(at('hub', w)?.rps, at('hive', w)?.rps) })),
    (v) => v >= 1,
  );
  check(
    `hub / monolith req/s, workload 1 (scale ${scale})`,
    '≥ 0.5',
    [{ label: 'w1', value: ratio(at('hub', 1)?.rps, at('monolith', 1)?.rps) }],
    (v) => v >= 0.5,
  );
  check(
    `1-connection p50, hub / monolith, workload 1 (scale ${scale})`,
    '≤ 1.5',
    [{ label: 'w1', value: ratio(at('hub', 1)?.p50, at('monolith', 1)?.p50) }],
    (v) => v <= 1.5,
  );
  check(
    `1-connection p50, hub-cached / monolith (scale ${scale})`,
    '≤ 0.3',
    WORKLOADS.filter((w) => w <= 3).map((w) => ({
      label: `w${w}`,
      value: ratio(at('hub-cached', w)?.p50, at('monolith', w)?.p50),
    })),
    (v) => v <= 0.3,
  );
  check(
    `hub-cached / monolith req/s, workloads 1 to 3 (scale ${scale})`,
    '≥ 2',
    WORKLOADS.filter((w) => w <= 3).map((w) => ({
      label: `w${w}`,
      value: ratio(at('hub-cached', w)?.rps, at('monolith', w)?.rps),
    })),
    (v) => v >= 2,
  );
  check(
    `hub-cached / monolith req/s, workload 4, 0 stale reads (scale ${scale})`,
    '≥ 1 and 0 stale',
    [
      { label: 'w4', value: ratio(at('hub-cached', 4)?.rps, at('monolith', 4)?.rps) },
      { label: 'stale reads', value: at('hub-cached', 4)?.staleReads ?? undefined, ok: (v) => v === 0, count: true },
    ],
    (v) => v >= 1,
  );
}
if (SCALES.length >= 2) {
  const [small, large] = [Math.min(...SCALES), Math.max(...SCALES)];
  for (const target of ['hub', 'hub-cached'] as Target[])
    check(
      `${target} req/s at scale ${large} / scale ${small}`,
      '≥ 0.8',
      WORKLOADS.map((w) => ({ label: `w${w}`, value: ratio(get(target, w, large)?.rps, get(target, w, small)?.rps) })),
      (v) => v >= 0.8,
    );
}
const federationCost = rows
  .filter((r) => r.target !== 'monolith')
  .map((r) => ({
    target: r.target,
    workload: r.workload,
    scale: r.scale,
    p50OverMonolith: ratio(r.p50, get('monolith', r.workload, r.scale)?.p50) ?? null,
    rpsOverMonolith: ratio(r.rps, get('monolith', r.workload, r.scale)?.rps) ?? null,
  }));

const report = {
  date: runStart.date,
  label: LABEL,
  machine,
  settings: {
    scales: SCALES,
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    singleConnectionSeconds: SINGLE,
    connections: CONNECTIONS,
    gatewayWorkers: GATEWAY_WORKERS ?? null,
  },
  data: scales,
  targets: Object.fromEntries(TARGETS.map((t) => [t, TARGET_TEXT[t]])),
  workloads: Object.fromEntries(WORKLOADS.map((w) => [w, WORKLOAD_NAMES[w]])),
  rows,
  federationCost,
  checks,
};

const md: string[] = [];
md.push(`# Benchmark — ${report.date}${LABEL ? ` (${LABEL})` : ''}`, '');
md.push(
  `Machine: ${machine.nproc} CPU (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}; database ${machine.database}. ` +
    `Load average (1, 5, 15 min) at the start ${machine.loadAverageAtStart.join(' / ')}, at the end ${machine.loadAverageAtEnd.join(' / ')}` +
    ` (the machine is shared: every row gives its own).`,
  '',
  `Each row in ${ROUNDS} rounds, the targets taking turns (ABBA order), each round ${WARMUP} s of warm-up, ${CONNECTIONS} connections for ${DURATION / ROUNDS} s (req/s), then 1 connection for ${SINGLE / ROUNDS} s (p50): ${DURATION} s and ${SINGLE} s per row. Every target runs at once over the same subgraph processes, and each had first answered every workload for ${WARMUP} s (the first for ${Math.max(WARMUP, DURATION)} s)${GATEWAY_WORKERS ? `; GATEWAY_WORKERS=${GATEWAY_WORKERS}` : ''}.`,
  '',
  '| scale | operator records | data ready in | generated | peak RSS of the subgraphs while preparing |',
  '|---:|---:|---:|---|---:|',
);
for (const s of scales)
  md.push(
    `| ${s.scale} | ${s.totalRecords} | ${s.dataPreparedSeconds.toFixed(1)} s | ${s.generated ? 'yes' : 'no (reused)'} | ${s.peakRssPreparingMb} MB |`,
  );
md.push(
  '',
  '| scale | target | workload | req/s (16 conn.) | p50 ms (1 conn.) | p50 / p99 ms (16 conn.) | errors / non-2xx / GraphQL errors | fetches/op (sequential · under load) | SQL/op | stale reads (checked) | CPU ms/op gateway / subgraphs Σ | peak RSS gateway / subgraphs Σ MB | load avg |',
  '|---:|---|---|---:|---:|---|---|---|---:|---|---|---|---|',
);
for (const r of rows) {
  const gw = r.peakRssMb.gateway ?? r.peakRssMb.monolith ?? 0;
  const subs = Object.entries(r.peakRssMb)
    .filter(([k]) => k !== 'gateway' && k !== 'monolith')
    .reduce((a, [, v]) => a + v, 0);
  const cpuGw = r.cpuMsPerOp.gateway ?? r.cpuMsPerOp.monolith ?? 0;
  const cpuSubs = Object.entries(r.cpuMsPerOp)
    .filter(([k]) => k !== 'gateway' && k !== 'monolith')
    .reduce((a, [, v]) => a + v, 0);
  md.push(
    `| ${r.scale} | ${r.target} | ${r.workload} | ${fmt(r.rps, 1)} | ${fmt(r.p50, 1)} | ${fmt(r.p50Loaded)} / ${fmt(r.p99Loaded)} | ${r.errors} / ${r.non2xx} / ${r.graphqlErrors} | ${fmt(r.fetchesPerOp, 2)} · ${fmt(r.fetchesPerOpUnderLoad, 2)} | ${fmt(r.sqlPerOp, 1)} | ${r.staleReads === null ? '' : `${r.staleReads} (${r.checkedReads}; ${r.writes} writes)`} | ${fmt(cpuGw, 1)} / ${r.target === 'monolith' ? '–' : fmt(cpuSubs, 1)} | ${gw} / ${r.target === 'monolith' ? '(in it)' : subs} | ${r.loadAverage.start}→${r.loadAverage.end} |`,
  );
}
md.push('', '## What federation costs: hub and peers over the monolith', '');
md.push('| scale | target | workload | p50 (1 conn.) / monolith | req/s / monolith |', '|---:|---|---|---:|---:|');
for (const f of federationCost)
  md.push(`| ${f.scale} | ${f.target} | ${f.workload} | ${fmt(f.p50OverMonolith, 2)} | ${fmt(f.rpsOverMonolith, 2)} |`);
md.push('', '## Issue 13 targets', '', '| figure | target | measured | status |', '|---|---|---|---|');
for (const c of checks) md.push(`| ${c.figure} | ${c.goal} | ${c.values.join(', ')} | **${c.status}** |`);
md.push('', '## Targets', '');
for (const t of TARGETS) md.push(`- **${t}**: ${TARGET_TEXT[t]}`);
md.push(
  '',
  'Workload 4 counts as stale a read of a territory whose financing count is below its count before the run plus the writes on it completed before the read was sent (writes of one territory never overlap). Its SQL and fetches per operation are those of its reads.',
);

const dir = resolve(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
writeFileSync(resolve(dir, `${OUT}.json`), JSON.stringify(report, null, 2) + '\n');
writeFileSync(resolve(dir, `${OUT}.md`), md.join('\n') + '\n');
console.log('\n' + md.join('\n'));
console.log(`\n[bench] wrote bench/results/${OUT}.json and ${OUT}.md`);
process.exit(0);
