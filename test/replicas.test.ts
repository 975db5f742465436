// Two replicas of one subgraph starting at the same moment on one fresh database (Kubernetes starts
// a Deployment's replicas together): both must come up, and the data must be loaded once.
// PostgreSQL: schema creation and the check-then-load run under advisory locks keyed by the schema
// (runtime/database.ts, runtime/migrations.ts). SQLite is one process per file: replicas need
// PostgreSQL, so on SQLite the test checks the one-process case (a restart finds the data loaded).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECT, POSTGRES_URL } from './support/harness.ts';
import { testSchema } from './support/schemas.ts';

const SUBGRAPH = 'financing';
// Dropped when the run ends (test/support/schemas.ts).
const schema = testSchema('replicas');
const folder = mkdtempSync(join(tmpdir(), 'hub-replicas-'));
const url = POSTGRES_URL ?? `sqlite:${join(folder, `${SUBGRAPH}.sqlite`)}`;

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
});

interface ReplicaReport {
  loads: number;
  loadStateRows: number;
  version?: string;
}

/** Starts a replica process; it waits for "go" on stdin before touching the database. */
function startReplica() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/replica.ts', SUBGRAPH, url, ...(POSTGRES_URL ? [schema] : [])],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let signalWaiting: () => void;
  const waiting = new Promise<void>((resolve) => (signalWaiting = resolve));
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.startsWith('waiting\n')) signalWaiting();
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<ReplicaReport>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`replica exited with ${code}: ${stderr}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      resolve(JSON.parse(line) as ReplicaReport);
    });
  });
  return { waiting, go: () => child.stdin.end('go\n'), done };
}

describe('replicas of one subgraph on one fresh database', () => {
  it(
    `on ${DIALECT}: ${
      DIALECT === 'postgres'
        ? 'two replicas starting at the same moment both come up'
        : 'a second process started after the first on the same file comes up'
    }, and the data is loaded once`,
    { timeout: 180_000 },
    async () => {
      let reports: ReplicaReport[];
      if (DIALECT === 'postgres') {
        const replicas = [startReplica(), startReplica()];
        // Release them together once both have loaded their code (a replica that fails early rejects `done`).
        await Promise.race([Promise.all(replicas.map((r) => r.waiting)), Promise.all(replicas.map((r) => r.done))]);
        for (const replica of replicas) replica.go();
        reports = await Promise.all(replicas.map((r) => r.done));
      } else {
        // SQLite is one process per file: Kysely's migration lock does not reach across processes, so
        // replicas (in Kubernetes, or anywhere) need PostgreSQL. What SQLite must do is a restart or a
        // rolling update of its single process: the next process finds the data loaded.
        expect(DIALECT).toBe('sqlite');
        reports = [];
        for (const replica of [startReplica(), startReplica()]) {
          replica.go();
          reports.push(await replica.done);
        }
      }

      expect(reports.map((r) => r.loadStateRows)).toEqual([1, 1]);
      expect(reports[0]!.version).toBeTruthy();
      expect(reports[1]!.version).toBe(reports[0]!.version);
      // One replica loaded the data, the other found it loaded.
      expect(reports.map((r) => r.loads).sort()).toEqual([0, 1]);

      // The database holds one load's worth of data: one load_state row, one copy of each dataset.
      const rows = await count(['load_state', 'dataset']);
      expect(rows.load_state).toBe(1);
      expect(rows.dataset).toBeGreaterThan(0);
      expect(rows.duplicateDatasets).toBe(0);
    },
  );
});

async function count(tables: string[]): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  const duplicates = 'SELECT COUNT(*) AS n FROM (SELECT id FROM dataset GROUP BY id HAVING COUNT(*) > 1) d';
  if (POSTGRES_URL) {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`SET search_path = "${schema}"`);
      for (const table of tables)
        result[table] = Number((await client.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n);
      result.duplicateDatasets = Number((await client.query(duplicates)).rows[0].n);
    } finally {
      await client.end();
    }
  } else {
    const { default: SQLite } = await import('better-sqlite3');
    const sqlite = new SQLite(url.slice('sqlite:'.length), { readonly: true });
    try {
      for (const table of tables)
        result[table] = (sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      result.duplicateDatasets = (sqlite.prepare(duplicates).get() as { n: number }).n;
    } finally {
      sqlite.close();
    }
  }
  return result;
}
