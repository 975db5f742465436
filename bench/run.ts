// `npm run bench [-- --scale 7 --duration 10 --connections 16 --only hub|hive|monolith --workloads 1,2,3]`
// The hub (each subgraph and the gateway in its own process, HTTP on loopback, NODE_ENV=production)
// against Hive Gateway on the same subgraph processes and against a one-process monolith baseline,
// under a fixed-concurrency autocannon load. Writes bench/results/latest.json and latest.md.
// Not a test: numbers depend on the machine. See README "Performance".
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { databaseUrlFor, isPostgresUrl, openDatabase } from '../subgraphs/runtime/database.ts';
import type { KitDB } from '../subgraphs/runtime/records.ts';
import { envKey, readSubgraphList, ROOT, SUPERGRAPH_FILE } from '../subgraphs/runtime/registry.ts';

// ---------- options ----------
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}
const SCALE = Number(flag('scale') ?? process.env.SCALE ?? 7);
const DURATION = Number(flag('duration') ?? 10);
const CONNECTIONS = Number(flag('connections') ?? 16);
const WARMUP = Number(flag('warmup') ?? Math.min(5, Math.max(2, Math.round(DURATION / 3))));
const TARGETS = (flag('only') ?? 'hub,hive,monolith').split(',').map((s) => s.trim()) as Target[];
const WORKLOADS = (flag('workloads') ?? '1,2,3').split(',').map(Number);
const LABEL = flag('label');
const OUT = flag('out') ?? 'latest';
for (const t of TARGETS) if (!['hub', 'hive', 'monolith'].includes(t)) throw new Error(`--only: unknown target "${t}"`);
for (const w of WORKLOADS) if (![1, 2, 3].includes(w)) throw new Error(`--workloads: unknown workload ${w}`);
if (!(SCALE > 0) || !(DURATION > 0) || !(CONNECTIONS > 0))
  throw new Error('--scale, --duration, --connections must be positive');

type Target = 'hub' | 'hive' | 'monolith';
const POSTGRES = isPostgresUrl(process.env.DATABASE_URL);
const DATA_DIR = resolve(ROOT, '.data', `bench-scale-${SCALE}`);
const HOST = '127.0.0.1';
const PORTS = { hub: 4100, hive: 4200, monolith: 4300 } as const;
const SUBGRAPHS = readSubgraphList(undefined, {}).map((s, i) => ({
  name: s.name,
  port: 4101 + i,
  url: `http://${HOST}:${4101 + i}/graphql`,
}));
const GATEWAY_WORKERS = process.env.GATEWAY_WORKERS;

const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  SCALE: String(SCALE),
  DATA_DIR,
  HOST,
  // The gateway's default limits apply (workload 2 is estimated at 3,201 against MAX_COST 50,000).
};
delete baseEnv.HUB_SHARED_SECRET;
for (const s of SUBGRAPHS) {
  delete baseEnv[`${envKey(s.name)}_URL`];
  delete baseEnv[`${envKey(s.name)}_PORT`];
}

/** Hive Gateway reports usage and traces to Hive when it finds a token (HIVE_*_TOKEN): never from the benchmark. */
function hiveEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...baseEnv, PORT: String(PORTS.hive) };
  for (const key of Object.keys(env)) if (key.startsWith('HIVE_')) delete env[key];
  return env;
}

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
// Bounded run time: the whole run may not exceed setup + its workloads with a generous margin.
const budgetMs = 15 * 60_000 + TARGETS.length * WORKLOADS.length * (DURATION + WARMUP + 30) * 1000;
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

// ---------- workloads ----------
const PANIER = readFileSync(resolve(ROOT, 'queries/territory-panier.graphql'), 'utf8');
const PHASE_FIGURES = `query PhaseFigures {
  territories(phase: PHASE_2023_2027, first: 200) {
    totalCount
    nodes {
      id name
      financing { summary { amountEur } }
      recruitment { jobSeekersLatest { value } }
      attractiveness { summary { recordCount } }
      engineering { summary { recordCount } }
    }
  }
}`;
const REGION_TOTALS = `query RegionTotals {
  financing: financingTotals(by: REGION, phase: PHASE_2023_2027) { key territoryCount recordCount amountEur beneficiaryCount }
  recruitment: recruitmentTotals(by: REGION, phase: PHASE_2023_2027) { key territoryCount recordCount amountEur beneficiaryCount }
  attractiveness: attractivenessTotals(by: REGION, phase: PHASE_2023_2027) { key territoryCount recordCount amountEur beneficiaryCount }
  engineering: engineeringTotals(by: REGION, phase: PHASE_2023_2027) { key territoryCount recordCount amountEur beneficiaryCount }
}`;
const WORKLOAD_NAMES: Record<number, string> = {
  1: 'panier of one territory (183 ids rotated)',
  2: '183 territories × one figure per operator',
  3: 'four operators’ totals by region',
};

