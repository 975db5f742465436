// CSV import of Bpifrance's financings: the runtime's importCsv/validateCsv on this subgraph's RecordSpec and hook,
// the sample files of import-samples/, and the CLI (`node --import tsx subgraphs/runtime/import.ts financing <file>`) once.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import type { FinancingContext } from '../resolvers.ts';
import { ImportRefused, importCsv, validateCsv, type RowProblem } from '../../runtime/import.ts';
import { describeColumns } from '../../runtime/records.ts';
import { financingRecord } from '../records.ts';
import financing from '../subgraph.ts';

const SAMPLES = new URL('../import-samples/', import.meta.url);
const VALID_FILE = new URL('financings-valid.csv', SAMPLES).pathname;
const INVALID_FILE = new URL('financings-invalid.csv', SAMPLES).pathname;
const valid = readFileSync(VALID_FILE, 'utf8');
const invalid = readFileSync(INVALID_FILE, 'utf8');
const ROOT = resolve(new URL('../../..', import.meta.url).pathname);

/** Line → reason fragment of every bad row of financings-invalid.csv (lines 6 and 12 are valid). */
const BAD_ROWS: [number, string, RegExp][] = [
  [2, 'date', /"2024-02-30" is not a date/],
  [3, 'amountEur', /-150000 is below the minimum of 0/],
  [4, 'territoryId', /"2023-2027:ti-9999" is not a territory/],
  [5, 'serviceId', /"recruitment:job-dating" is not one of financing:/],
  [7, 'reference', /duplicate of line 6/],
  [8, 'companyName', /is required/],
  [9, 'status', /"APPROVED" is not one of REQUESTED, GRANTED, PAID, CANCELLED/],
  [10, 'companySiren', /"123456789" is not a valid SIREN/],
  [11, 'date', /outside the years of phase 2019-2022/],
];

let sg: TestSubgraph<FinancingContext>;
beforeAll(async () => {
  sg = await startTestSubgraph(financing);
});
afterAll(async () => {
  await sg?.stop();
});

