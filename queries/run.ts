// `npm run query -- <file.graphql> [--var k=v ...] [--variables '{json}'] [--format json|csv] [--list path]
//                  [--operation Name] [--url http://127.0.0.1:4000/graphql] [--out file] [--bom] [--delimiter ';']`
// Runs an operation against the gateway and prints the response as JSON, or as CSV rows for a spreadsheet.
// Exit codes: 0 ok, 1 GraphQL errors (partial data is still written), 2 bad usage or network/HTTP failure.
import { existsSync, writeFileSync } from 'node:fs';
import { readOperation } from '../gateway/operations.ts';

export const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';

// ---------------------------------------------------------------------------------------------------
// CSV: one row per element of the row list, columns named by dotted paths from `data`.
// ---------------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Separator of the values of a list inside one cell (lists of scalars, or the fields of a list of objects). */
export const LIST_SEPARATOR = '; ';

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isObjectList = (v: Json | undefined): v is Json[] => Array.isArray(v) && v.some(isObject);

/**
 * The path of the row list: from `data`, descend while there is exactly one list of objects below the
 * current level (looking through nested objects, not through other lists). Several candidates at one level
 * stop the descent there, the others becoming cells. `[]` when the data has no list of objects.
 */
export function findRowPath(data: JsonObject): string[] {
  const path: string[] = [];
  let level: JsonObject[] = [data];
  for (;;) {
    const candidates = new Set<string>();
    for (const item of level) for (const p of objectListPaths(item, [])) candidates.add(p.join('.'));
    if (candidates.size !== 1) return path;
    const next = [...candidates][0]!.split('.');
    path.push(...next);
    level = level.flatMap((item) => {
      const v = get(item, next);
      return Array.isArray(v) ? v.filter(isObject) : [];
    });
  }
}

/** The paths (relative to `value`) of the lists of objects reachable through objects only. */
function objectListPaths(value: JsonObject, prefix: string[]): string[][] {
  return Object.entries(value).flatMap(([key, v]) => {
    if (isObjectList(v)) return [[...prefix, key]];
    if (isObject(v)) return objectListPaths(v, [...prefix, key]);
    return [];
  });
}

/** The values at a path, looking into every element of the lists on the way. */
function valuesAt(value: Json | undefined, path: string[]): Json[] {
  if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
  if (!path.length) return value === undefined ? [] : [value];
  return isObject(value) && path[0]! in value ? valuesAt(value[path[0]!], path.slice(1)) : [];
}

function get(value: Json | undefined, path: string[]): Json | undefined {
  let v = value;
  for (const key of path) v = isObject(v) ? v[key] : undefined;
  return v;
}

/** Cells of a value outside the row path: nested objects flattened `a.b`, lists joined with `; `. */
function cells(value: Json | undefined, prefix: string, out: Map<string, string>, skip?: string): void {
  if (prefix === skip) return;
  if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) cells(v, prefix ? `${prefix}.${key}` : key, out, skip);
  } else if (Array.isArray(value)) {
    // One cell per leaf path; the values of the elements joined in list order ('' for a null, so the
    // cells of one list stay aligned: the 2nd code goes with the 2nd name).
    const leaves = new Map<string, string[]>();
    value.forEach((element, index) => {
      const inner = new Map<string, string>();
      if (isObject(element) || Array.isArray(element)) cells(element, prefix, inner);
      else inner.set(prefix, scalar(element));
      for (const [key, v] of inner) {
        const list = leaves.get(key) ?? Array<string>(index).fill('');
        list.length = index;
        list.push(v);
        leaves.set(key, list);
      }
    });
    for (const [key, list] of leaves) {
      list.length = value.length;
      out.set(key, Array.from(list, (v) => v ?? '').join(LIST_SEPARATOR));
    }
    if (!value.length) out.set(prefix, '');
  } else {
    out.set(prefix, scalar(value));
  }
}