let territoryIds: string[] = [];
function bodyFor(workload: number, i: number): string {
  if (workload === 1)
    return JSON.stringify({ query: PANIER, variables: { id: territoryIds[i % territoryIds.length] } });
  return JSON.stringify({ query: workload === 2 ? PHASE_FIGURES : REGION_TOTALS });
}

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: r.status, text: await r.text() };
}

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  graphqlErrors: number;
  bytesPerResponse: number;
}

function load(url: string, workload: number, seconds: number): Promise<LoadResult> {
  let counter = 0;
  let graphqlErrors = 0;
  const latencies: number[] = [];
  return new Promise((resolvePromise, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 20,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req: autocannon.Request) => ({ ...req, body: bodyFor(workload, counter++) }),
            onResponse: (_status: number, body: string) => {
              if (body.includes('"errors":[')) graphqlErrors++;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        latencies.sort((a, b) => a - b);
        const pct = (p: number) =>
          latencies.length
            ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!
            : NaN;
        const total = result.requests.total;
        resolvePromise({
          requests: total,
          rps: total / (result.duration || seconds),
          p50: pct(50),
          p95: pct(95),
          p99: pct(99),
          errors: result.errors,
          timeouts: result.timeouts,
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

// ---------- targets ----------
async function startTarget(target: Target): Promise<{ url: string; procs: Proc[] }> {
  if (target === 'hub') {
    const env: NodeJS.ProcessEnv = { ...baseEnv, GATEWAY_PORT: String(PORTS.hub) };
    delete env.PORT;
    for (const s of SUBGRAPHS) env[`${envKey(s.name)}_URL`] = s.url;
    const p = start('hub gateway', ['--import', 'tsx', resolve(ROOT, 'gateway/main.ts')], env);
    const url = `http://${HOST}:${PORTS.hub}/graphql`;
    await waitFor('hub gateway', healthy(`http://${HOST}:${PORTS.hub}/health`), 60_000);
    return { url, procs: [p] };
  }
  if (target === 'hive') {
    // Same supergraph, routing URLs replaced by the bench's subgraph ports.
    let sdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
    for (const s of SUBGRAPHS)
      sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${s.name}", url: ")[^"]*`), `$1${s.url}`);
    mkdirSync(DATA_DIR, { recursive: true });
    const file = resolve(DATA_DIR, 'hive-supergraph.graphql');
    writeFileSync(file, sdl);
    const bin = resolve(ROOT, 'node_modules/@graphql-hive/gateway/dist/bin.js');
    // cwd = the bench data folder so that no gateway.config file of the project is picked up.
    const p = start(
      'hive gateway',
      [bin, 'supergraph', file, '--port', String(PORTS.hive), '--host', HOST, '--fork', '1', '--polling', '1h'],
      hiveEnv(),
      DATA_DIR,
    );
    const url = `http://${HOST}:${PORTS.hive}/graphql`;
    await waitFor('hive gateway', answers(url), 60_000);
    return { url, procs: [p] };
  }
  const p = start('monolith', ['--import', 'tsx', resolve(ROOT, 'bench/monolith.ts')], {
    ...baseEnv,
    PORT: String(PORTS.monolith),
  });
  await waitFor('monolith', healthy(`http://${HOST}:${PORTS.monolith}/health`), 600_000);
  return { url: `http://${HOST}:${PORTS.monolith}/graphql`, procs: [p] };
}

interface Row extends LoadResult {
  target: Target;
  workload: number;
  operations: number;
  subgraphRequestsPerOp: number;
  sqlPerOp: number;
  sqlPerSubgraphRequest: number;
  perSubgraph: Record<string, { requestsPerOp: number; sqlPerOp: number }>;
  subgraphRequestsPerOpUnderLoad: number;
  underLoad: Record<string, { requestsPerOp: number; sqlPerOp: number }>;
  peakRssMb: Record<string, number>;
  sampleCheck: string;
}

async function recordCounts(): Promise<Record<string, number>> {
  const tables: Record<string, string[]> = {
    financing: ['financing'],
    recruitment: ['recruitment_action'],
    attractiveness: ['investment_project', 'export_support', 'site_promotion'],
    engineering: ['engineering_record'],
  };
  const counts: Record<string, number> = {};
  for (const [name, list] of Object.entries(tables)) {
    const database = await openDatabase<KitDB>({ name, url: databaseUrlFor(name, baseEnv), dataDir: DATA_DIR });
    try {
      let n = 0;
      for (const t of list)
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

// ---------- main ----------
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');
console.log(
  `[bench] scale ${SCALE}, ${POSTGRES ? 'PostgreSQL' : `SQLite in ${DATA_DIR}`}, ${CONNECTIONS} connections, ${DURATION} s per workload (warm-up ${WARMUP} s), targets ${TARGETS.join(', ')}, workloads ${WORKLOADS.join(', ')}`,
);

const subgraphProcs: Record<string, Proc> = {};
let t0 = Date.now();
for (const s of SUBGRAPHS) {
  subgraphProcs[s.name] = start(s.name, ['--import', 'tsx', resolve(ROOT, 'subgraphs', s.name, 'main.ts')], {
    ...baseEnv,
    PORT: String(s.port),
  });
}
const needSubgraphs = TARGETS.some((t) => t !== 'monolith');
await Promise.all(SUBGRAPHS.map((s) => waitFor(s.name, healthy(`http://${HOST}:${s.port}/health`), 900_000)));
console.log(
  `[bench] subgraphs ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (first run at a scale builds the data)`,
);
const records = await recordCounts();
const totalRecords = Object.values(records).reduce((a, b) => a + b, 0);
console.log(
  `[bench] operator records: ${Object.entries(records)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')} — total ${totalRecords}`,
);
{
  const r = await post(
    SUBGRAPHS.find((s) => s.name === 'territories')!.url,
    JSON.stringify({ query: '{ territories(phase: PHASE_2023_2027, first: 200) { nodes { id } } }' }),
  );
  territoryIds = (JSON.parse(r.text).data.territories.nodes as { id: string }[]).map((n) => n.id);
  console.log(`[bench] ${territoryIds.length} territory ids of 2023-2027 for workload 1`);
}
if (!needSubgraphs) {
  // The monolith opens the databases itself: the subgraph processes were only needed to build the data.
  for (const p of Object.values(subgraphProcs)) await stopProc(p);
}

const rows: Row[] = [];
for (const target of TARGETS) {
  if (target === 'monolith') for (const p of Object.values(subgraphProcs)) await stopProc(p); // free the CPU and memory
  t0 = Date.now();
  const { url, procs: targetProcs } = await startTarget(target);
  console.log(`[bench] ${target} ready at ${url} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  for (const workload of WORKLOADS) {
    // Sanity: one request must answer data without errors.
    const check = await post(url, bodyFor(workload, 0));
    const parsed = JSON.parse(check.text);
    const sampleCheck =
      check.status === 200 && !parsed.errors ? 'ok' : `HTTP ${check.status} ${check.text.slice(0, 300)}`;
    if (sampleCheck !== 'ok') console.error(`[bench] ${target} workload ${workload}: ${sampleCheck}`);
    await load(url, workload, WARMUP);
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
    const SEQ = 6;
    for (let i = 1; i <= SEQ; i++) await post(url, bodyFor(workload, i * 37));
    const c1 = await readCounters(target);
    const exact = Object.fromEntries(
      Object.keys(c1).map((k) => [
        k,
        {
          requestsPerOp: (c1[k]!.requests - c0[k]!.requests) / SEQ,
          sqlPerOp: (c1[k]!.sql - c0[k]!.sql) / SEQ,
        },
      ]),
    );
    const trees: Record<string, number> = {};
    trees[target === 'monolith' ? 'monolith' : 'gateway'] = targetProcs[0]!.child.pid!;
    if (target !== 'monolith') for (const s of SUBGRAPHS) trees[s.name] = subgraphProcs[s.name]!.child.pid!;
    const before = await readCounters(target);
    const stopSampling = memorySampler(trees);
    const result = await load(url, workload, DURATION);
    const peakRssMb = stopSampling();
    const after = await readCounters(target);
    const ops = result.requests || 1;
    // Under load (in-flight operations at both ends of the window blur it; deduplication shows here).
    const underLoad = Object.fromEntries(
      Object.keys(after).map((k) => [
        k,
        {
          requestsPerOp: (after[k]!.requests - before[k]!.requests) / ops,
          sqlPerOp: (after[k]!.sql - before[k]!.sql) / ops,
        },
      ]),
    );
    const perSubgraph = exact;
    const subReq = Object.values(perSubgraph).reduce((a, v) => a + v.requestsPerOp, 0);
    const sql = Object.values(perSubgraph).reduce((a, v) => a + v.sqlPerOp, 0);
    const subReqUnderLoad = Object.values(underLoad).reduce((a, v) => a + v.requestsPerOp, 0);
    const row: Row = {
      target,
      workload,
      operations: result.requests,
      ...result,
      subgraphRequestsPerOp: subReq,
      sqlPerOp: sql,
      sqlPerSubgraphRequest: subReq ? sql / subReq : NaN,
      perSubgraph,
      subgraphRequestsPerOpUnderLoad: subReqUnderLoad,
      underLoad,
      peakRssMb,
      sampleCheck,
    };
    rows.push(row);
    console.log(
      `[bench] ${target} w${workload}: ${fmt(row.rps, 1)} req/s, p50 ${fmt(row.p50)} p95 ${fmt(row.p95)} p99 ${fmt(row.p99)} ms, errors ${row.errors}/${row.non2xx}/${row.graphqlErrors}, subgraph req/op ${fmt(subReq, 2)} (under load ${fmt(subReqUnderLoad, 2)}), SQL/op ${fmt(sql, 1)}, RSS ${JSON.stringify(peakRssMb)}`,
    );
  }
  for (const p of targetProcs) await stopProc(p);
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
};
const ratios = WORKLOADS.map((w) => {
  const get = (t: Target) => rows.find((r) => r.target === t && r.workload === w)?.rps;
  const hub = get('hub'),
    hive = get('hive'),
    mono = get('monolith');
  return {
    workload: w,
    hubOverHive: hub && hive ? hub / hive : null,
    hubOverMonolith: hub && mono ? hub / mono : null,
  };
});
const report = {
  date: new Date().toISOString(),
  label: LABEL,
  machine,
  settings: {
    scale: SCALE,
    records,
    totalRecords,
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    connections: CONNECTIONS,
    gatewayWorkers: GATEWAY_WORKERS ?? null,
  },
  targets: {
    hub: 'gateway/main.ts (Apollo Server 5 + @apollo/gateway) and five subgraph processes, HTTP on loopback',
    hive: '@graphql-hive/gateway CLI (1 process, --fork 1) over the same five subgraph processes',
    monolith:
      '@apollo/gateway with an in-process data source per subgraph (graphql-js execute on each buildSubgraphSchema schema): one process, same resolvers and databases, no HTTP between them — not a merged schema, query planning is still done',
  },
  workloads: Object.fromEntries(WORKLOADS.map((w) => [w, WORKLOAD_NAMES[w]])),
  rows,
  ratios,
};

const md: string[] = [];
md.push(`# Benchmark — ${report.date}${LABEL ? ` (${LABEL})` : ''}`, '');
md.push(
  `Machine: ${machine.nproc} CPU (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}; database ${machine.database}.`,
);
md.push(
  `Scale ${SCALE}: ${totalRecords} operator records (${Object.entries(records)
    .map(([k, v]) => `${k} ${v}`)
    .join(
      ', ',
    )}). ${CONNECTIONS} connections, ${DURATION} s per workload after ${WARMUP} s warm-up${GATEWAY_WORKERS ? `, GATEWAY_WORKERS=${GATEWAY_WORKERS}` : ''}.`,
  '',
);
md.push(
  '| target | workload | req/s | p50 ms | p95 ms | p99 ms | errors / non-2xx / GraphQL errors | subgraph req/op (sequential) | under load | SQL/op | SQL/subgraph req | KB/resp | peak RSS gateway (MB) | peak RSS subgraphs Σ (MB) |',
);
md.push('|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const gw = r.peakRssMb.gateway ?? r.peakRssMb.monolith ?? 0;
  const subs = Object.entries(r.peakRssMb)
    .filter(([k]) => k !== 'gateway' && k !== 'monolith')
    .reduce((a, [, v]) => a + v, 0);
  md.push(
    `| ${r.target} | ${r.workload} | ${fmt(r.rps, 1)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.errors + r.timeouts} / ${r.non2xx} / ${r.graphqlErrors} | ${fmt(r.subgraphRequestsPerOp, 2)} | ${fmt(r.subgraphRequestsPerOpUnderLoad, 2)} | ${fmt(r.sqlPerOp, 1)} | ${fmt(r.sqlPerSubgraphRequest, 2)} | ${fmt(r.bytesPerResponse / 1024, 1)} | ${gw} | ${r.target === 'monolith' ? '(in monolith)' : subs} |`,
  );
}
md.push('', '| workload | hub / Hive Gateway | hub / monolith |', '|---|---:|---:|');
for (const r of ratios)
  md.push(
    `| ${r.workload}. ${WORKLOAD_NAMES[r.workload]} | ${r.hubOverHive ? r.hubOverHive.toFixed(2) : '–'} | ${r.hubOverMonolith ? r.hubOverMonolith.toFixed(2) : '–'} |`,
  );
md.push(
  '',
  'Targets: hub = ' +
    report.targets.hub +
    '; hive = ' +
    report.targets.hive +
    '; monolith = ' +
    report.targets.monolith +
    '.',
);
const dir = resolve(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
writeFileSync(resolve(dir, `${OUT}.json`), JSON.stringify(report, null, 2) + '\n');
writeFileSync(resolve(dir, `${OUT}.md`), md.join('\n') + '\n');
console.log('\n' + md.join('\n'));
console.log(`\n[bench] wrote bench/results/${OUT}.json and ${OUT}.md`);
process.exit(0);
