// What `npm run import` promises about the CSV file itself, on Bpifrance's financings: one delimiter per
// file taken from its header line, UTF-8 with or without a BOM or Latin-1 when asked, NUL and broken quotes
// refused at their line, huge bad files streamed and stopped early. A refused file never writes anything.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { financingRecord } from '../subgraphs/financing/records.ts';
import financing from '../subgraphs/financing/subgraph.ts';
import { DEFAULT_MAX_ERRORS, detectDelimiter, ImportRefused, importCsv } from '../subgraphs/runtime/import.ts';
import { ROOT } from '../subgraphs/runtime/registry.ts';
import { POSTGRES_URL, startTestSubgraph, type TestSubgraph } from './support/harness.ts';
import type { FinancingContext } from '../subgraphs/financing/resolvers.ts';
import { testSchema } from './support/schemas.ts';

const SAMPLE = join(ROOT, 'subgraphs/financing/import-samples/financings-valid.csv');
const [HEADER, ...ROWS] = readFileSync(SAMPLE, 'utf8').trim().split('\n') as [string, ...string[]];
const dir = mkdtempSync(join(tmpdir(), 'import-csv-'));

let sg: TestSubgraph<FinancingContext>;
beforeAll(async () => {
  sg = await startTestSubgraph(financing);
}, 120_000);
afterAll(async () => {
  await sg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const db = () => sg.prepared.database.db;
// The kit's import runs the record kind's own derived-rows hook (RecordSpec.afterWrite) by default.
const options = {};

async function rowCount(): Promise<number> {
  const { n } = await db()
    .selectFrom('financing')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}
async function companyName(reference: string): Promise<string | undefined> {
  const row = await db()
    .selectFrom('financing')
    .select('company_name')
    .where('reference', '=', reference)
    .executeTakeFirst();
  return row?.company_name as string | undefined;
}

/** The sample's rows with a fresh reference prefix (so each test inserts its own rows), fields split. */
function rows(prefix: string): string[][] {
  return ROWS.map((line, i) => {
    const cells = line.split(',');
    cells[0] = `${prefix}-${String(i + 1).padStart(3, '0')}`;
    return cells;
  });
}
/** Writes a CSV file; `cells` are joined with `delimiter`, quoted when they contain it or a quote. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const quote = (cell: string, delimiter: string) =>
  cell.includes(delimiter) || cell.includes('"') ? `"${cell.replace(/"/g, '""')}"` : cell;
const csv = (table: string[][], delimiter: string) =>
  [HEADER.split(',').join(delimiter), ...table.map((r) => r.map((c) => quote(c, delimiter)).join(delimiter))].join(
    '\n',
  ) + '\n';
const NAME = HEADER.split(',').indexOf('companyName');
/** The sample's company names have accents: plain ones, so that only the row a test changes has any. */
const asciiNames = (table: string[][]) => table.map((r, i) => r.map((c, j) => (j === NAME ? `Atelier ${i + 1}` : c)));

/** Imports a file (streamed, as the CLI does); the refusal if any, and whether the table changed. */
async function attempt(path: string, extra: Parameters<typeof importCsv>[3] = {}) {
  const before = await rowCount();
  const error = await importCsv(db(), financingRecord, { file: path }, { ...options, ...extra }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error: error as ImportRefused | undefined, changed: (await rowCount()) - before };
}

describe('delimiter: one per file, from the header line', () => {
  it('reads the header line’s delimiter only', () => {
    expect(detectDelimiter('reference;territoryId;companyName\nA;B;"Dupont, Fils et Cie"')).toBe(';');
    expect(detectDelimiter('reference,territoryId,companyName\nA,B,"Dupont; Fils"')).toBe(',');
    expect(detectDelimiter('"a;b",c,d\n')).toBe(',');
  });

  it('imports a ";" file whose values contain commas (Dupont, Fils et Cie), and a "," file with semicolons', async () => {
    const semicolon = rows('CSV-SEMI');
    semicolon[0]![NAME] = 'Dupont, Fils et Cie';
    // Unquoted: with ";" as the one delimiter, the comma is just a character of the value.
    const text = [HEADER.split(',').join(';'), ...semicolon.map((r) => r.join(';'))].join('\n') + '\n';
    const first = await attempt(file('semicolon.csv', text));
    expect(first.error).toBeUndefined();
    expect(first.changed).toBe(semicolon.length);
    expect(await companyName('CSV-SEMI-001')).toBe('Dupont, Fils et Cie');

    const comma = rows('CSV-COMMA');
    comma[0]![NAME] = 'Dupont; Fils; et Cie';
    const second = await attempt(file('comma.csv', [HEADER, ...comma.map((r) => r.join(','))].join('\n') + '\n'));
    expect(second.error).toBeUndefined();
    expect(await companyName('CSV-COMMA-001')).toBe('Dupont; Fils; et Cie');
  });
});

describe('encoding', () => {
  it('accepts UTF-8 with a BOM and without, keeping accents', async () => {
    const withBom = rows('CSV-BOM');
    withBom[0]![NAME] = 'Société d’Étampage Lyonnaise';
    const bom = await attempt(
      file('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv(withBom, ';'))])),
    );
    expect(bom.error).toBeUndefined();
    expect(await companyName('CSV-BOM-001')).toBe('Société d’Étampage Lyonnaise');
    const plain = rows('CSV-NOBOM');
    plain[0]![NAME] = 'Forge de l’Œuvre';
    expect((await attempt(file('nobom.csv', csv(plain, ',')))).error).toBeUndefined();
    expect(await companyName('CSV-NOBOM-001')).toBe('Forge de l’Œuvre');
  });

  it('keeps a character cut between two read chunks whole (a file of several 64 KiB chunks)', async () => {
    const [template] = rows('x');
    const many = Array.from({ length: 1500 }, (_, i) => {
      const r = [...template!];
      r[0] = `CSV-CHUNK-${String(i).padStart(4, '0')}`;
      r[NAME] = `Société ${'é'.repeat(80 + (i % 7))} Équipements ${i}`;
      return r;
    });
    // The file is read in 64 KiB chunks: at least one boundary falls inside a two-byte character. Padding the first
    // row's name shifts every later byte, so that this holds whatever the sample's columns are.
    const cut = (bytes: Buffer) => [1, 2, 3, 4, 5].some((k) => (bytes[k * 64 * 1024]! & 0xc0) === 0x80);
    const name = many[0]![NAME]!;
    let text = csv(many, ';');
    for (let pad = 1; !cut(Buffer.from(text)) && pad < 400; pad++) {
      many[0]![NAME] = `${name}${'x'.repeat(pad)}`;
      text = csv(many, ';');
    }
    expect(cut(Buffer.from(text))).toBe(true);
    const result = await attempt(file('chunks.csv', text));
    expect(result.error).toBeUndefined();
    expect(result.changed).toBe(1500);
    expect(await companyName('CSV-CHUNK-0006')).toBe(`Société ${'é'.repeat(86)} Équipements 6`);
    expect(await companyName('CSV-CHUNK-1499')).toBe(`Société ${'é'.repeat(80 + (1499 % 7))} Équipements 1499`);
  });

  it('refuses invalid UTF-8 with its line and writes nothing; reads it as Latin-1 with encoding latin1', async () => {
    const latin = asciiNames(rows('CSV-LATIN'));
    latin[2]![NAME] = 'Société Générale de Mécanique';
    const bytes = Buffer.from(csv(latin, ';'), 'latin1');
    const path = file('latin1.csv', bytes);
    const refused = await attempt(path);
    expect(refused.error).toBeInstanceOf(ImportRefused);
    // Header on line 1: the third row is line 4.
    expect(refused.error!.message).toMatch(/^line 4: not valid UTF-8 \(byte 0xE9\).*--encoding latin1/);
    expect(refused.changed).toBe(0);

    const read = await attempt(path, { encoding: 'latin1' });
    expect(read.error).toBeUndefined();
    expect(read.changed).toBe(latin.length);
    expect(await companyName('CSV-LATIN-003')).toBe('Société Générale de Mécanique');
  });

  it('the CLI says so too, and imports with --encoding latin1', async () => {
    const schema = POSTGRES_URL ? testSchema('importcsv') : undefined;
    const env = {
      ...process.env,
      FINANCING_DATABASE_URL: POSTGRES_URL ?? `sqlite:${join(dir, 'cli.sqlite')}`,
      ...(schema ? { FINANCING_DATABASE_SCHEMA: schema } : {}),
    };
    const latin = asciiNames(rows('CSV-CLI'));
    latin[0]![NAME] = 'Décolletage Savoyard';
    const path = file('cli-latin1.csv', Buffer.from(csv(latin, ';'), 'latin1'));
    const run = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'subgraphs/runtime/import.ts', 'financing', path, ...args],
        {
          cwd: ROOT,
          env,
        },
      ).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    try {
      const refused = await run();
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/import refused: line 2: not valid UTF-8 \(byte 0xE9\)/);
      const imported = await run('--encoding', 'latin1');
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(new RegExp(`${latin.length} inserted`));
      const usage = await run('--encoding', 'utf16');
      expect([usage.code, usage.stderr.trim()]).toEqual([2, '--encoding must be one of utf8, latin1, got "utf16"']);
    } finally {
      // The schema is dropped when the run ends (test/support/schemas.ts).
    }
  }, 240_000);
});

