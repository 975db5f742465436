// Nothing leaves the machine unless configured: processes run under a preload that records every
// connection and DNS look-up beyond loopback (test/support/egress-guard.cjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../subgraphs/runtime/registry.ts';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';
import type { PanierAnswer } from './support/shapes.ts';

const GUARD = resolve(ROOT, 'test/support/egress-guard.cjs');

interface Attempt {
  pid: number;
  kind: string;
  target: string;
}
const attempts = (log: string): Attempt[] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Attempt)
    : [];

/** Runs a Node process under the guard until it exits; `ready` resolves on the first stdout line matching. */
function guarded(args: string[], env: NodeJS.ProcessEnv, log: string) {
  const child = spawn(process.execPath, ['--require', GUARD, ...args], {
    cwd: ROOT,
    env: { ...env, EGRESS_GUARD_LOG: log },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const lines = (match: RegExp) =>
    new Promise<RegExpExecArray>((found, fail) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = match.exec(output);
        if (m) found(m);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      exited.then((code) => fail(new Error(`process exited (${code}) before printing ${match}:\n${output}`)));
    });
  return { child, exited, lines, output: () => output };
}

describe('egress guard (self-test)', () => {
  it('records and blocks a deliberate outbound connection and DNS look-up, lets loopback through', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'egress-')), 'attempts.jsonl');
    const script = `
      const net = require('node:net'); const dns = require('node:dns');
      dns.lookup('example.org', () => {});
      const s = net.connect(80, '192.0.2.1'); s.on('error', () => {});
      const local = net.createServer().listen(0, '127.0.0.1', () => {
        const c = net.connect(local.address().port, '127.0.0.1', () => { c.end(); local.close(); });
      });`;
    const run = guarded(['-e', script], process.env, log);
    expect(await run.exited).toBe(0);
    expect(
      attempts(log)
        .map((a) => `${a.kind} ${a.target}`)
        .sort(),
    ).toEqual(['dns.lookup example.org', 'net.connect 192.0.2.1:80']);
  });
});

describe('the gateway reaches nothing beyond loopback by default', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub?.stop());

  it('start-up, a panier query and shutdown: no metadata probe, no telemetry export', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'egress-')), 'attempts.jsonl');
    const env: NodeJS.ProcessEnv = { ...process.env, GATEWAY_PORT: '0', NODE_ENV: 'production' };
    // As a new user runs it: nothing about Apollo's telemetry in the environment.
    delete env.APOLLO_TELEMETRY_DISABLED;
    for (const [name, s] of hub.subgraphs) env[`${name.toUpperCase()}_URL`] = s.url;
    const gateway = guarded(['--import', 'tsx', 'gateway/main.ts'], env, log);
    try {
      const [, port] = await gateway.lines(/gateway ready at http:\/\/[^:]+:(\d+)\/graphql/);
      const url = `http://127.0.0.1:${port}/graphql`;
      const panier = readFileSync(resolve(ROOT, 'queries/territory-panier.graphql'), 'utf8');
      const answer = await post<PanierAnswer>(url, panier, { id: '2023-2027:ti-8402' });
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.territory?.name).toBe('Bassin de Bourg-en-Bresse');
    } finally {
      gateway.child.kill('SIGINT');
    }
    expect(await gateway.exited).toBe(0);
    expect(attempts(log)).toEqual([]);
  });
});
