// CSV import of recruitment actions: the runtime's validateCsv/importCsv with this subgraph's record spec,
// and the CLI (`node --import tsx subgraphs/runtime/import.ts recruitment <file>`) as a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import { ImportRefused, importCsv, validateCsv, type RowProblem } from '../../runtime/import.ts';
import { describeColumns } from '../../runtime/records.ts';
import { actionRecord } from '../records.ts';
import type { RecruitmentContext } from '../resolvers.ts';
import recruitment from '../subgraph.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VALID = fileURLToPath(new URL('../import-samples/actions-valid.csv', import.meta.url));
const INVALID = fileURLToPath(new URL('../import-samples/actions-invalid.csv', import.meta.url));
const validText = readFileSync(VALID, 'utf8');
const invalidText = readFileSync(INVALID, 'utf8');

/** Each bad row of actions-invalid.csv: line → [column, part of the reason]. */
const EXPECTED_PROBLEMS: [number, string, string][] = [
  [3, 'date', '"2024-02-30" is not a date'],
  [4, 'participants', '-5 is below the minimum of 0'],
  [5, 'territoryId', '"2023-2027:ti-9999" is not a territory of phase 2023-2027'],
  [6, 'serviceId', '"financing:fonds-acceleration" is not a service of France Travail\'s catalogue'],
  [7, 'reference', 'duplicate of line 2'],
  [8, 'title', 'is required'],
  [9, 'status', '"DONE" is not one of PLANNED, IN_PROGRESS, COMPLETED, CANCELLED'],
  [11, 'hires', 'hires cannot exceed participants'],
  [12, 'reference', "reserved for the hub's sample actions"],
];
function expectProblems(problems: RowProblem[]) {
  expect(problems.map((p) => p.line)).toEqual(EXPECTED_PROBLEMS.map(([line]) => line));
  for (const [line, field, reason] of EXPECTED_PROBLEMS) {
    expect(problems).toContainEqual({ line, field, message: expect.stringContaining(reason) });
  }
}

let sub: TestSubgraph<RecruitmentContext>;
beforeAll(async () => {
  sub = await startTestSubgraph(recruitment);
}, 120_000);
afterAll(async () => {
  await sub?.stop();
});

const db = () => sub.prepared.database.db;
const operatorRows = () =>
  db().selectFrom('recruitment_action').selectAll().where('origin', '=', 'OPERATOR').orderBy('reference').execute();
