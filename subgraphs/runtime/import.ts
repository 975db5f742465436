// `npm run import -- <subgraph> <file.csv> [--kind K] [--valid-only] [--dry-run]`: loads an operator's
// export into its subgraph's database. All-or-nothing by default; re-importing the same file changes nothing.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { SingleBar, Presets } from 'cli-progress';
import type { Kysely } from 'kysely';
import {
  upsertRecords,
  validateRecord,
  type DerivedRowsHook,
  type FieldProblem,
  type KitDB,
  type RecordSpec,
  type UpsertReport,
} from './records.ts';
import { subgraphEntry } from './registry.ts';
import { prepareDatabase, type SubgraphModule } from './subgraph.ts';

export interface RowProblem extends FieldProblem {
  line: number;
}

export interface ImportResult {
  kind: string;
  rows: number;
  rejected: RowProblem[];
  written: UpsertReport | null;
}

export class ImportRefused extends Error {
  constructor(
    message: string,
    readonly problems: RowProblem[] = [],
  ) {
    super(message);
  }
}

/** Parses and validates a CSV export against a record kind; returns typed values with their line numbers. */
export function validateCsv(
  spec: RecordSpec,
  text: string,
): { values: { line: number; value: Record<string, unknown> }[]; problems: RowProblem[] } {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    // French spreadsheet exports use ";" and often a BOM: both are accepted.
    records = parse(text, {
      columns: true,
      bom: true,
      delimiter: [',', ';'],
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: false,
    });
  } catch (error) {
    const err = error as Error & { lines?: number };
    throw new ImportRefused(`the file is not valid CSV${err.lines ? ` (line ${err.lines})` : ''}: ${err.message}`);
  }
  const header = records[0]
    ? Object.keys(records[0].record)
    : (parse(text, { bom: true, delimiter: [',', ';'], to_line: 1 })[0] ?? []);
  const expected = spec.fields.map((f) => f.name);
  const missing = spec.fields.filter((f) => f.required && !header.includes(f.name)).map((f) => f.name);
  const unknown = header.filter((h: string) => !expected.includes(h));
  if (missing.length || unknown.length) {
    throw new ImportRefused(
      [
        missing.length ? `missing required column(s): ${missing.join(', ')}` : '',
        unknown.length ? `unknown column(s): ${unknown.join(', ')}` : '',
        `expected columns: ${expected.join(', ')}`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  const problems: RowProblem[] = [];
  const values: { line: number; value: Record<string, unknown> }[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const input = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ''));
    const { value, problems: rowProblems } = validateRecord(spec, input);
    const key = String(value[spec.key] ?? '');
    if (key && seen.has(key)) rowProblems.push({ field: spec.key, message: `duplicate of line ${seen.get(key)}` });
    else if (key) seen.set(key, line);
    if (rowProblems.length) problems.push(...rowProblems.map((p) => ({ ...p, line })));
    else values.push({ line, value });
  }
  return { values, problems };
}

/** Imports a CSV into the subgraph's database, in one transaction. */
export async function importCsv<DB>(
  db: Kysely<DB>,
  spec: RecordSpec,
  text: string,
  options: {
    validOnly?: boolean;
    dryRun?: boolean;
    progress?: (done: number, total: number) => void;
    /** Derived-rows hook; defaults to the spec's own (`RecordSpec.afterWrite`). */
    afterWrite?: DerivedRowsHook;
  } = {},
): Promise<ImportResult> {
  const { values, problems } = validateCsv(spec, text);
  const rows = values.length + new Set(problems.map((p) => p.line)).size;
  if (problems.length && !options.validOnly) {
    throw new ImportRefused(
      `${new Set(problems.map((p) => p.line)).size} of ${rows} row(s) are invalid; nothing was written (use --valid-only to import the valid rows only)`,
      problems,
    );
  }
  if (options.dryRun) return { kind: spec.kind, rows, rejected: problems, written: null };
  const afterWrite = options.afterWrite ?? spec.afterWrite;
  const written = await db.transaction().execute(async (t) => {
    const trx = t as unknown as Kysely<KitDB>;
    const total: UpsertReport = {
      inserted: 0,
      updated: 0,
      unchanged: 0,
      keys: { inserted: [], updated: [] },
      previous: [],
    };
    const chunk = 2000;
    for (let i = 0; i < values.length; i += chunk) {
      const report = await upsertRecords(
        trx,
        spec,
        values.slice(i, i + chunk).map((v) => v.value),
      );
      total.inserted += report.inserted;
      total.updated += report.updated;
      total.unchanged += report.unchanged;
      total.keys.inserted.push(...report.keys.inserted);
      total.keys.updated.push(...report.keys.updated);
      total.previous.push(...report.previous);
      options.progress?.(Math.min(i + chunk, values.length), values.length);
    }
    if (afterWrite && (total.inserted || total.updated)) {
      const changed = new Set([...total.keys.inserted, ...total.keys.updated]);
      // New rows and, for updates, the rows as they were: both sides' derived data must be refreshed.
      await afterWrite(trx, [
        ...values.filter((v) => changed.has(String(v.value[spec.key]))).map((v) => spec.toRow(v.value)),
        ...total.previous,
      ]);
    }
    return total;
  });
  return { kind: spec.kind, rows, rejected: problems, written };
}

