// The record kit's declaration: an operator declares each record kind once (table, fields and their
// validation, natural key, ownership, filters, order, hooks) and the kit does the rest: mutations
// (writes.ts), CSV import (import.ts), filtered keyset pages batched per request (loaders.ts).
// Shared by every path so that a row accepted by the import is exactly a record accepted by the API.
import type { GraphQLError } from 'graphql';
import type { Kysely } from 'kysely';
import type { Identity } from './auth.ts';
import type { OrderColumnType } from './cursors.ts';
import { insertMany } from './database.ts';
import { clientError, type FieldProblem } from './errors.ts';
import type { FilterSpec } from './filters.ts';
import { sirenChecksumOk } from './identifiers.ts';
import type { SummarySpec } from './summaries.ts';

export type { FieldProblem } from './errors.ts';

/** Rows as the kit sees them: any table, columns by name. Operators keep their typed tables (db.ts). */
export type Row = Record<string, unknown>;
/** The database type the kit's generic SQL is written against (tables known only at run time). */
export type KitDB = Record<string, Row>;

export type FieldType =
  | 'string'
  | 'integer'
  | 'number'
  | 'date'
  | 'month'
  | 'boolean'
  | 'siren'
  | { enum: readonly string[] }
  /**
   * A list of strings or enum values: an array in GraphQL, `A;B` in a CSV cell. The value is a string array (duplicates
   * dropped, order kept); `maxLength` bounds each item, `max` the number of items. Items cannot contain `;`.
   */
  | { list: 'string' | { enum: readonly string[] } };

export interface FieldSpec {
  /** Name in GraphQL inputs and CSV headers. */
  name: string;
  /** Database column (default: `name` in snake_case). */
  column?: string;
  type: FieldType;
  required: boolean;
  description: string;
  min?: number;
  max?: number;
  maxLength?: number;
  pattern?: RegExp;
  /** What `pattern` means, for the error message. */
  patternHint?: string;
}

/**
 * Who may write a record kind: a rule over (caller identity, row), not an operator name, so that a territory's
 * team can later own its own rows (a `territory` claim) without changing the kit.
 */
export interface OwnershipRule {
  /** Scope the token needs, e.g. `financing:write`. */
  scope: string;
  /** Who writes these records, for messages (e.g. `BPIFRANCE`). */
  writers: string;
  /** What a token must carry to write, for the UNAUTHENTICATED message (default: `operator <writers>`). */
  tokenHint?: string;
  /** Whether the caller may write records of this kind at all; checked before any SQL. */
  mayWrite: (identity: Identity) => boolean;
  /** Whether the caller owns this row: checked on the stored row (update, delete) and on the row written. */
  owns: (identity: Identity, row: Row) => boolean;
}

/** The usual rule of an operator's records: it writes the ones it declared; the sample (origin SAMPLE) is nobody's. */
export function operatorOwnership(operator: string, scope: string): OwnershipRule {
  return {
    scope,
    writers: operator,
    mayWrite: (identity) => identity.operator === operator,
    owns: (identity, row) => identity.operator === operator && row.origin === 'OPERATOR',
  };
}

/** One column of the stable order of a record kind's pages (keyset cursors carry these values). */
export interface OrderColumn {
  column: string;
  type: OrderColumnType;
  /** Descending (e.g. most recent first); default ascending. */
  descending?: true;
}

/** Refreshes rows derived from the records (summary tables…) in the write's own transaction. */
export type DerivedRowsHook = (trx: Kysely<KitDB>, rows: Row[]) => Promise<void>;

