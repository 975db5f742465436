// GATEWAY_WORKERS=N: `npm run gateway` really runs N gateway processes on one port (node:cluster), and a
// SIGINT to it stops every one of them.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { envKey, readSubgraphList, ROOT } from '../subgraphs/runtime/registry.ts';
import { freePort } from './support/ports.ts';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startGateway(workers: string) {
  const port = await freePort();
  // No subgraph runs: every routing URL is a port nobody listens on (the gateway still starts and answers).
  const nowhere = `http://127.0.0.1:${await freePort()}/graphql`;
  const env: NodeJS.ProcessEnv = { ...process.env, GATEWAY_WORKERS: workers, GATEWAY_PORT: String(port) };
  delete env.PORT;
  for (const s of readSubgraphList(undefined, {})) env[`${envKey(s.name)}_URL`] = nowhere;
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'gateway/main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c));
  child.stderr!.on('data', (c: Buffer) => (output += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const base = `http://127.0.0.1:${port}`;
  // Ready once every worker has said so.
  const wanted = Number(workers);
  for (;;) {
    const ready = output.match(/gateway ready at/g)?.length ?? 0;
    if (ready >= wanted) break;
    if (child.exitCode !== null) throw new Error(`gateway exited:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, base, exited, output: () => output };
}

/** The pid that answers /health, on a fresh connection each time (the primary hands connections round-robin). */
async function healthPid(base: string): Promise<number> {
  const response = await fetch(`${base}/health`, { headers: { connection: 'close' } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { pid: number }).pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('GATEWAY_WORKERS', () => {
  it('with 2, two worker processes answer on the one port, and SIGINT stops them all', async () => {
    const gateway = await startGateway('2');
    const pids = new Set<number>();
    for (let i = 0; i < 40 && pids.size < 2; i++) pids.add(await healthPid(gateway.base));
    expect(pids.size).toBe(2);
    expect(pids.has(gateway.child.pid!)).toBe(false);
    // Both answer GraphQL too.
    const answer = await fetch(`${gateway.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });

    gateway.child.kill('SIGINT');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    // The supervisor exits only after its workers did.
    expect([...pids].filter(alive)).toEqual([]);
  });

  it('with 1 (the default), the gateway is the one process started', async () => {
    const gateway = await startGateway('1');
    for (let i = 0; i < 5; i++) expect(await healthPid(gateway.base)).toBe(gateway.child.pid);
    gateway.child.kill('SIGINT');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses a value that is not a positive integer, naming it', async () => {
    await expect(startGateway('two')).rejects.toThrow(/GATEWAY_WORKERS must be a positive integer, got "two"/);
  });
});