export function formatProblems(problems: RowProblem[], limit = 50): string {
  const lines = problems.slice(0, limit).map((p) => `  line ${p.line}, column ${p.field}: ${p.message}`);
  if (problems.length > limit) lines.push(`  … and ${problems.length - limit} more`);
  return lines.join('\n');
}

/** The one record kind whose columns the file's header matches (all required present, none unknown). */
function kindFromHeader(specs: RecordSpec[], file: string): RecordSpec | undefined {
  let header: string[];
  try {
    header = (parse(readFileSync(file, 'utf8'), { bom: true, delimiter: [',', ';'], to_line: 1, trim: true })[0] ??
      []) as string[];
  } catch {
    return undefined;
  }
  const matches = specs.filter(
    (s) =>
      s.fields.every((f) => !f.required || header.includes(f.name)) &&
      header.every((h) => s.fields.some((f) => f.name === h)),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a) => !a.startsWith('--'));
  const flag = (name: string) => argv.includes(name);
  const option = (name: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);
  const [name, file] = args.filter((a) => a !== option('--kind'));
  if (!name) {
    console.error(
      'usage: npm run import -- <subgraph> <file.csv> [--kind <kind>] [--valid-only] [--dry-run] | <subgraph> --columns',
    );
    return 2;
  }
  try {
    subgraphEntry(name);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const module = (await import(`../${name}/subgraph.ts`)).default as SubgraphModule;
  const specs = module.records ?? [];
  if (!specs.length) {
    console.error(`subgraph "${name}" declares no importable records`);
    return 2;
  }
  const kind = option('--kind');
  const spec = kind
    ? specs.find((s) => s.kind === kind)
    : specs.length === 1
      ? specs[0]
      : file
        ? kindFromHeader(specs, file)
        : undefined;
  if (!spec) {
    console.error(
      kind
        ? `unknown kind "${kind}"; `
        : `subgraph "${name}" has several record kinds and the file's columns do not tell which: choose one with --kind; `,
      `kinds: ${specs.map((s) => s.kind).join(', ')}`,
    );
    return 2;
  }
  if (flag('--columns')) {
    const { describeColumns } = await import('./records.ts');
    console.log(
      `${name} / ${spec.kind} — CSV columns (comma or semicolon separated, UTF-8):\n${describeColumns(spec)}`,
    );
    return 0;
  }
  if (!file) {
    console.error('missing the CSV file to import');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  const database = await prepareDatabase(module);
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'importing [{bar}] {percentage}% | {value}/{total} rows' }, Presets.shades_classic)
    : undefined;
  try {
    const result = await importCsv(database.db, spec, text, {
      validOnly: flag('--valid-only'),
      dryRun: flag('--dry-run'),
      afterWrite: module.afterImport?.[spec.kind],
      progress: (done, total) => {
        // Without a terminal (CI, logs), one line per chunk instead of a bar.
        if (!bar)
          return void (
            total > 2000 &&
            console.error(`progress: ${done}/${total} rows written (one transaction: nothing is kept until the end)`)
          );
        if (done <= 2000) bar.start(total, 0);
        bar.update(done);
        if (done === total) bar.stop();
      },
    });
    if (result.rejected.length) console.error(`rejected rows:\n${formatProblems(result.rejected)}`);
    if (result.written) {
      const w = result.written;
      console.log(
        `${name}/${spec.kind}: ${result.rows} row(s) read from ${file}; ${w.inserted} inserted, ${w.updated} updated, ${w.unchanged} unchanged, ${new Set(result.rejected.map((p) => p.line)).size} rejected (${database.describe})`,
      );
    } else {
      console.log(`${name}/${spec.kind}: ${result.rows} row(s) valid; dry run, nothing written`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ImportRefused) {
      console.error(`import refused: ${error.message}`);
      if (error.problems.length) console.error(formatProblems(error.problems));
      return 1;
    }
    // A database error mid-import: the transaction was rolled back, say so without a stack trace.
    console.error(`import failed, nothing was written (the transaction was rolled back): ${(error as Error).message}`);
    return 1;
  } finally {
    bar?.stop();
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
