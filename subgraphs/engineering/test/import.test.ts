// CSV import of the Banque des Territoires' records: the runtime's validateCsv/importCsv with this
// subgraph's record specs, then the CLI itself as a child process (exit codes 0, 1, 2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph } from '../../../test/support/harness.ts';
import { describeColumns } from '../../runtime/records.ts';
import { importCsv, ImportRefused, validateCsv } from '../../runtime/import.ts';
import { engineeringSupportSpec, vteAidSpec } from '../records.ts';
import engineering from '../subgraph.ts';
import { countRows, run, snapshot, type EngineeringSubgraph } from './support.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SAMPLES = fileURLToPath(new URL('../import-samples/', import.meta.url));
const VALID = join(SAMPLES, 'engineering-supports.valid.csv');
const INVALID = join(SAMPLES, 'engineering-supports.invalid.csv');
const VTE_VALID = join(SAMPLES, 'vte-aids.valid.csv');
const read = (file: string) => readFileSync(file, 'utf8');

/** Line (1-based, header = 1) → the column the invalid file's row is wrong in. */
const EXPECTED_PROBLEMS: [number, string, RegExp][] = [
  [3, 'date', /"2024-02-30" is not a date/],
  [4, 'amountEur', /-5000 is below the minimum of 0/],
  [5, 'territoryId', /unknown territory 2023-2027:ti-9999/],
  [6, 'serviceId', /unknown service "engineering:etudes-inconnues"/],
  [7, 'reference', /duplicate of line 2/],
  [8, 'title', /is required/],
  [9, 'kind', /"FEASIBILITY_STUDY" is not one of/],
  [10, 'status', /"SIGNED" is not one of/],
  [11, 'beneficiarySiren', /245900428 is not a groupement of 2023-2027:ti-7601/],
  [12, 'date', /outside the phase 2023-2027/],
];

let sg: EngineeringSubgraph;
beforeAll(async () => {
  sg = await startTestSubgraph(engineering);
});
afterAll(async () => {
  await sg?.stop();
});

const options = {};