describe('refused at the line where the problem is, nothing written', () => {
  it('a NUL character', async () => {
    const table = rows('CSV-NUL');
    table[1]![NAME] = 'Nul\u0000Part';
    const result = await attempt(file('nul.csv', csv(table, ',')));
    expect(result.error!.message).toMatch(/^line 3: the file contains the NUL character/);
    expect(result.changed).toBe(0);
  });

  it('a UTF-16 file (NUL everywhere) is told to be saved as UTF-8', async () => {
    const result = await attempt(file('utf16.csv', Buffer.from(csv(rows('CSV-U16'), ';'), 'utf16le')));
    expect(result.error!.message).toMatch(/^line 1: .*NUL.*looks like UTF-16: save it as UTF-8/);
  });

  it('an unclosed quote, at the line where it opens', async () => {
    const table = rows('CSV-QUOTE');
    const lines = csv(table, ';').split('\n');
    lines[4] = lines[4]!.replace(`;${table[3]![NAME]};`, `;"${table[3]![NAME]};`);
    const never = await attempt(file('quote.csv', lines.join('\n')));
    expect(never.error!.message).toBe('line 5: a quoted value opens here and its closing quote (") is missing');
    expect(never.changed).toBe(0);
    // A later value that is quoted closes it in the wrong place: still reported where it opens.
    const later = [...lines];
    later[8] = later[8]!.replace(`;${table[7]![NAME]};`, `;"${table[7]![NAME]}";`);
    const misplaced = await attempt(file('quote-later.csv', later.join('\n')));
    expect(misplaced.error!.message).toMatch(/^line 5: a quoted value opens here and is not closed properly/);
    expect(misplaced.changed).toBe(0);
  });
});

