// `npm run import -- <subgraph> <file.csv> [--kind K] [--valid-only] [--dry-run] [--encoding utf8|latin1]
// [--max-errors N]`: loads an operator's export into its subgraph's database. All-or-nothing by default;
// re-importing the same file changes nothing. The file is streamed: a huge bad file is refused at its
// first N invalid rows, in bounded memory.
import { isUtf8 } from 'node:buffer';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse';
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
import { DependencyUnavailable } from './errors.ts';
import { recordRows } from './outbox.ts';
import { subgraphEntry } from './registry.ts';
import { prepareDatabase, type SubgraphModule } from './subgraph.ts';
import { maintainSummaries } from './summaries.ts';

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

/** `utf8` (the default; a BOM is skipped) or `latin1`, read as Windows-1252, its superset that Excel writes. */
export type CsvEncoding = 'utf8' | 'latin1';
export const ENCODINGS: CsvEncoding[] = ['utf8', 'latin1'];
/** Reading stops after this many invalid rows: a huge bad file is refused at once, in bounded memory. */
export const DEFAULT_MAX_ERRORS = 100;

export interface CsvOptions {
  encoding?: CsvEncoding;
  maxErrors?: number;
}

export interface CsvRead {
  values: { line: number; value: Record<string, unknown> }[];
  problems: RowProblem[];
  /** Set when reading stopped at `maxErrors` invalid rows: the line reached and how many lines were not read. */
  stopped?: { line: number; maxErrors: number; unreadLines: number };
}

/**
 * The file's one delimiter, from its header line: `;` (French spreadsheets) or `,`, whichever separates
 * more of the header's columns (outside quotes). Values may then contain the other one (`Dupont, Fils et Cie`).
 */
export function detectDelimiter(head: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const c of head) {
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const latin1 = new TextDecoder('windows-1252');

function countNewlines(buf: Buffer, end = buf.length): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** Index of the first byte that does not start a valid UTF-8 sequence (-1 if none). */
function firstInvalidUtf8(buf: Buffer): number {
  for (let i = 0; i < buf.length;) {
    const c = buf[i]!;
    const size = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    // isUtf8 also refuses overlong forms and surrogates inside the sequence.
    if (!size || (size > 1 && !isUtf8(buf.subarray(i, i + size)))) return i;
    i += size;
  }
  return -1;
}

/**
 * Bytes → UTF-8 text for csv-parse, chunk by chunk, refusing what the database must never see: NUL and
 * invalid UTF-8 (each with its line). A multi-byte character cut between two chunks waits for the next one.
 */
class CsvDecoder {
  /** Line of the next byte (1-based). */
  line = 1;
  private pending: Buffer = Buffer.alloc(0);
  private started = false;

  constructor(private readonly encoding: CsvEncoding) {}

  write(chunk: Buffer): string | Buffer {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.started) {
      if (buf.length < BOM.length && BOM.subarray(0, buf.length).equals(buf)) {
        this.pending = buf;
        return '';
      }
      this.started = true;
      if (this.encoding === 'utf8' && buf.subarray(0, 3).equals(BOM)) buf = buf.subarray(3);
    }
    let cut = buf.length;
    if (this.encoding === 'utf8') {
      // Keep back an incomplete character at the end of the chunk.
      for (let i = buf.length - 1; i >= Math.max(0, buf.length - 3); i--) {
        const c = buf[i]!;
        if ((c & 0xc0) === 0x80) continue;
        const size = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        if (buf.length - i < size) cut = i;
        break;
      }
    }
    const piece = buf.subarray(0, cut);
    this.pending = Buffer.from(buf.subarray(cut));
    const nul = piece.indexOf(0);
    if (nul >= 0) {
      const utf16 = piece.length > 1 && (piece[0] === 0 || piece[1] === 0);
      throw new ImportRefused(
        `line ${this.line + countNewlines(piece, nul)}: the file contains the NUL character (byte 0x00), which no field may hold${utf16 ? '; the file looks like UTF-16: save it as UTF-8' : ''}`,
      );
    }
    if (this.encoding === 'utf8' && !isUtf8(piece)) this.invalid(piece, firstInvalidUtf8(piece));
    this.line += countNewlines(piece);
    return this.encoding === 'utf8' ? piece : latin1.decode(piece);
  }

  /** The last bytes held back; a character still incomplete at the end of the file is invalid. */
  end(): string | Buffer {
    let out: string | Buffer = '';
    if (!this.started && this.pending.length) {
      this.started = true;
      const rest = this.pending;
      this.pending = Buffer.alloc(0);
      out = this.write(rest);
    }
    if (this.pending.length) this.invalid(this.pending, 0);
    return out;
  }

  private invalid(buf: Buffer, at: number): never {
    const byte = buf[at]!.toString(16).toUpperCase().padStart(2, '0');
    throw new ImportRefused(
      `line ${this.line + countNewlines(buf, at)}: not valid UTF-8 (byte 0x${byte}); the file is probably Latin-1 (Windows-1252): import it with --encoding latin1, or save it as UTF-8`,
    );
  }
}