function scalar(value: Json | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface Table {
  rowPath: string[];
  columns: string[];
  rows: string[][];
}

/**
 * Flattens GraphQL `data` into a table: one row per element of the list at `rowPath` (default: findRowPath).
 * Scalars of the enclosing objects are repeated on each row; lists of the path nested in one another
 * expand into one row per innermost element, and an empty list keeps its parent as one row with empty cells.
 */
export function toTable(data: JsonObject, rowPath: string[] = findRowPath(data)): Table {
  const rows: Map<string, string>[] = [];
  // Walk the path segment by segment; each list on the way multiplies the rows.
  const walk = (value: Json | undefined, depth: number, prefix: string, row: Map<string, string>) => {
    if (depth === rowPath.length) {
      cells(value, prefix, row);
      rows.push(row);
      return;
    }
    const key = rowPath[depth]!;
    const here = prefix ? `${prefix}.${key}` : key;
    if (!isObject(value)) {
      rows.push(row);
      return;
    }
    // Everything of this object but the branch the path follows.
    const own = new Map(row);
    for (const [k, v] of Object.entries(value)) if (k !== key) cells(v, prefix ? `${prefix}.${k}` : k, own);
    const next = value[key];
    if (Array.isArray(next)) {
      if (!next.length) rows.push(own);
      for (const element of next) walk(element, depth + 1, here, new Map(own));
    } else {
      walk(next, depth + 1, here, own);
    }
  };
  walk(data, 0, '', new Map());
  // Columns in the order of the fields in the response (that is, in the query), not in the order of the walk.
  const order = documentOrder(data);
  const keys = [...new Set(rows.flatMap((row) => [...row.keys()]))];
  // A null object (or an empty list) gives a cell `a`; the non-null ones give `a.b`: keep `a.b` only.
  const columns = keys
    .filter((key) => !keys.some((other) => other.startsWith(`${key}.`)))
    .sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
  return { rowPath, columns, rows: rows.map((row) => columns.map((c) => row.get(c) ?? '')) };
}

/** Dotted paths (list indices left out) in the order they first appear in the data. */
function documentOrder(data: Json): Map<string, number> {
  const order = new Map<string, number>();
  const visit = (value: Json | undefined, prefix: string) => {
    if (prefix && !order.has(prefix)) order.set(prefix, order.size);
    if (Array.isArray(value)) for (const v of value) visit(v, prefix);
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) visit(v, prefix ? `${prefix}.${k}` : k);
  };
  visit(data, '');
  return order;
}

/** RFC 4180: a field is quoted when it holds the delimiter, a quote, CR or LF; quotes are doubled. */
export function csvField(value: string, delimiter = ','): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** CSV text with CRLF line ends (RFC 4180), header first. */
export function toCsv(table: Pick<Table, 'columns' | 'rows'>, delimiter = ','): string {
  return (
    [table.columns, ...table.rows].map((r) => r.map((v) => csvField(v, delimiter)).join(delimiter)).join('\r\n') +
    '\r\n'
  );
}

// ---------------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------------

export class UsageError extends Error {}

export interface QueryOptions {
  file: string;
  vars: [string, string][];
  variables?: string;
  format: 'json' | 'csv';
  list?: string;
  operation?: string;
  url: string;
  out?: string;
  bom: boolean;
  delimiter: string;
  timeoutSeconds: number;
}

const USAGE = `usage: npm run query -- <file.graphql> [options]
  --var name=value       set a variable (value parsed as JSON when it parses, else a string); repeatable
  --variables '{json}'   variables as a JSON object (the file's "# variables:" line < --variables < --var)
  --operation Name       operation to run when the file holds several
  --format json|csv      output format (default json: the whole response)
  --list path.to.list    CSV: the list giving one row per element (default: the deepest unambiguous list)
  --delimiter ';'        CSV: field delimiter (default ","); --bom: start with a UTF-8 BOM for Excel
  --url URL              gateway (default $GATEWAY_URL or ${DEFAULT_URL})
  --out file             write to a file instead of stdout
  --timeout seconds      give up after this long (default 60)
Exit codes: 0 ok, 1 GraphQL errors (partial data still written), 2 bad usage, network or HTTP failure.`;

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): QueryOptions | 'help' {
  const options: Partial<QueryOptions> & { vars: [string, string][] } = {
    vars: [],
    format: 'json',
    bom: false,
    delimiter: ',',
    timeoutSeconds: 60,
  };
  const value = (i: number, name: string) => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case '-h':
      case '--help':
        return 'help';
      case '--var': {
        const pair = value(i++, arg);
        const eq = pair.indexOf('=');
        if (eq < 1) throw new UsageError(`--var expects name=value, got "${pair}"`);
        options.vars.push([pair.slice(0, eq), pair.slice(eq + 1)]);
        break;
      }
      case '--variables':
        options.variables = value(i++, arg);
        break;
      case '--operation':
        options.operation = value(i++, arg);
        break;
      case '--format': {
        const format = value(i++, arg);
        if (format !== 'json' && format !== 'csv')
          throw new UsageError(`--format must be json or csv, got "${format}"`);
        options.format = format;
        break;
      }
      case '--list':
        options.list = value(i++, arg);
        break;
      case '--url':
        options.url = value(i++, arg);
        break;
      case '--out':
        options.out = value(i++, arg);
        break;
      case '--bom':
        options.bom = true;
        break;
      case '--delimiter': {
        const d = value(i++, arg);
        if (d.length !== 1 || /["\r\n]/.test(d))
          throw new UsageError('--delimiter must be one character other than a quote or a line break');
        options.delimiter = d;
        break;
      }
      case '--timeout': {
        const t = Number(value(i++, arg));
        if (!(t > 0)) throw new UsageError('--timeout must be a positive number of seconds');
        options.timeoutSeconds = t;
        break;
      }
      default:
        if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
        if (options.file) throw new UsageError(`one operation file at a time (got "${options.file}" and "${arg}")`);
        options.file = arg;
    }
  }
  if (!options.file) throw new UsageError('which operation? Give a .graphql file, e.g. queries/territories.graphql');
  return { ...options, url: options.url ?? env.GATEWAY_URL ?? DEFAULT_URL } as QueryOptions;
}