describe('a huge bad file', () => {
  it(`is read as a stream and stopped after ${DEFAULT_MAX_ERRORS} invalid rows, saying how much was not checked`, async () => {
    const lines = [HEADER];
    for (let i = 0; i < 50_000; i++)
      lines.push(
        HEADER.split(',')
          .map((_, c) => `garbage-${i}-${c}`)
          .join(','),
      );
    const result = await attempt(file('garbage.csv', `${lines.join('\n')}\n`));
    expect(result.error).toBeInstanceOf(ImportRefused);
    expect(result.error!.message).toBe(
      `stopped reading at line ${DEFAULT_MAX_ERRORS + 1} after ${DEFAULT_MAX_ERRORS} invalid rows; the ${50_000 - DEFAULT_MAX_ERRORS} line(s) after it were not checked; nothing was written (fix the file, or raise --max-errors)`,
    );
    const problemLines = new Set(result.error!.problems.map((p) => p.line));
    expect(problemLines.size).toBe(DEFAULT_MAX_ERRORS);
    expect(Math.max(...problemLines)).toBe(DEFAULT_MAX_ERRORS + 1);
    expect(result.changed).toBe(0);
    // A bound of its own choosing.
    const five = await attempt(join(dir, 'garbage.csv'), { maxErrors: 5 });
    expect(five.error!.message).toMatch(/^stopped reading at line 6 after 5 invalid rows; the 49995 line/);
    // Exactly the bound, nothing left to read: every row was checked, the usual refusal.
    const exactly = await attempt(file('five.csv', `${lines.slice(0, 6).join('\n')}\n`), { maxErrors: 5 });
    expect(exactly.error!.message).toBe(
      '5 of 5 row(s) are invalid; nothing was written (use --valid-only to import the valid rows only)',
    );
  });
});