/** The same decoder as a stream stage. */
class DecoderStream extends Transform {
  private readonly decoder: CsvDecoder;
  constructor(encoding: CsvEncoding) {
    super();
    this.decoder = new CsvDecoder(encoding);
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const out = this.decoder.write(chunk);
      callback(null, out.length ? out : undefined);
    } catch (error) {
      callback(error as Error);
    }
  }
  override _flush(callback: TransformCallback): void {
    try {
      const out = this.decoder.end();
      callback(null, out.length ? out : undefined);
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** Checks the header, then each row as it comes: types, the spec's checks, duplicate keys; counts invalid rows. */
class RowChecker {
  readonly values: CsvRead['values'] = [];
  readonly problems: RowProblem[] = [];
  invalidRows = 0;
  /** Line of the last record read, and empty lines skipped until then (to place an unclosed quote). */
  lastLine = 1;
  lastEmptyLines = 0;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly spec: RecordSpec,
    readonly maxErrors: number,
  ) {}

  sawHeader = false;

  header(header: string[]): string[] {
    this.sawHeader = true;
    const expected = this.spec.fields.map((f) => f.name);
    const missing = this.spec.fields.filter((f) => f.required && !header.includes(f.name)).map((f) => f.name);
    const unknown = header.filter((h) => !expected.includes(h));
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
    return header;
  }

  /** `maxErrors` rows are invalid: the caller stops reading (and says so if anything is left). */
  get full(): boolean {
    return this.invalidRows >= this.maxErrors;
  }

  /** The line of the last row checked. */
  checkedLine = 1;

  row(record: Record<string, string>, line: number): void {
    this.checkedLine = line;
    const input = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ''));
    const { value, problems } = validateRecord(this.spec, input);
    const key = String(value[this.spec.key] ?? '');
    if (key && this.seen.has(key))
      problems.push({ field: this.spec.key, message: `duplicate of line ${this.seen.get(key)}` });
    else if (key) this.seen.set(key, line);
    if (problems.length) {
      this.invalidRows++;
      this.problems.push(...problems.map((p) => ({ ...p, line })));
    } else this.values.push({ line, value });
  }

  stopped(totalLines: number): CsvRead['stopped'] {
    return {
      line: this.checkedLine,
      maxErrors: this.maxErrors,
      unreadLines: Math.max(0, totalLines - this.checkedLine),
    };
  }

  /** csv-parse's options, with the header check and line tracking. */
  options(delimiter: string) {
    return {
      columns: (header: string[]) => this.header(header),
      delimiter,
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: false,
      on_record: (record: unknown, context: { lines: number; empty_lines: number }) => {
        this.lastLine = context.lines;
        this.lastEmptyLines = context.empty_lines;
        return record;
      },
    } as const;
  }

  /** csv-parse's structural errors, said with the line where the problem starts. */
  parseError(error: unknown): ImportRefused {
    if (error instanceof ImportRefused) return error;
    const err = error as Error & { code?: string; lines?: number; empty_lines?: number };
    // The record being read starts after the last one read (and the empty lines skipped since).
    const opened = this.lastLine + 1 + Math.max(0, (err.empty_lines ?? 0) - this.lastEmptyLines);
    if (err.code === 'CSV_QUOTE_NOT_CLOSED')
      return new ImportRefused(`line ${opened}: a quoted value opens here and its closing quote (") is missing`);
    if (err.code === 'CSV_INVALID_CLOSING_QUOTE' && err.lines && err.lines > opened)
      return new ImportRefused(
        `line ${opened}: a quoted value opens here and is not closed properly (the parser gave up at line ${err.lines}: ${err.message})`,
      );
    return new ImportRefused(`the file is not valid CSV${err.lines ? ` (line ${err.lines})` : ''}: ${err.message}`);
  }

  result(stopped?: CsvRead['stopped']): CsvRead {
    return { values: this.values, problems: this.problems, ...(stopped ? { stopped } : {}) };
  }
}

