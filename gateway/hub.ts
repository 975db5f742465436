// `npm start`: every subgraph of schema/supergraph.yaml and the gateway, each in its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { readSubgraphList, ROOT } from '../subgraphs/runtime/registry.ts';

const children: ChildProcess[] = [];

function run(label: string, file: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) stream.write(`[${label}] ${line}\n`);
  };
  child.stdout!.on('data', prefix(process.stdout));
  child.stderr!.on('data', prefix(process.stderr));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[hub] ${label} exited (${signal ?? code}); stopping the hub`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitForHealth(label: string, url: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(new URL('/health', url), { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${label} did not become healthy at ${url} within ${timeoutMs / 1000}s`);
}

let stopping = false;
function stop(code = 0): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 2000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))))).then(() =>
    process.exit(code),
  );
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));

const subgraphs = readSubgraphList();
console.log(`[hub] starting ${subgraphs.length} subgraphs (first start creates and loads their databases)…`);
for (const s of subgraphs) {
  run(s.name, resolve(ROOT, 'subgraphs', s.name, 'main.ts'), { ...process.env, PORT: String(s.port) });
}
try {
  await Promise.all(subgraphs.map((s) => waitForHealth(s.name, s.url)));
} catch (error) {
  console.error(`[hub] ${(error as Error).message}`);
  stop(1);
}
if (!stopping) {
  const gatewayPort = process.env.GATEWAY_PORT ?? '4000';
  const gatewayEnv: NodeJS.ProcessEnv = { ...process.env, GATEWAY_PORT: gatewayPort };
  delete gatewayEnv.PORT;
  for (const s of subgraphs) gatewayEnv[`${s.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`] = s.url;
  run('gateway', resolve(ROOT, 'gateway', 'main.ts'), gatewayEnv);
  await waitForHealth('gateway', `http://127.0.0.1:${gatewayPort}/graphql`);
  console.log(`[hub] ready: GraphQL and GraphiQL at http://127.0.0.1:${gatewayPort}/graphql — Ctrl-C stops everything`);
}