export interface RecordSpec {
  /** Record kind, e.g. `financing`; the import's `--kind`. */
  kind: string;
  table: string;
  /** Natural key field (unique per operator), e.g. `reference`. */
  key: string;
  fields: FieldSpec[];
  /**
   * Referential and cross-field checks on a typed value (unknown territory, service of another operator…).
   * Runs even when some fields have type errors (those fields are then absent from `value`), so that every
   * problem of a row is reported at once.
   */
  check?: (value: Row) => FieldProblem[];
  /**
   * The `check` copes with absent fields, so it runs even when the row has type errors. Every kind on the kit sets it;
   * it becomes the only behaviour (and goes) when the last operator is migrated.
   */
  checkIncomplete?: true;
  /**
   * Checks of references held by another subgraph (an action sheet of the programme), for a batch of validated
   * values: one remote request per batch, run BEFORE the write's transaction (no HTTP while holding a lock). One list
   * of problems per value, reported with the `check`'s. Throws DependencyUnavailable (errors.ts) when
   * the other subgraph cannot answer: the write is then refused (DEPENDENCY_UNAVAILABLE), nothing written.
   */
  checkLinks?: (values: Row[], env: NodeJS.ProcessEnv) => Promise<FieldProblem[][]>;
  /** The fields `checkLinks` depends on: an update touching none of them keeps its checked link unchecked. */
  linkFields?: readonly string[];
  /** Database row of a validated value: adds derived columns (year, phase, region…, `origin`). */
  toRow: (value: Row) => Row;
  /** Who may write: a rule over the caller's identity and the stored row. */
  owner?: OwnershipRule;
  /** Keys reserved to generated sample records: writing one is FORBIDDEN (message says why). */
  reservedKey?: (key: string) => string | undefined;
  /** Column grouping the records of one territory (the pages' partition), e.g. `territory_id`. */
  territoryColumn?: string;
  /** Stable order of pages, unique: e.g. date then reference. */
  order?: OrderColumn[];
  /** The filters `pages` accept, by argument name; turned into SQL in filters.ts only. */
  filters?: Record<string, FilterSpec>;
  /** Same-transaction hook after every create, update, delete and import (rows before and after). */
  afterWrite?: DerivedRowsHook;
  /**
   * The figures kept per group (territory, service, region, phase…) in the kit's summary tables, maintained by every
   * write and import in its own transaction (runtime/summaries.ts): totals are read from them, never re-aggregated.
   */
  summary?: SummarySpec;
  /** Sample records of this kind at a scale factor (rows for `table`), for the subgraph's load. */
  sample?: (scale: number) => Row[];
}

/** The database column of the natural key. */
export function keyColumnOf(spec: RecordSpec): string {
  return columnOf(spec.fields.find((f) => f.name === spec.key)!);
}

export const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const columnOf = (field: FieldSpec) => field.column ?? snake(field.name);
const MAX_STRING = 500;

function typeName(type: FieldType): string {
  if (typeof type === 'string') return type;
  if ('enum' in type) return `one of ${type.enum.join(', ')}`;
  return `list separated by ";" of ${typeof type.list === 'string' ? type.list : `values among ${type.list.enum.join(', ')}`}`;
}

/** The items of a list value: an array (GraphQL), or text split on `;` (a CSV cell, or the stored `;A;B;`). */
function listItems(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  return String(raw)
    .split(';')
    .map((item) => item.trim())
    .filter(Boolean);
}

function coerceList(field: FieldSpec, type: { list: 'string' | { enum: readonly string[] } }, raw: unknown) {
  const items = listItems(raw);
  if (field.max !== undefined && items.length > field.max)
    return { problem: `has ${items.length} items; at most ${field.max} allowed` };
  const value: string[] = [];
  for (const [i, raw] of items.entries()) {
    const item = typeof raw === 'string' ? raw.trim() : String(raw);
    if (typeof type.list === 'object') {
      if (!type.list.enum.includes(item))
        return { problem: `item ${i + 1} "${item.slice(0, 40)}" is not one of ${type.list.enum.join(', ')}` };
    } else {
      const max = field.maxLength ?? MAX_STRING;
      if (!item) return { problem: `item ${i + 1} is empty` };
      if (item.includes(';')) return { problem: `item ${i + 1} contains ";", the list separator` };
      if (item.length > max)
        return { problem: `item ${i + 1} is ${item.length} characters long; at most ${max} allowed` };
    }
    if (!value.includes(item)) value.push(item);
  }
  return { value };
}