describe('importCsv', () => {
  it('imports the valid file (20 rows), shown at once in the pages', async () => {
    const result = await importCsv(sg.prepared.database.db, engineeringSupportSpec, read(VALID), options);
    expect(result.rows).toBe(20);
    expect(result.rejected).toEqual([]);
    expect(result.written).toMatchObject({ inserted: 20, updated: 0, unchanged: 0 });
    expect(await countRows(sg, { origin: 'OPERATOR' })).toBe(20);
    // A territory of the file: its supports list shows the imported study, labelled REAL.
    const { data, errors } = await run<{
      _entities: { engineering: { supports: { nodes: { reference: string }[] } } }[];
    }>(
      sg,
      `query($r:[_Any!]!) { _entities(representations: $r) { ... on Territory { engineering {
      supports(first: 200) { nodes { reference amountEur dataset { nature } } } } } } }`,
      { r: [{ __typename: 'Territory', id: '2023-2027:ti-3201' }] },
    );
    expect(errors).toBeUndefined();
    const imported = data!._entities[0]!.engineering.supports.nodes.find(
      (n) => n.reference === 'EXEMPLE-ING-2023-0009',
    );
    expect(imported).toEqual({ reference: 'EXEMPLE-ING-2023-0009', amountEur: 118000, dataset: { nature: 'REAL' } });
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await snapshot(sg);
    const result = await importCsv(sg.prepared.database.db, engineeringSupportSpec, read(VALID), options);
    expect(result.written).toMatchObject({ inserted: 0, updated: 0, unchanged: 20 });
    expect(await snapshot(sg)).toEqual(before);
  });

  it('refuses the invalid file, reporting each bad row with its line and reason, and writes nothing', async () => {
    const before = await snapshot(sg);
    const error = await importCsv(sg.prepared.database.db, engineeringSupportSpec, read(INVALID), options).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ImportRefused);
    expect(error.message).toMatch(/10 of 12 row\(s\) are invalid; nothing was written/);
    const problems = (error as ImportRefused).problems;
    expect(problems.map((p) => [p.line, p.field])).toEqual(EXPECTED_PROBLEMS.map(([line, field]) => [line, field]));
    for (const [line, , message] of EXPECTED_PROBLEMS)
      expect(problems.find((p) => p.line === line)!.message).toMatch(message);
    expect(await snapshot(sg)).toEqual(before);
  });

  it('with validOnly, writes the valid rows only and reports the rejected ones', async () => {
    const result = await importCsv(sg.prepared.database.db, engineeringSupportSpec, read(INVALID), {
      ...options,
      validOnly: true,
    });
    expect(result.written).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(result.written!.keys.inserted.sort()).toEqual(['EXEMPLE-ERR-0001', 'EXEMPLE-ERR-0012']);
    expect([...new Set(result.rejected.map((p) => p.line))]).toEqual(EXPECTED_PROBLEMS.map(([line]) => line));
    expect(await countRows(sg, { origin: 'OPERATOR' })).toBe(22);
  });

  it('applies the VTE rule to imported rows (amount derived or checked)', async () => {
    const { values, problems } = validateCsv(vteAidSpec, read(VTE_VALID));
    expect(problems).toEqual([]);
    expect(values).toHaveLength(6);
    const bad = read(VTE_VALID).replace(';true;8000;2024-09-02;', ';true;4000;2024-09-02;');
    const refused = validateCsv(vteAidSpec, bad);
    expect(refused.problems).toEqual([
      { line: 3, field: 'amountEur', message: expect.stringMatching(/expected 8000 for green=true/) },
    ]);
    const result = await importCsv(sg.prepared.database.db, vteAidSpec, read(VTE_VALID));
    expect(result.written).toMatchObject({ inserted: 6 });
    const rows = await sg.prepared.database.db
      .selectFrom('engineering_record')
      .select(['amount_eur', 'green'])
      .where('reference', 'like', 'EXEMPLE-VTE-%')
      .execute();
    for (const r of rows) expect(Number(r.amount_eur)).toBe(Number(r.green) === 1 ? 8000 : 4000);
  });

  it('rolls the whole import back when the database refuses a row mid-transaction', async () => {
    // The first row changes an imported VTE aid (an UPDATE runs), then a row reuses the reference of an
    // imported study: the table's guard refuses to change its kind, and the first update is undone too.
    const before = await snapshot(sg);
    const lines = read(VTE_VALID).trimEnd().split('\n');
    expect(lines[1]).toMatch(/;2024-01-15;PAID$/);
    lines[1] = lines[1]!.replace(/;PAID$/, ';CLOSED');
    const text = [
      ...lines,
      'EXEMPLE-ING-2024-0001;2023-2027:ti-8412;900000092;Forges (exemple fictif);25.50A;false;;2024-05-01;PAID',
    ].join('\n');
    await expect(importCsv(sg.prepared.database.db, vteAidSpec, text)).rejects.toThrow(
      /kind and origin of a record never change/,
    );
    expect(await snapshot(sg)).toEqual(before);
  });

  it('documents the columns of each kind (README of import-samples)', () => {
    const readme = read(join(SAMPLES, 'README.md'));
    for (const spec of engineering.records!) {
      for (const line of describeColumns(spec).split('\n')) expect(readme).toContain(line);
    }
  });
});

describe('the import CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engineering-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'subgraphs/runtime/import.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      // The subgraph's own URL wins over DATABASE_URL: a throw-away SQLite file, whatever the test database.
      env: { ...process.env, ENGINEERING_DATABASE_URL: `sqlite:${join(dir, 'engineering.sqlite')}` },
      timeout: 120_000,
    });

  // Each run starts a Node process that migrates and loads the sample first: seconds each on a busy machine.
  it('imports the valid file (exit 0), then again without change (exit 0)', () => {
    const first = cli('engineering', VALID, '--kind', 'engineering-support');
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/20 row\(s\) read .*; 20 inserted, 0 updated, 0 unchanged, 0 rejected/);
    const again = cli('engineering', VALID, '--kind', 'engineering-support');
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/0 inserted, 0 updated, 20 unchanged/);
  }, 300_000);

  it('refuses the invalid file with every bad line (exit 1)', () => {
    const invalid = cli('engineering', INVALID, '--kind', 'engineering-support');
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(/import refused: 10 of 12 row\(s\) are invalid/);
    for (const [line, field] of EXPECTED_PROBLEMS) expect(invalid.stderr).toContain(`line ${line}, column ${field}:`);
  }, 180_000);

  it('rejects bad usage (exit 2): an unknown kind, no subgraph', () => {
    const unknownKind = cli('engineering', VALID, '--kind', 'grants');
    expect(unknownKind.status).toBe(2);
    expect(unknownKind.stderr).toMatch(
      /unknown kind "grants".*engineering-support, project-manager-cofunding, vte-aid, local-authority-loan/s,
    );
    expect(cli().status).toBe(2);
  }, 180_000);
});
