// `npm start`: every subgraph of schema/supergraph.yaml and the gateway, each in its own process.
// The one-machine launcher is also their supervisor: a process that dies is restarted with a backoff
// (RESTART_BACKOFF_INITIAL_MS, 1 s, doubling up to RESTART_BACKOFF_MAX_MS, 30 s), while the gateway keeps serving the rest of the graph.
// In a cluster the orchestrator does this; nothing of it is in the services themselves.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { envKey, readSubgraphList, ROOT } from '../subgraphs/runtime/registry.ts';

const FIRST_BACKOFF_MS = Number(process.env.RESTART_BACKOFF_INITIAL_MS ?? 1_000);
const MAX_BACKOFF_MS = Number(process.env.RESTART_BACKOFF_MAX_MS ?? 30_000);
/** A process that stayed up this long is healthy again: its next failure restarts after the first delay. */
const STABLE_MS = 60_000;

interface Supervised {
  label: string;
  file: string;
  env: NodeJS.ProcessEnv;
  child?: ChildProcess;
  failures: number;
  startedAt: number;
  restartTimer?: NodeJS.Timeout;
}

const supervised: Supervised[] = [];
let stopping = false;

function prefix(label: string, stream: NodeJS.WritableStream) {
  return (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) stream.write(`[${label}] ${line}\n`);
  };
}

function launch(entry: Supervised): void {
  const child = spawn(process.execPath, ['--import', 'tsx', entry.file], {
    cwd: ROOT,
    env: entry.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  entry.child = child;
  entry.startedAt = Date.now();
  console.log(`[hub] ${entry.label} started (pid ${child.pid})`);
  child.stdout!.on('data', prefix(entry.label, process.stdout));
  child.stderr!.on('data', prefix(entry.label, process.stderr));
  child.on('exit', (code, signal) => {
    entry.child = undefined;
    if (stopping) return;
    if (Date.now() - entry.startedAt > STABLE_MS) entry.failures = 0;
    const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** entry.failures++);
    console.error(
      `[hub] ${entry.label} (pid ${child.pid}) exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s, the rest of the hub keeps serving`,
    );
    // Checked again when the timer fires: a Ctrl-C reaches the children and the hub at the same time.
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = undefined;
      if (!stopping) launch(entry);
    }, delay);
  });
}

function supervise(label: string, file: string, env: NodeJS.ProcessEnv): Supervised {
  const entry: Supervised = { label, file, env, failures: 0, startedAt: 0 };
  supervised.push(entry);
  launch(entry);
  return entry;
}

/** Polls `path` until it answers 200; false after `timeoutMs` (or when the hub is stopping). */
async function waitFor(url: string, path: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(new URL(path, url), { signal: AbortSignal.timeout(2000) })).ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** SIGTERM to every child, SIGKILL to those still there after the grace period; then exit. */
async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const entry of supervised) clearTimeout(entry.restartTimer);
  const running = supervised.map((e) => e.child).filter((c): c is ChildProcess => !!c && c.exitCode === null);
  for (const child of running) child.kill('SIGTERM');
  const graceMs = Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000) + 5_000;
  const killer = setTimeout(() => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, graceMs);
  await Promise.all(
    running.map(
      (c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r))),
    ),
  );
  clearTimeout(killer);
  process.exit(code);
}
// Whatever ends the hub (even a crash of its own), no child outlives it.
process.on('exit', () => {
  for (const entry of supervised) if (entry.child?.exitCode === null) entry.child.kill('SIGKILL');
});
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

const subgraphs = readSubgraphList();
console.log(`[hub] starting ${subgraphs.length} subgraphs (first start creates and loads their databases)…`);
for (const s of subgraphs) {
  supervise(s.name, resolve(ROOT, 'subgraphs', s.name, 'main.ts'), { ...process.env, PORT: String(s.port) });
}
// The gateway can start without its subgraphs (it answers with an error per missing one), but a first
// start is friendlier once they are loaded.
const startTimeoutMs = Number(process.env.HUB_START_TIMEOUT_MS ?? 300_000);
const ready = await Promise.all(subgraphs.map((s) => waitFor(s.url, '/ready', startTimeoutMs)));
const late = subgraphs.filter((_, i) => !ready[i]).map((s) => s.name);
if (late.length && !stopping)
  console.error(`[hub] not ready after ${startTimeoutMs / 1000} s: ${late.join(', ')}; starting the gateway anyway`);
if (!stopping) {
  const gatewayPort = process.env.GATEWAY_PORT ?? '4000';
  const gatewayEnv: NodeJS.ProcessEnv = { ...process.env, GATEWAY_PORT: gatewayPort };
  delete gatewayEnv.PORT;
  for (const s of subgraphs) gatewayEnv[`${envKey(s.name)}_URL`] = s.url;
  supervise('gateway', resolve(ROOT, 'gateway', 'main.ts'), gatewayEnv);
  if (await waitFor(`http://127.0.0.1:${gatewayPort}`, '/health', startTimeoutMs))
    console.log(
      `[hub] ready: GraphQL and GraphiQL at http://127.0.0.1:${gatewayPort}/graphql — Ctrl-C stops everything`,
    );
}