/** Coerces one value (a CSV string or a GraphQL input value) to the field's type. */
function coerce(field: FieldSpec, raw: unknown): { value?: unknown; problem?: string } {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  const type = field.type;
  if (typeof type === 'object' && 'list' in type) return coerceList(field, type, raw);
  if (typeof type === 'object') {
    const value = String(text);
    return type.enum.includes(value) ? { value } : { problem: `"${value.slice(0, 40)}" is not ${typeName(type)}` };
  }
  switch (type) {
    case 'string': {
      const value = String(text);
      const max = field.maxLength ?? MAX_STRING;
      if (value.length > max) return { problem: `is ${value.length} characters long; at most ${max} allowed` };
      if (field.pattern && !field.pattern.test(value))
        return { problem: `"${value.slice(0, 40)}" is not ${field.patternHint ?? `matching ${field.pattern}`}` };
      return { value };
    }
    case 'siren':
      return /^\d{9}$/.test(String(text)) && sirenChecksumOk(String(text))
        ? { value: String(text) }
        : { problem: `"${String(text).slice(0, 40)}" is not a valid SIREN (9 digits with a valid checksum)` };
    case 'integer': {
      const value = typeof text === 'number' ? text : /^-?\d+$/.test(String(text)) ? Number(text) : NaN;
      if (!Number.isSafeInteger(value)) return { problem: `"${String(text).slice(0, 40)}" is not an integer` };
      return range(field, value);
    }
    case 'number': {
      // French exports write decimals with a comma.
      const value =
        typeof text === 'number'
          ? text
          : /^-?\d+([.,]\d+)?$/.test(String(text))
            ? Number(String(text).replace(',', '.'))
            : NaN;
      if (!Number.isFinite(value)) return { problem: `"${String(text).slice(0, 40)}" is not a number` };
      return range(field, value);
    }
    case 'boolean': {
      const value = String(text).toLowerCase();
      if (['true', '1', 'oui', 'yes'].includes(value)) return { value: true };
      if (['false', '0', 'non', 'no'].includes(value)) return { value: false };
      return { problem: `"${value.slice(0, 40)}" is not a boolean (true/false)` };
    }
    case 'date': {
      const value = String(text);
      const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
      if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
        return { problem: `"${value.slice(0, 40)}" is not a date (YYYY-MM-DD)` };
      const year = date.getUTCFullYear();
      if ((field.min !== undefined && year < field.min) || (field.max !== undefined && year > field.max)) {
        return { problem: `${value} is outside the years ${field.min ?? '…'}–${field.max ?? '…'}` };
      }
      return { value };
    }
    case 'month': {
      const value = String(text);
      return /^\d{4}-(0[1-9]|1[0-2])$/.test(value)
        ? { value }
        : { problem: `"${value.slice(0, 40)}" is not a month (YYYY-MM)` };
    }
  }
}

function range(field: FieldSpec, value: number): { value?: number; problem?: string } {
  if (field.min !== undefined && value < field.min) return { problem: `${value} is below the minimum of ${field.min}` };
  if (field.max !== undefined && value > field.max) return { problem: `${value} is above the maximum of ${field.max}` };
  return { value };
}

const isList = (field: FieldSpec) => typeof field.type === 'object' && 'list' in field.type;
/** No value: absent, blank, or an empty list (`[]`, or a cell of separators only). */
const isEmpty = (v: unknown, field: FieldSpec) =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && (isList(field) ? v.replace(/;/g, '') : v).trim() === '') ||
  (Array.isArray(v) && v.length === 0);

/**
 * Validates a whole record (or, with `partial`, only the fields given, for updates).
 * Every problem is reported, field by field.
 */