/** A --var value: JSON when it parses (`10`, `true`, `null`, `["84"]`), else the string itself (`84` is a number, `"84"` a string). */
export function parseVarValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function buildVariables(
  fileVariables: Record<string, unknown>,
  options: Pick<QueryOptions, 'vars' | 'variables'>,
): Record<string, unknown> {
  let fromJson: Record<string, unknown> = {};
  if (options.variables !== undefined) {
    try {
      fromJson = JSON.parse(options.variables);
    } catch (error) {
      throw new UsageError(`--variables is not valid JSON: ${(error as Error).message}`);
    }
    if (!fromJson || typeof fromJson !== 'object' || Array.isArray(fromJson))
      throw new UsageError('--variables must be a JSON object');
  }
  return { ...fileVariables, ...fromJson, ...Object.fromEntries(options.vars.map(([k, v]) => [k, parseVarValue(v)])) };
}

interface GraphQLResponse {
  data?: JsonObject | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export async function run(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const fail = (message: string, code: number) => {
    io.stderr.write(`query: ${message}\n`);
    return code;
  };
  let options: QueryOptions;
  let operation: ReturnType<typeof readOperation>;
  let variables: Record<string, unknown>;
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    options = parsed;
    if (!existsSync(options.file)) throw new UsageError(`operation file not found: ${options.file}`);
    operation = readOperation(options.file);
    variables = buildVariables(operation.variables, options);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\n\n${USAGE}`, 2);
    return fail((error as Error).message, 2);
  }

  let response: Response;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: operation.query, variables, operationName: options.operation }),
      signal: AbortSignal.timeout(options.timeoutSeconds * 1000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${options.timeoutSeconds} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    return fail(
      `cannot reach the gateway at ${options.url} (${why}). Is it running (\`npm start\`)? Set --url or GATEWAY_URL.`,
      2,
    );
  }
  const text = await response.text();
  let body: GraphQLResponse;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(
      `the gateway at ${options.url} answered HTTP ${response.status} with a non-GraphQL body: ${text.slice(0, 200)}`,
      2,
    );
  }
  if (typeof body !== 'object' || body === null || (!('data' in body) && !('errors' in body))) {
    return fail(`the gateway at ${options.url} answered HTTP ${response.status} without data nor errors`, 2);
  }

  // Output: the data as far as it goes, even with errors.
  let output: string | undefined;
  if (options.format === 'json') {
    output = `${JSON.stringify(body, null, 2)}\n`;
  } else if (body.data) {
    let rowPath: string[] | undefined;
    if (options.list) {
      rowPath = options.list.split('.');
      const missing = rowPath.findIndex((_, i) => !valuesAt(body.data!, rowPath!.slice(0, i + 1)).length);
      if (missing >= 0)
        return fail(`--list ${options.list}: the response data has no "${rowPath.slice(0, missing + 1).join('.')}"`, 2);
    }
    const table = toTable(body.data, rowPath);
    if (!options.list)
      io.stderr.write(
        `query: ${table.rows.length} row(s), one per ${table.rowPath.length ? table.rowPath.join('.') : 'response'} (choose another list with --list)\n`,
      );
    output = (options.bom ? '\uFEFF' : '') + toCsv(table, options.delimiter);
  }
  if (output !== undefined) {
    if (options.out) writeFileSync(options.out, output);
    else io.stdout.write(output);
  }

  if (body.errors?.length) {
    io.stderr.write(`query: ${body.errors.length} GraphQL error(s)${body.data ? ' (partial data written)' : ''}:\n`);
    for (const e of body.errors) {
      const code = e.extensions?.code ? ` [${e.extensions.code}]` : '';
      io.stderr.write(`  ${e.path?.length ? `at ${e.path.join('.')}: ` : ''}${e.message}${code}\n`);
    }
    return 1;
  }
  if (!response.ok) return fail(`the gateway answered HTTP ${response.status}`, 2);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await run(process.argv.slice(2));
}