/** Parses and validates a CSV export held in memory against a record kind; typed values with their line numbers. */
export function validateCsv(spec: RecordSpec, input: string | Buffer, options: CsvOptions = {}): CsvRead {
  const checker = new RowChecker(spec, options.maxErrors ?? DEFAULT_MAX_ERRORS);
  const decoder = new CsvDecoder(options.encoding ?? 'utf8');
  const text =
    decoder.write(typeof input === 'string' ? Buffer.from(input, 'utf8') : input).toString() + decoder.end().toString();
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, checker.options(detectDelimiter(text))) as typeof records;
  } catch (error) {
    throw checker.parseError(error);
  }
  if (!checker.sawHeader) checker.header([]);
  for (const { record, info } of records) {
    // Rows are left after the bound: stop, and say how much was not checked.
    if (checker.full) return checker.result(checker.stopped(lineCount(Buffer.from(text))));
    checker.row(record, info.lines);
  }
  return checker.result();
}

/**
 * Streams a CSV file through the same checks: bounded memory for bad files (reading stops at
 * `maxErrors` invalid rows), and the file is never held whole in memory as text.
 */
export async function readCsvFile(spec: RecordSpec, file: string, options: CsvOptions = {}): Promise<CsvRead> {
  const checker = new RowChecker(spec, options.maxErrors ?? DEFAULT_MAX_ERRORS);
  const encoding = options.encoding ?? 'utf8';
  const head = readHead(file);
  const delimiter = detectDelimiter(encoding === 'utf8' ? head.toString('utf8') : latin1.decode(head));
  const parser = parseCsv(checker.options(delimiter));
  const flowing = pipeline(createReadStream(file), new DecoderStream(encoding), parser).catch((error) => error);
  let stopped = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      // Rows are left after the bound: stop reading (the pipeline is destroyed), count what was not checked.
      if (checker.full) {
        stopped = true;
        break;
      }
      checker.row(record, info.lines);
    }
  } catch (error) {
    throw checker.parseError(error);
  }
  const failure = await flowing;
  if (!stopped && failure) throw checker.parseError(failure);
  if (!checker.sawHeader) checker.header([]);
  return checker.result(stopped ? checker.stopped(await countFileLines(file)) : undefined);
}

/** The first 64 KiB of a file: enough for any header line. */
function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** Lines of a text: its newlines, and one more when the last line has none. */
function lineCount(buf: Buffer): number {
  return countNewlines(buf) + (buf.length && buf[buf.length - 1] !== 10 ? 1 : 0);
}

async function countFileLines(file: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    lines += countNewlines(chunk);
    last = chunk[chunk.length - 1] ?? last;
  }
  return lines + (last === 10 ? 0 : 1);
}

/** Rows per request of the links' checks: one remote request per batch. */
export const LINK_CHECK_BATCH = 500;

/**
 * The spec's remote checks (`checkLinks`) of the valid rows, one request per batch of LINK_CHECK_BATCH rows, before
 * the transaction: rows naming an unknown link become invalid, with their line. A check that cannot be made
 * refuses the whole import (nothing written).
 */
async function checkLinks(spec: RecordSpec, read: CsvRead, env: NodeJS.ProcessEnv): Promise<CsvRead> {
  if (!spec.checkLinks || read.values.length === 0) return read;
  const values: CsvRead['values'] = [];
  const problems = [...read.problems];
  for (let i = 0; i < read.values.length; i += LINK_CHECK_BATCH) {
    const batch = read.values.slice(i, i + LINK_CHECK_BATCH);
    let found: FieldProblem[][];
    try {
      found = await spec.checkLinks(
        batch.map((v) => v.value),
        env,
      );
    } catch (error) {
      if (!(error instanceof DependencyUnavailable)) throw error;
      throw new ImportRefused(
        `${error.field ?? 'a link'} could not be checked (line ${batch[0]!.line} and after): ${error.message}; nothing was written, retry later`,
        problems,
      );
    }
    batch.forEach((v, j) => {
      const rowProblems = found[j] ?? [];
      if (rowProblems.length) problems.push(...rowProblems.map((p) => ({ ...p, line: v.line })));
      else values.push(v);
    });
  }
  problems.sort((a, b) => a.line - b.line);
  return { values, problems };
}