const countAll = async () =>
  Number(
    (
      await db()
        .selectFrom('recruitment_action')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('CSV import (runtime importCsv / validateCsv)', () => {
  it('the sample files are what they claim: 20 valid rows; an invalid file with each kind of bad row', () => {
    const valid = validateCsv(actionRecord, validText);
    expect(valid.problems).toEqual([]);
    expect(valid.values).toHaveLength(20);
    const invalid = validateCsv(actionRecord, invalidText);
    expectProblems(invalid.problems);
    expect(invalid.values.map((v) => v.line)).toEqual([2, 10]);
  });

  it('refuses the invalid file, reporting each bad row with its line and reason, and writes nothing', async () => {
    const before = await countAll();
    const error = await importCsv(db(), actionRecord, invalidText).catch((e) => e);
    expect(error).toBeInstanceOf(ImportRefused);
    expect(error.message).toBe(
      '9 of 11 row(s) are invalid; nothing was written (use --valid-only to import the valid rows only)',
    );
    expectProblems(error.problems);
    expect(await countAll()).toBe(before);
    expect(await operatorRows()).toEqual([]);
  });

  it('imports the valid file (inserted = rows), then re-importing it changes nothing (unchanged = rows)', async () => {
    const before = await countAll();
    const dry = await importCsv(db(), actionRecord, validText, { dryRun: true });
    expect(dry).toMatchObject({ rows: 20, rejected: [], written: null });
    expect(await countAll()).toBe(before);

    const first = await importCsv(db(), actionRecord, validText);
    expect(first.written).toMatchObject({ inserted: 20, updated: 0, unchanged: 0 });
    expect(await countAll()).toBe(before + 20);
    const rows = await operatorRows();
    expect(rows).toHaveLength(20);
    expect(rows[0]).toMatchObject({
      reference: 'FT-DECL-2020-0009',
      territory_id: '2019-2022:ti-7502',
      year: 2020,
      origin: 'OPERATOR',
      employer_siren: null,
    });

    const second = await importCsv(db(), actionRecord, validText);
    expect(second.written).toMatchObject({ inserted: 0, updated: 0, unchanged: 20 });
    expect(await operatorRows()).toEqual(rows);

    // Imported actions are served like the mutations' ones: origin OPERATOR, REAL dataset.
    const res = await sub.execute<{ _entities: { recruitment: { actions: { nodes: unknown[] } } }[] }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { recruitment {
      actions(first: 200, year: 2023) { nodes { reference origin dataset { nature } employer { siren name } } } } } } }`,
      { r: [{ __typename: 'Territory', id: '2023-2027:ti-8412' }] },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities[0]!.recruitment.actions.nodes).toContainEqual({
      reference: 'FT-DECL-2023-0001',
      origin: 'OPERATOR',
      dataset: { nature: 'REAL' },
      employer: { siren: '356541953', name: "Moteurs électriques Collonges SAS (exemple d'import)" },
    });

    // A changed row is updated, the others unchanged.
    const changed = validText.replace(
      'FT-DECL-2023-0001,2023-2027:ti-8412,recruitment:offres-emploi,Présélection de candidats',
      'FT-DECL-2023-0001,2023-2027:ti-8412,recruitment:offres-emploi,Présélection de candidats (modifié)',
    );
    expect((await importCsv(db(), actionRecord, changed)).written).toMatchObject({
      inserted: 0,
      updated: 1,
      unchanged: 19,
    });
  });

  it('--valid-only writes the valid rows only and reports the rejected ones', async () => {
    const before = await countAll();
    const result = await importCsv(db(), actionRecord, invalidText, { validOnly: true });
    expect(result.rows).toBe(11);
    expect(result.written).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(result.written!.keys.inserted.sort()).toEqual(['FT-DECL-2024-0101', 'FT-DECL-2024-0108']);
    expectProblems(result.rejected);
    expect(await countAll()).toBe(before + 2);
  });

  it('refuses a file with missing or unknown columns', async () => {
    const error = await importCsv(
      db(),
      actionRecord,
      'reference,territory,date\nX1,2023-2027:ti-8412,2024-01-01\n',
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ImportRefused);
    expect(error.message).toContain(
      'missing required column(s): territoryId, serviceId, title, status, participants, hires, companies, nafCode, sector',
    );
    expect(error.message).toContain('unknown column(s): territory');
  });

  it('documents every column in import-samples/README.md', () => {
    const readme = readFileSync(new URL('../import-samples/README.md', import.meta.url), 'utf8');
    for (const line of describeColumns(actionRecord).split('\n')) expect(readme).toContain(line);
  });
});

describe('import CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recruitment-import-'));
  const file = join(dir, 'recruitment.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/runtime/import.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, RECRUITMENT_DATABASE_URL: `sqlite:${file}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('exits 0 on a valid file, 1 on an invalid file (nothing written), 2 on bad usage', async () => {
    // Usage errors and --columns open no database: run them side by side.
    const [usage, unknown, missing, columns] = await Promise.all([
      cli(),
      cli('nowhere', VALID),
      cli('recruitment', join(dir, 'missing.csv')),
      cli('recruitment', '--columns'),
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run import');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown subgraph "nowhere"');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect(columns.code).toBe(0);
    expect(columns.stdout).toContain(describeColumns(actionRecord));

    const first = await cli('recruitment', VALID);
    expect(first.stderr).not.toContain('Error');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('recruitment/action: 20 row(s) read');
    expect(first.stdout).toContain('20 inserted, 0 updated, 0 unchanged, 0 rejected');
    expect(first.stdout).toContain(`sqlite ${file}`);

    const again = await cli('recruitment', VALID);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 inserted, 0 updated, 20 unchanged, 0 rejected');

    const refused = await cli('recruitment', INVALID);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('import refused: 9 of 11 row(s) are invalid; nothing was written');
    for (const [line, field] of EXPECTED_PROBLEMS) expect(refused.stderr).toContain(`line ${line}, column ${field}:`);

    const validOnly = await cli('recruitment', INVALID, '--valid-only');
    expect(validOnly.code).toBe(0);
    expect(validOnly.stdout).toContain('2 inserted, 0 updated, 0 unchanged, 9 rejected');
    expect(validOnly.stderr).toContain('line 3, column date: "2024-02-30" is not a date');
  }, 300_000);
});
