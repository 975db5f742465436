// Filters of record pages, declared once per record kind (RecordSpec.filters) and turned into SQL here
// only: validation of the arguments (same rule, same code in every operator) and the WHERE clauses.
import { sql, type RawBuilder } from 'kysely';
import { badInput } from './errors.ts';

export type FilterSpec =
  /** `column = value`; `values`: the closed set allowed (an unknown value is BAD_USER_INPUT quoting the set). */
  | {
      kind: 'equals';
      column: string;
      type: 'string';
      values?: () => readonly string[];
      /** An open set's form (e.g. a country code), and what it means for the message. */
      pattern?: RegExp;
      patternHint?: string;
    }
  | { kind: 'equals'; column: string; type: 'integer'; min?: number; max?: number }
  /** Inclusive bound on a numeric column (≥ 0); `atLeast`: the filter this one may not be below. */
  | { kind: 'min' | 'max'; column: string; atLeast?: string }
  /** `column in (select key from table where match = value)`, e.g. the services of an axis. */
  | { kind: 'via'; column: string; table: string; key: string; match: string };

export type FilterValue = string | number | null;
/** Validated filter values by argument name (absent arguments are null): also the batching key. */
export type FilterValues = Record<string, FilterValue>;

/** Validates the filter arguments of a page against their declarations. */
export function validateFilters(specs: Record<string, FilterSpec>, args: Record<string, unknown>): FilterValues {
  const values: FilterValues = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = args[name];
    if (raw === undefined || raw === null) {
      values[name] = null;
      continue;
    }
    if (spec.kind === 'equals' && spec.type === 'integer') {
      const n = Number(raw);
      if (!Number.isInteger(n) || (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max))
        throw badInput(name, `must be between ${spec.min ?? '…'} and ${spec.max ?? '…'} (got ${String(raw)})`);
      values[name] = n;
    } else if (spec.kind === 'min' || spec.kind === 'max') {
      const n = Number(raw);
      if (typeof raw !== 'number' || !Number.isFinite(n) || n < 0)
        throw badInput(name, `must be a non-negative number (got ${String(raw)})`);
      values[name] = n;
    } else {
      const text = String(raw);
      const allowed = spec.kind === 'equals' && spec.type === 'string' ? spec.values?.() : undefined;
      if (allowed && !allowed.includes(text))
        throw badInput(name, `unknown ${name} "${text.slice(0, 60)}" (expected one of ${allowed.join(', ')})`);
      if (spec.kind === 'equals' && spec.type === 'string' && spec.pattern && !spec.pattern.test(text))
        throw badInput(name, `"${text.slice(0, 60)}" is not ${spec.patternHint ?? `matching ${spec.pattern}`}`);
      values[name] = text;
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    if ((spec.kind === 'min' || spec.kind === 'max') && spec.atLeast) {
      const low = values[spec.atLeast];
      const high = values[name];
      if (low != null && high != null && Number(high) < Number(low))
        throw badInput(name, `must be greater than or equal to ${spec.atLeast} (${low} > ${high})`);
    }
  }
  return values;
}

/** The SQL conditions of validated filters on the table aliased `alias`. */
export function filterConditions(
  specs: Record<string, FilterSpec>,
  values: FilterValues,
  alias: string,
): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const value = values[name];
    if (value === null || value === undefined) continue;
    const column = sql.ref(`${alias}.${spec.column}`);
    if (spec.kind === 'equals') conditions.push(sql`${column} = ${value}`);
    else if (spec.kind === 'min') conditions.push(sql`${column} >= ${value}`);
    else if (spec.kind === 'max') conditions.push(sql`${column} <= ${value}`);
    else if (spec.kind === 'via')
      conditions.push(
        sql`${column} in (select ${sql.ref(spec.key)} from ${sql.table(spec.table)} where ${sql.ref(spec.match)} = ${value})`,
      );
  }
  return conditions;
}