/** Imports a CSV (text, bytes, or a file read as a stream) into the subgraph's database, in one transaction. */
export async function importCsv<DB>(
  db: Kysely<DB>,
  spec: RecordSpec,
  input: string | Buffer | { file: string },
  options: CsvOptions & {
    validOnly?: boolean;
    dryRun?: boolean;
    progress?: (done: number, total: number) => void;
    /** Derived-rows hook; defaults to the spec's own (`RecordSpec.afterWrite`). */
    afterWrite?: DerivedRowsHook;
    /** Environment of the links' checks (PROGRAMME_URL, HUB_SHARED_SECRET); default process.env. */
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<ImportResult> {
  const read =
    typeof input === 'object' && 'file' in input
      ? await readCsvFile(spec, input.file, options)
      : validateCsv(spec, input, options);
  const { stopped } = read;
  const { values, problems } = read.stopped ? read : await checkLinks(spec, read, options.env ?? process.env);
  const invalid = new Set(problems.map((p) => p.line)).size;
  const rows = values.length + invalid;
  if (stopped) {
    throw new ImportRefused(
      `stopped reading at line ${stopped.line} after ${stopped.maxErrors} invalid rows; the ${stopped.unreadLines} line(s) after it were not checked; nothing was written (fix the file, or raise --max-errors)`,
      problems,
    );
  }
  if (problems.length && !options.validOnly) {
    throw new ImportRefused(
      `${invalid} of ${rows} row(s) are invalid; nothing was written (use --valid-only to import the valid rows only)`,
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
    if (total.inserted || total.updated) {
      const changed = new Set([...total.keys.inserted, ...total.keys.updated]);
      // New rows and, for updates, the rows as they were: both sides' derived data must be refreshed.
      const after = values.filter((v) => changed.has(String(v.value[spec.key]))).map((v) => spec.toRow(v.value));
      await maintainSummaries(trx, spec, { before: total.previous, after });
      const touched = [...after, ...total.previous];
      await afterWrite?.(trx, touched);
      await recordRows(trx, spec, touched);
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
function kindFromHeader(specs: RecordSpec[], file: string, encoding: CsvEncoding): RecordSpec | undefined {
  let header: string[];
  try {
    const head = readHead(file);
    const text = encoding === 'utf8' ? head.toString('utf8').replace(/^\uFEFF/, '') : latin1.decode(head);
    const line = text.split('\n')[0] ?? '';
    header = (parse(line, { delimiter: detectDelimiter(line), trim: true })[0] ?? []) as string[];
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
  const valued = ['--kind', '--encoding', '--max-errors'];
  const [name, file] = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && valued.includes(argv[i - 1]!)));
  if (!name) {
    console.error(
      'usage: npm run import -- <subgraph> <file.csv> [--kind <kind>] [--valid-only] [--dry-run] [--encoding utf8|latin1] [--max-errors N] | <subgraph> --columns',
    );
    return 2;
  }
  const encoding = (option('--encoding') ?? 'utf8') as CsvEncoding;
  if (!ENCODINGS.includes(encoding)) {
    console.error(`--encoding must be one of ${ENCODINGS.join(', ')}, got "${encoding}"`);
    return 2;
  }
  const maxErrors = Number(option('--max-errors') ?? DEFAULT_MAX_ERRORS);
  if (!Number.isInteger(maxErrors) || maxErrors < 1) {
    console.error(`--max-errors must be a positive integer, got "${option('--max-errors')}"`);
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
        ? kindFromHeader(specs, file, encoding)
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
      `${name} / ${spec.kind} — CSV columns (comma or semicolon separated, as the header line is; UTF-8, or --encoding latin1):\n${describeColumns(spec)}`,
    );
    return 0;
  }
  if (!file) {
    console.error('missing the CSV file to import');
    return 2;
  }
  try {
    closeSync(openSync(file, 'r'));
  } catch (error) {
    console.error(`cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  const database = await prepareDatabase(module);
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'importing [{bar}] {percentage}% | {value}/{total} rows' }, Presets.shades_classic)
    : undefined;
  try {
    const result = await importCsv(
      database.db,
      spec,
      { file },
      {
        encoding,
        maxErrors,
        validOnly: flag('--valid-only'),
        dryRun: flag('--dry-run'),
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
      },
    );
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