export function validateRecord(
  spec: RecordSpec,
  input: Record<string, unknown>,
  options: { partial?: boolean } = {},
): { value: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const value: Record<string, unknown> = {};
  const known = new Set(spec.fields.map((f) => f.name));
  for (const name of Object.keys(input))
    if (!known.has(name)) problems.push({ field: name, message: `unknown field; expected ${[...known].join(', ')}` });
  for (const field of spec.fields) {
    const raw = input[field.name];
    if (isEmpty(raw, field)) {
      if (field.required && !(options.partial && !(field.name in input)))
        problems.push({ field: field.name, message: 'is required' });
      else if (field.name in input) value[field.name] = null;
      continue;
    }
    const { value: coerced, problem } = coerce(field, raw);
    if (problem) problems.push({ field: field.name, message: problem });
    else value[field.name] = coerced;
  }
  const reserved = typeof value[spec.key] === 'string' ? spec.reservedKey?.(value[spec.key] as string) : undefined;
  if (reserved) problems.push({ field: spec.key, message: `"${String(value[spec.key])}" ${reserved}` });
  if (!options.partial && spec.check && (spec.checkIncomplete || problems.length === 0)) {
    // Type and referential problems together; a field already wrong is not reported twice.
    const wrong = new Set(problems.map((p) => p.field));
    problems.push(...spec.check(value).filter((p) => !wrong.has(p.field)));
  }
  return { value, problems };
}

export function validationError(spec: RecordSpec, problems: FieldProblem[]): GraphQLError {
  const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return clientError('BAD_USER_INPUT', `invalid ${spec.kind}: ${summary}`, { fields: problems });
}

/** Columns compared to decide whether an existing record changes. */
export function sameRow(existing: Record<string, unknown>, row: Record<string, unknown>): boolean {
  return Object.entries(row).every(([column, value]) => {
    const current = existing[column];
    if (typeof value === 'boolean') return Boolean(current) === value; // SQLite stores booleans as 0/1
    if (typeof value === 'number' || typeof current === 'number') return Number(current) === Number(value);
    return (current ?? null) === (value ?? null);
  });
}

export interface UpsertReport {
  inserted: number;
  updated: number;
  unchanged: number;
  keys: { inserted: string[]; updated: string[] };
  /** The rows as they were before an update (a record may move out of a territory: its aggregates need refreshing too). */
  previous: Record<string, unknown>[];
}

/**
 * Inserts or updates records by natural key, inside the caller's transaction: existing rows are read in
 * batches (one statement per 500 keys), new ones inserted in bulk, changed ones updated one by one.
 * Running it twice with the same values changes nothing the second time.
 */
export async function upsertRecords(
  trx: Kysely<KitDB>,
  spec: RecordSpec,
  values: Record<string, unknown>[],
): Promise<UpsertReport> {
  const keyColumn = columnOf(spec.fields.find((f) => f.name === spec.key)!);
  const rows = values.map((v) => spec.toRow(v));
  const existing = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < rows.length; i += 500) {
    const keys = rows.slice(i, i + 500).map((r) => String(r[keyColumn]));
    for (const row of await trx.selectFrom(spec.table).selectAll().where(keyColumn, 'in', keys).execute()) {
      existing.set(String((row as Record<string, unknown>)[keyColumn]), row as Record<string, unknown>);
    }
  }
  const report: UpsertReport = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    keys: { inserted: [], updated: [] },
    previous: [],
  };
  const toInsert: Record<string, unknown>[] = [];
  for (const row of rows) {
    const key = String(row[keyColumn]);
    const current = existing.get(key);
    if (!current) {
      toInsert.push(row);
      report.keys.inserted.push(key);
    } else if (sameRow(current, row)) {
      report.unchanged++;
    } else {
      await trx.updateTable(spec.table).set(row).where(keyColumn, '=', key).execute();
      report.updated++;
      report.keys.updated.push(key);
      report.previous.push(current);
    }
  }
  await insertMany(trx, spec.table, toInsert);
  report.inserted = toInsert.length;
  return report;
}

/** Deletes one record by natural key; false when it did not exist (deleting twice is harmless). */
export async function deleteRecord(trx: Kysely<KitDB>, spec: RecordSpec, key: string): Promise<boolean> {
  const keyColumn = columnOf(spec.fields.find((f) => f.name === spec.key)!);
  const result = await trx.deleteFrom(spec.table).where(keyColumn, '=', key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The expected CSV columns of a record kind, for `npm run import -- <subgraph> --columns` and the README. */
export function describeColumns(spec: RecordSpec): string {
  return spec.fields
    .map((f) => `${f.name}${f.required ? '' : ' (optional)'}: ${typeName(f.type)} — ${f.description}`)
    .join('\n');
}
