// CSV import of Business France's records: the sample files of import-samples/, through the runtime's
// importCsv/validateCsv and once through the CLI (`node --import tsx subgraphs/runtime/import.ts`).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import { ImportRefused, importCsv, validateCsv } from '../../runtime/import.ts';
import { describeColumns } from '../../runtime/records.ts';
import { investmentProjectSpec } from '../records.ts';
import attractiveness from '../subgraph.ts';
import type { AttractivenessContext } from '../resolvers.ts';
import { db, run, snapshot } from './support.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VALID = fileURLToPath(new URL('../import-samples/investment-projects-valid.csv', import.meta.url));
const INVALID = fileURLToPath(new URL('../import-samples/investment-projects-invalid.csv', import.meta.url));
const validText = readFileSync(VALID, 'utf8');
const invalidText = readFileSync(INVALID, 'utf8');

/** The bad rows of the invalid sample, by line (header = line 1). */
const EXPECTED_PROBLEMS = [
  { line: 3, field: 'date', message: '"2025-02-30" is not a date (YYYY-MM-DD)' },
  { line: 4, field: 'investmentEur', message: '-250000 is below the minimum of 0' },
  {
    line: 5,
    field: 'territoryId',
    message: 'unknown territory "2023-2027:ti-9999": no such ANCT code in phase 2023-2027',
  },
  {
    line: 6,
    field: 'serviceId',
    message:
      'unknown service "attractiveness:financement-innovation": not in the attractiveness catalogue (expected attractiveness:investissement-etranger)',
  },
  { line: 7, field: 'reference', message: 'duplicate of line 2' },
  { line: 8, field: 'investorName', message: 'is required' },
  { line: 9, field: 'kind', message: '"EXPANSION" is not one of CREATION, EXTENSION, TAKEOVER' },
];

let sg: TestSubgraph<AttractivenessContext>;
beforeAll(async () => {
  sg = await startTestSubgraph(attractiveness);
});
afterAll(() => sg?.stop());

