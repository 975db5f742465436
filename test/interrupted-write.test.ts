// Nothing is lost or half-written when an import is killed in the middle of its transaction.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../subgraphs/runtime/registry.ts';
import { prepareDatabase } from '../subgraphs/runtime/subgraph.ts';
import financing from '../subgraphs/financing/subgraph.ts';
import { POSTGRES_URL } from './support/harness.ts';
import { testSchema } from './support/schemas.ts';

const dir = mkdtempSync(join(tmpdir(), 'interrupted-'));
const url = POSTGRES_URL ?? `sqlite:${join(dir, 'financing.sqlite')}`;
// Dropped when the run ends (test/support/schemas.ts).
const schema = POSTGRES_URL ? testSchema('interrupted') : undefined;

async function count(): Promise<{ all: number; declared: number }> {
  const database = await prepareDatabase(financing, { url, schema });
  try {
    const all = await database.db
      .selectFrom('financing')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const declared = await database.db
      .selectFrom('financing')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('origin', '=', 'OPERATOR')
      .executeTakeFirstOrThrow();
    return { all: Number(all.n), declared: Number(declared.n) };
  } finally {
    await database.close();
  }
}

/** A large valid export: the sample file's first row, with a new reference on every line. */
function bigExport(rows: number): string {
  const [header, first] = readFileSync(
    join(ROOT, 'subgraphs/financing/import-samples/financings-valid.csv'),
    'utf8',
  ).split('\n');
  const rest = first!.slice(first!.indexOf(','));
  const lines = [header];
  for (let i = 1; i <= rows; i++) lines.push(`EXEMPLE-BPI-INT-${String(i).padStart(6, '0')}${rest}`);
  return `${lines.join('\n')}\n`;
}

function runImport(
  file: string,
  killAfterFirstChunk: boolean,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/runtime/import.ts', 'financing', file], {
      cwd: ROOT,
      env: { ...process.env, FINANCING_DATABASE_URL: url, ...(schema ? { FINANCING_DATABASE_SCHEMA: schema } : {}) },
    });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // The first progress line: rows are written, the transaction is not committed yet.
      if (killAfterFirstChunk && /progress: \d+\/\d+ rows written/.test(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe('an import killed mid-transaction', () => {
  it('leaves the database as it was, and the same file imports completely afterwards', async () => {
    const before = await count();
    const file = join(dir, 'big.csv');
    const rows = 60_000;
    writeFileSync(file, bigExport(rows));

    const killed = await runImport(file, true);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toMatch(/progress: 2000\/60000 rows written/);
    expect(await count()).toEqual(before);

    const completed = await runImport(file, false);
    expect(completed.code).toBe(0);
    expect(await count()).toEqual({ all: before.all + rows, declared: before.declared + rows });
  }, 300_000);
});
