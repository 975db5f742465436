// `npm run soak [-- --duration 60 --concurrency 8 --write-ratio 0.1 --warmup 60 --max-rss-growth 10]`
// Soak test: the whole hub in this process (every subgraph over HTTP on loopback, each on a throw-away
// database: in-memory SQLite, or PostgreSQL schemas when DATABASE_URL is set) under a mixed load of
// reads (panier, territory pages, totals) and writes (createFinancing / updateFinancing /
// deleteFinancing with a JWT of Bpifrance) for a bounded time. Reports requests, errors by kind,
// p50/p99 latency per kind, and memory (RSS, heap) at the start, every 10 s and at the end.
// Fails (exit 1) on any error, or when RSS grew by more than --max-rss-growth % between the end of the
// warm-up (caches, JIT, pools filled) and the end of the run. Not a test: figures depend on the machine.
import { SignJWT } from 'jose';
import { readOperation, QUERIES_DIR } from '../gateway/operations.ts';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a non-negative number`);
  return value;
}
const DURATION_S = flag('duration', 60);
const CONCURRENCY = Math.max(1, Math.floor(flag('concurrency', 8)));
const WRITE_RATIO = Math.min(1, flag('write-ratio', 0.1));
const REPORT_EVERY_MS = 10_000;
// Warm-up: default a fifth of the run, at most 60 s; RSS growth is measured from its end.
const WARMUP_S = Math.min(flag('warmup', Math.min(60, DURATION_S / 5)), DURATION_S);
const MAX_RSS_GROWTH_PCT = flag('max-rss-growth', 10);
if (DURATION_S <= 0 || DURATION_S > 24 * 3600) throw new Error('--duration must be between 1 and 86400 seconds');

// Before the hub starts: loopback only, tokens verified with our own secret, quiet production errors.
process.env.HOST = '127.0.0.1';
process.env.JWT_SECRET ??= `soak-${Math.random().toString(36).slice(2)}-${'x'.repeat(32)}`;
delete process.env.HUB_SHARED_SECRET;

const { startTestHub } = await import('../test/support/hub.ts');

// ---------- measurements ----------
const MB = 1024 * 1024;
interface MemoryPoint {
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}
const memory: MemoryPoint[] = [];
const started = performance.now();
function sampleMemory(): MemoryPoint {
  const m = process.memoryUsage();
  const point = {
    t: (performance.now() - started) / 1000,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
  };
  memory.push(point);
  return point;
}
const fmt = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const line = (p: MemoryPoint) =>
  `t=${p.t.toFixed(0).padStart(4)} s  rss ${fmt(p.rss).padStart(9)}  heap ${fmt(p.heapUsed).padStart(9)} / ${fmt(p.heapTotal).padStart(9)}  external ${fmt(p.external)}`;

const latencies = new Map<string, number[]>();
const errors = new Map<string, number>();
let done = 0;
let failed = 0;
function record(kind: string, ms: number, error?: string): void {
  done++;
  let list = latencies.get(kind);
  if (!list) latencies.set(kind, (list = []));
  list.push(ms);
  if (error) {
    failed++;
    errors.set(`${kind}: ${error}`, (errors.get(`${kind}: ${error}`) ?? 0) + 1);
  }
}
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// ---------- the hub ----------
console.log(
  `soak: starting the hub (${process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'in-memory SQLite'} databases)…`,
);
sampleMemory();
const hub = await startTestHub({ gatewayEnv: { NODE_ENV: 'production' } });
const url = hub.gatewayUrl;
console.log(`soak: hub at ${url}; ${DURATION_S} s, concurrency ${CONCURRENCY}, write ratio ${WRITE_RATIO}`);

async function gql<T = unknown>(
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ data?: T; error?: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    return { error: `network ${(error as Error).name}` };
  }
  const text = await response.text();
  let body: { data?: T; errors?: { extensions?: { code?: string } }[] };
  try {
    body = JSON.parse(text);
  } catch {
    return { error: `HTTP ${response.status} non-JSON` };
  }
  if (response.status !== 200)
    return { data: body.data, error: `HTTP ${response.status} ${body.errors?.[0]?.extensions?.code ?? ''}`.trim() };
  if (body.errors?.length) return { data: body.data, error: String(body.errors[0]!.extensions?.code ?? 'UNKNOWN') };
  return { data: body.data };
}

// ---------- workload ----------
const panier = readOperation(`${QUERIES_DIR}/territory-panier.graphql`);
const totals = ['financing-totals', 'engineering-totals', 'operator-totals'].flatMap((name) => {
  try {
    return [readOperation(`${QUERIES_DIR}/${name}.graphql`)];
  } catch {
    return [];
  }
});
const PAGE = `query($phase: Phase, $first: Int, $after: String) { territories(phase: $phase, first: $first, after: $after) {
  nodes { id name population region { name } financing { summary { recordCount amountEur } } }
  pageInfo { hasNextPage endCursor } } }`;

const ids: string[] = [];
for (const phase of ['PHASE_2019_2022', 'PHASE_2023_2027']) {
  const { data, error } = await gql<{ territories: { nodes: { id: string }[] } }>(
    `query($p: Phase) { territories(phase: $p, first: 200) { nodes { id } } }`,
    {
      p: phase,
    },
  );
  if (error) throw new Error(`soak: cannot list territories: ${error}`);
  ids.push(...data!.territories.nodes.map((n: { id: string }) => n.id));
}
const ids2023 = ids.filter((id) => id.startsWith('2023-2027:'));
const catalogue = await gql<{ financingCatalogue?: { id: string }[] }>(`{ financingCatalogue { id } }`);
const serviceIds: string[] = catalogue.data?.financingCatalogue?.map((s: { id: string }) => s.id) ?? [];
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;

// Writes: Bpifrance's token; each worker creates, updates and deletes its own references.
const writes = await gql<{ __type?: { fields?: { name: string }[] } }>(
  `{ __type(name: "Mutation") { fields { name } } }`,
);
const canWrite =
  (writes.data?.__type?.fields ?? []).some((f: { name: string }) => f.name === 'createFinancing') &&
  serviceIds.length > 0;
const token = await new SignJWT({ operator: 'BPIFRANCE', scope: 'financing:write' })
  .setProtectedHeader({ alg: 'HS256' })
  .setAudience(process.env.JWT_AUDIENCE ?? 'territoires-industrie-hub')
  .setSubject('soak')
  .setIssuedAt()
  .setExpirationTime(`${Math.ceil(DURATION_S) + 600}s`)
  .sign(new TextEncoder().encode(process.env.JWT_SECRET));
const auth = { authorization: `Bearer ${token}` };
if (!canWrite) console.log('soak: no createFinancing mutation in the graph: running reads only');

function siren(seed: number): string {
  const body = String(100_000_000 + (seed % 800_000_000)).slice(0, 8);
  for (let d = 0; d <= 9; d++) {
    const digits = `${body}${d}`;
    let sum = 0;
    for (let i = 0; i < 9; i++) {
      let v = Number(digits[8 - i]);
      if (i % 2 === 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      sum += v;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}

const FINANCING_FIELDS = 'financing { reference amountEur status } created';
let writeSeq = 0;
const live: string[][] = Array.from({ length: CONCURRENCY }, () => []);

async function writeOnce(worker: number): Promise<[string, string | undefined]> {
  const mine = live[worker]!;
  const roll = Math.random();
  if (mine.length > 0 && roll < 0.3) {
    const reference = mine.shift()!;
    const r = await gql(`mutation($r: ID!) { deleteFinancing(reference: $r) { deleted } }`, { r: reference }, auth);
    return ['write:delete', r.error];
  }
  if (mine.length > 0 && roll < 0.6) {
    const r = await gql(
      `mutation($r: ID!, $input: FinancingPatch!) { updateFinancing(reference: $r, patch: $input) { ${FINANCING_FIELDS} } }`,
      { r: pick(mine), input: { amountEur: Math.round(Math.random() * 1e6), status: pick(['GRANTED', 'PAID']) } },
      auth,
    );
    return ['write:update', r.error];
  }
  const n = ++writeSeq;
  const reference = `SOAK-${worker}-${n}`;
  const input = {
    reference,
    territoryId: pick(ids2023),
    companySiren: siren(n * 7919),
    companyName: `Soak Industrie ${n}`,
    companyNaf: '25.62B',
    serviceId: pick(serviceIds),
    instrument: pick(['SUBSIDY', 'LOAN', 'GUARANTEE']),
    amountEur: 1000 + n,
    date: '2024-06-15',
    status: 'REQUESTED',
  };
  const r = await gql(
    `mutation($input: FinancingInput!) { createFinancing(input: $input) { ${FINANCING_FIELDS} } }`,
    { input },
    auth,
  );
  if (!r.error) mine.push(reference);
  return ['write:create', r.error];
}

async function readOnce(): Promise<[string, string | undefined]> {
  const roll = Math.random();
  if (roll < 0.4) {
    const r = await gql(panier.query, { id: pick(ids) });
    return ['panier', r.error];
  }
  if (roll < 0.75) {
    // Walk 1 to 3 pages of a phase.
    let after: string | undefined;
    let error: string | undefined;
    for (let page = 0, pages = 1 + Math.floor(Math.random() * 3); page < pages && !error; page++) {
      const r = await gql<{ territories?: { pageInfo?: { endCursor?: string | null } } }>(PAGE, {
        phase: pick(['PHASE_2019_2022', 'PHASE_2023_2027']),
        first: 20,
        after,
      });
      error = r.error;
      after = r.data?.territories?.pageInfo?.endCursor ?? undefined;
    }
    return ['territories pages', error];
  }
  const op = pick(totals.length ? totals : [panier]);
  const r = await gql(op.query, op === panier ? { id: pick(ids) } : op.variables);
  return [`totals (${op.name})`, r.error];
}

const deadline = performance.now() + DURATION_S * 1000;
async function worker(index: number): Promise<void> {
  while (performance.now() < deadline) {
    const t0 = performance.now();
    const [kind, error] = canWrite && Math.random() < WRITE_RATIO ? await writeOnce(index) : await readOnce();
    record(kind, performance.now() - t0, error);
  }
}

// ---------- run ----------
const base = sampleMemory();
console.log(`memory at start (hub loaded): ${line(base)}`);
let lastDone = 0;
const ticker = setInterval(() => {
  const point = sampleMemory();
  console.log(
    `${line(point)}  requests ${done} (+${done - lastDone}, ${((done - lastDone) / (REPORT_EVERY_MS / 1000)).toFixed(0)}/s), errors ${failed}`,
  );
  lastDone = done;
}, REPORT_EVERY_MS);
const runStart = performance.now();
let warm: MemoryPoint | undefined;
const warmTimer = setTimeout(() => {
  warm = sampleMemory();
  console.log(`memory after the ${WARMUP_S} s warm-up: ${line(warm)}`);
}, WARMUP_S * 1000);
await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => worker(i)));
const elapsed = (performance.now() - runStart) / 1000;
clearInterval(ticker);
clearTimeout(warmTimer);
const end = sampleMemory();
warm ??= base;

// Data intact after the load: still 332 territories, and the hub still answers a full panier.
const check = await gql<{ territories?: { totalCount: number } }>(`{ territories(first: 1) { totalCount } }`);
const panierCheck = await gql(panier.query, panier.variables);
await hub.stop();

// ---------- report ----------
const all = [...latencies.values()].flat().sort((a, b) => a - b);
console.log(
  `\nsoak: ${done} requests in ${elapsed.toFixed(1)} s (${(done / elapsed).toFixed(1)}/s), concurrency ${CONCURRENCY}, ${failed} with errors`,
);
console.log(
  `latency all: p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms, max ${all.at(-1)?.toFixed(1)} ms`,
);
for (const [kind, list] of [...latencies].sort()) {
  list.sort((a, b) => a - b);
  console.log(
    `  ${kind.padEnd(34)} ${String(list.length).padStart(7)} req  p50 ${percentile(list, 50).toFixed(1).padStart(7)} ms  p99 ${percentile(list, 99).toFixed(1).padStart(7)} ms`,
  );
}
console.log(errors.size ? 'errors by kind:' : 'errors by kind: none');
for (const [kind, count] of [...errors].sort((a, b) => b[1] - a[1])) console.log(`  ${kind}: ${count}`);
console.log(`memory start: ${line(base)}`);
console.log(`memory end:   ${line(end)}`);
const peak = memory.reduce((m, p) => (p.rss > m.rss ? p : m), base);
console.log(
  `growth: rss ${fmt(end.rss - base.rss)}, heap used ${fmt(end.heapUsed - base.heapUsed)} (peak rss ${fmt(peak.rss)} at t=${peak.t.toFixed(0)} s)`,
);
const growthPct = ((end.rss - warm.rss) / warm.rss) * 100;
console.log(
  `rss growth after warm-up (t=${warm.t.toFixed(0)} s → end): ${fmt(warm.rss)} → ${fmt(end.rss)}, ${growthPct >= 0 ? '+' : ''}${growthPct.toFixed(1)} % (bound ${MAX_RSS_GROWTH_PCT} %)`,
);
console.log(
  `after the load: totalCount ${check.data?.territories?.totalCount ?? check.error}, panier ${panierCheck.error ?? 'complete'}`,
);
const failures = [
  failed > 0 ? `${failed} request(s) with errors` : '',
  growthPct > MAX_RSS_GROWTH_PCT
    ? `rss grew ${growthPct.toFixed(1)} % after warm-up (bound ${MAX_RSS_GROWTH_PCT} %)`
    : '',
  check.data?.territories?.totalCount !== 332 ? `totalCount ${check.data?.territories?.totalCount ?? check.error}` : '',
  panierCheck.error ? `panier after the load: ${panierCheck.error}` : '',
].filter(Boolean);
console.log(failures.length ? `soak: FAILED: ${failures.join('; ')}` : 'soak: passed');
process.exit(failures.length ? 1 : 0);