const operatorCount = async () =>
  Number(
    (
      await db(sg)
        .selectFrom('investment_project')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('origin', '=', 'OPERATOR')
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('importCsv', () => {
  test('the invalid sample is refused: each bad row reported with its line and reason, nothing written', async () => {
    const { values, problems } = validateCsv(investmentProjectSpec, invalidText);
    expect(problems).toEqual(EXPECTED_PROBLEMS);
    expect(values.map((v) => v.line)).toEqual([2, 10]);
    const before = await snapshot(sg);
    const error = await importCsv(db(sg), investmentProjectSpec, invalidText).catch((e) => e);
    expect(error).toBeInstanceOf(ImportRefused);
    expect(error.message).toBe(
      '7 of 9 row(s) are invalid; nothing was written (use --valid-only to import the valid rows only)',
    );
    expect(error.problems).toEqual(EXPECTED_PROBLEMS);
    expect(await snapshot(sg)).toEqual(before);
  });

  test('the valid sample imports (inserted = rows), shows in the territories, and re-importing changes nothing', async () => {
    const territory = '2023-2027:ti-8402';
    const query = `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { attractiveness {
      summary { recordCount amountEur } investments(first: 200) { nodes { reference date } } } } } }`;
    type Slice = {
      _entities: {
        attractiveness: {
          summary: { recordCount: number; amountEur: number | null };
          investments: { nodes: { date: string; reference: string }[] };
        };
      }[];
    };
    const before = (await run<Slice>(sg, undefined, query, { r: [{ __typename: 'Territory', id: territory }] })).data!
      ._entities[0]!.attractiveness;
    const first = await importCsv(db(sg), investmentProjectSpec, validText);
    expect(first).toMatchObject({
      kind: 'investment-project',
      rows: 20,
      rejected: [],
      written: { inserted: 20, updated: 0, unchanged: 0 },
    });
    expect(await operatorCount()).toBe(20);
    const after = (await run<Slice>(sg, undefined, query, { r: [{ __typename: 'Territory', id: territory }] })).data!
      ._entities[0]!.attractiveness;
    expect(after.summary.recordCount).toBe(before.summary.recordCount + 2);
    expect(after.summary.amountEur).toBe((before.summary.amountEur ?? 0) + 4_200_000 + 12_500_000);
    const order = after.investments.nodes.map((n) => `${n.date} ${n.reference}`);
    expect(order).toEqual([...order].sort((a, b) => b.slice(0, 10).localeCompare(a.slice(0, 10))));

    const snap = await snapshot(sg);
    const again = await importCsv(db(sg), investmentProjectSpec, validText);
    expect(again.written).toMatchObject({ inserted: 0, updated: 0, unchanged: 20 });
    expect(await snapshot(sg)).toEqual(snap);
  });

  test('--valid-only writes the valid rows only and reports the rejected ones', async () => {
    const before = await operatorCount();
    const result = await importCsv(db(sg), investmentProjectSpec, invalidText, {
      validOnly: true,
    });
    expect(result.rejected).toEqual(EXPECTED_PROBLEMS);
    expect(result.written).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await operatorCount()).toBe(before + 2);
    expect(
      await db(sg)
        .selectFrom('investment_project')
        .select('reference')
        .where('reference', 'in', ['BFOP-IDE-2025-90001', 'BFOP-IDE-2024-90009'])
        .execute(),
    ).toHaveLength(2);
    // The derived columns are written by the import too (the `minJobs` filter reads `jobs`).
    expect(
      await db(sg)
        .selectFrom('investment_project')
        .select('reference')
        .where('origin', '=', 'OPERATOR')
        .where(sql<boolean>`jobs <> jobs_created + jobs_saved`)
        .execute(),
    ).toEqual([]);
  });

  test('the README of import-samples documents the columns exactly as describeColumns prints them', () => {
    const readme = readFileSync(new URL('../import-samples/README.md', import.meta.url), 'utf8');
    for (const spec of attractiveness.records!) expect(readme).toContain(describeColumns(spec));
  });
});

describe('the import CLI', () => {
  const exec = promisify(execFile);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'attractiveness-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await exec(
        process.execPath,
        ['--import', 'tsx', 'subgraphs/runtime/import.ts', ...args],
        {
          cwd: ROOT,
          env: { ...process.env, ATTRACTIVENESS_DATABASE_URL: `sqlite:${join(dir, 'attractiveness.sqlite')}` },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  test('exit codes: 0 imported, 0 unchanged on re-import, 1 invalid file, 0 with --valid-only, 2 usage', async () => {
    const ok = await cli('attractiveness', VALID, '--kind', 'investment-project');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/20 row\(s\) read .*; 20 inserted, 0 updated, 0 unchanged, 0 rejected/);
    const again = await cli('attractiveness', VALID, '--kind', 'investment-project');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 inserted, 0 updated, 20 unchanged/);

    const refused = await cli('attractiveness', INVALID, '--kind', 'investment-project');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('import refused: 7 of 9 row(s) are invalid; nothing was written');
    for (const p of EXPECTED_PROBLEMS)
      expect(refused.stderr).toContain(`line ${p.line}, column ${p.field}: ${p.message}`);

    const partial = await cli('attractiveness', INVALID, '--kind', 'investment-project', '--valid-only');
    expect(partial.code).toBe(0);
    expect(partial.stdout).toMatch(/9 row\(s\) read .*; 2 inserted, 0 updated, 0 unchanged, 7 rejected/);
    expect(partial.stderr).toContain('line 9, column kind');

    // Without --kind, the file's columns choose among the subgraph's record kinds.
    const inferred = await cli('attractiveness', VALID);
    expect(inferred.code).toBe(0);
    expect(inferred.stdout).toMatch(/^attractiveness\/investment-project: .*0 inserted, 0 updated, 20 unchanged/m);

    // Usage: an unknown kind is refused and the known ones listed.
    const usage = await cli('attractiveness', VALID, '--kind', 'nope');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('kinds: investment-project, export-support, site-promotion');
  }, 180_000);
});