const db = () => sg.prepared.database.db;
async function operatorRows(): Promise<number> {
  return Number(
    (
      await db()
        .selectFrom('financing')
        .select(sql<number>`count(*)`.as('n'))
        .where('origin', '=', 'OPERATOR')
        .executeTakeFirstOrThrow()
    ).n,
  );
}
async function totalRows(): Promise<number> {
  return Number(
    (
      await db()
        .selectFrom('financing')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

describe('import of financings (runtime importCsv on the financing RecordSpec)', () => {
  it('the module declares the kind; the README lists the columns as describeColumns gives them', () => {
    expect(financing.records?.map((s) => s.kind)).toEqual(['financing']);
    const readme = readFileSync(new URL('README.md', SAMPLES), 'utf8');
    for (const line of describeColumns(financingRecord).split('\n')) expect(readme).toContain(line);
    expect(valid.split('\n')[0]).toBe(financingRecord.fields.map((f) => f.name).join(','));
  });

  it('the valid file validates: 20 rows, real territories, services of the catalogue, clearly sample companies', () => {
    const { values, problems } = validateCsv(financingRecord, valid);
    expect(problems).toEqual([]);
    expect(values).toHaveLength(20);
    expect(values.every((v) => String(v.value.companyName).endsWith('(exemple)'))).toBe(true);
  });

  it('the invalid file is refused, each bad row reported with its line and reason, and nothing written', async () => {
    const rows = await totalRows();
    const error = await importCsv(db(), financingRecord, invalid).catch((e) => e);
    expect(error).toBeInstanceOf(ImportRefused);
    expect(error.message).toMatch(/9 of 11 row\(s\) are invalid; nothing was written/);
    expect(error.problems.map((p: RowProblem) => [p.line, p.field])).toEqual(
      BAD_ROWS.map(([line, field]) => [line, field]),
    );
    for (const [line, field, reason] of BAD_ROWS) {
      expect(error.problems.find((p: RowProblem) => p.line === line && p.field === field)!.message).toMatch(reason);
    }
    expect(await totalRows()).toBe(rows);
  });

  it('a failure during the import (in its hook) keeps nothing', async () => {
    const rows = await totalRows();
    await expect(
      importCsv(db(), financingRecord, valid, {
        afterWrite: async () => {
          throw new Error('simulated failure at the end of the import');
        },
      }),
    ).rejects.toThrow(/simulated failure/);
    expect(await totalRows()).toBe(rows);
  });

  it('imports the valid file (inserted = rows), then re-importing it changes nothing (unchanged = rows)', async () => {
    const before = await summary('2023-2027:ti-5301');
    const first = await importCsv(db(), financingRecord, valid);
    expect(first).toMatchObject({
      kind: 'financing',
      rows: 20,
      rejected: [],
      written: { inserted: 20, updated: 0, unchanged: 0 },
    });
    expect(await operatorRows()).toBe(20);
    const second = await importCsv(db(), financingRecord, valid);
    expect(second.written).toMatchObject({ inserted: 0, updated: 0, unchanged: 20 });
    expect(await operatorRows()).toBe(20);

    // ti-5301 gained three financings granted: 0007 PAID 95 000 €, 0008 GRANTED 650 000 €, 0009 PAID 4 000 €.
    const after = await summary('2023-2027:ti-5301');
    expect(after.recordCount).toBe(before.recordCount + 3);
    expect(after.amountEur).toBeCloseTo(before.amountEur + 95_000 + 650_000 + 4_000, 2);
    // The imported records are in their territory's pages, in date order.
    const r = await sg.execute<{
      _entities: {
        financing: { financings: { nodes: { reference: string; date: string; dataset: { nature: string } }[] } };
      }[];
    }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { financing {
      financings(first: 200) { nodes { reference date dataset { nature } } } } } } }`,
      { r: [{ __typename: 'Territory', id: '2023-2027:ti-5301' }] },
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data!._entities[0]!.financing.financings.nodes;
    expect(
      nodes
        .filter((n) => n.dataset.nature === 'REAL')
        .map((n) => n.reference)
        .sort(),
    ).toEqual(['EXEMPLE-BPI-2023-0007', 'EXEMPLE-BPI-2024-0008', 'EXEMPLE-BPI-2025-0009']);
    expect(nodes.map((n) => n.date)).toEqual(nodes.map((n) => n.date).sort());
  });

  it('--valid-only writes the valid rows only and reports the rejected ones; --dry-run writes nothing', async () => {
    const rows = await totalRows();
    const dry = await importCsv(db(), financingRecord, invalid, { validOnly: true, dryRun: true });
    expect(dry.written).toBeNull();
    expect(await totalRows()).toBe(rows);
    const result = await importCsv(db(), financingRecord, invalid, { validOnly: true });
    expect(result.written).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(result.written!.keys.inserted.sort()).toEqual(['EXEMPLE-BPI-KO-0005', 'EXEMPLE-BPI-KO-0010']);
    expect([...new Set(result.rejected.map((p) => p.line))]).toEqual(BAD_ROWS.map(([line]) => line));
    expect(await totalRows()).toBe(rows + 2);
  });
});

async function summary(id: string) {
  const r = await sg.execute<{ _entities: { financing: { summary: { recordCount: number; amountEur: number } } }[] }>(
    `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { financing { summary { recordCount amountEur } } } } }`,
    { r: [{ __typename: 'Territory', id }] },
  );
  expect(r.errors).toBeUndefined();
  return r.data!._entities[0]!.financing.summary;
}

describe('the import CLI (child process, temporary SQLite file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'financing-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { ...process.env, FINANCING_DATABASE_URL: `sqlite:${join(dir, 'financing.sqlite')}` };
    try {
      const { stdout, stderr } = await promisify(execFile)(
        'node',
        ['--import', 'tsx', 'subgraphs/runtime/import.ts', ...args],
        { cwd: ROOT, env, timeout: 120_000 },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout: string; stderr: string };
      if (typeof e.code !== 'number') throw error;
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('exit codes: 2 usage, 0 imported (then unchanged), 1 invalid file, 0 with --valid-only', async () => {
    const [none, unknown, noFile] = await Promise.all([cli(), cli('nosuchsubgraph', VALID_FILE), cli('financing')]);
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/^usage: /)]);
    expect(unknown.code).toBe(2);
    expect([noFile.code, noFile.stderr]).toEqual([2, expect.stringMatching(/missing the CSV file/)]);

    const first = await cli('financing', VALID_FILE);
    expect([first.code, first.stdout]).toEqual([
      0,
      expect.stringMatching(/20 row\(s\) read .*; 20 inserted, 0 updated, 0 unchanged, 0 rejected/),
    ]);
    const again = await cli('financing', VALID_FILE);
    expect([again.code, again.stdout]).toEqual([0, expect.stringMatching(/0 inserted, 0 updated, 20 unchanged/)]);

    const refused = await cli('financing', INVALID_FILE);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/import refused: 9 of 11 row\(s\) are invalid; nothing was written/);
    for (const [line, field] of BAD_ROWS) expect(refused.stderr).toContain(`line ${line}, column ${field}:`);

    const partial = await cli('financing', INVALID_FILE, '--valid-only');
    expect([partial.code, partial.stdout]).toEqual([
      0,
      expect.stringMatching(/11 row\(s\) read .*; 2 inserted, 0 updated, 0 unchanged, 9 rejected/),
    ]);
    expect(partial.stderr).toMatch(/rejected rows:\n {2}line 2, column date/);
  }, 240_000);
});
