// Page sizes and opaque keyset cursors. A keyset cursor carries the values of the record's stable order
// (e.g. date then reference) of the last item of a page: the next page starts strictly after them, so no
// stored position and no renumbering is needed, and a write elsewhere never shifts a page.
import { badInput } from './errors.ts';

export const MAX_PAGE_SIZE = Number(process.env.MAX_PAGE_SIZE ?? 200);

/** Validates `first` (1…MAX_PAGE_SIZE). */
export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput('first', `must be between 1 and ${MAX_PAGE_SIZE} (got ${size})`);
  }
  return size;
}

/** Type of one column of an order: what a decoded cursor value must be. */
export type OrderColumnType = 'string' | 'integer' | 'number';
export type CursorValue = string | number;

const PREFIX = 'k1:';
/** SQL integer columns are int4 on PostgreSQL: a larger value would be a database error, not a clear answer. */
const INT4_MAX = 2_147_483_647;
const MAX_STRING = 200;

/** The cursor of a row: its values of the order's columns. */
export function encodeKeyset(values: CursorValue[]): string {
  return Buffer.from(PREFIX + JSON.stringify(values)).toString('base64url');
}

/**
 * Decodes `after` against the order's column types; null when absent. Anything else than a cursor this API
 * handed out (garbage, another order's cursor, an overflowing number) is BAD_USER_INPUT naming the argument.
 */
export function decodeKeyset(
  after: string | null | undefined,
  types: readonly OrderColumnType[],
  argumentName = 'after',
): CursorValue[] | null {
  if (after == null) return null;
  const refuse = (why: string) =>
    badInput(
      argumentName,
      `"${after.slice(0, 40)}" is not a cursor returned by this API (${why}; use pageInfo.endCursor)`,
    );
  const text = after.length <= 1000 ? Buffer.from(after, 'base64url').toString('utf8') : '';
  if (!text.startsWith(PREFIX)) throw refuse('unknown format');
  let values: unknown;
  try {
    values = JSON.parse(text.slice(PREFIX.length));
  } catch {
    throw refuse('unreadable');
  }
  if (!Array.isArray(values) || values.length !== types.length) throw refuse('wrong shape');
  types.forEach((type, i) => {
    const value: unknown = values[i];
    const ok =
      type === 'string'
        ? typeof value === 'string' && value.length <= MAX_STRING
        : type === 'integer'
          ? Number.isSafeInteger(value) && Math.abs(value as number) <= INT4_MAX
          : typeof value === 'number' && Number.isFinite(value);
    if (!ok) throw refuse(`value ${i + 1} is out of range or of the wrong type`);
  });
  return values as CursorValue[];
}
