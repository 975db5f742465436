// Client errors carry a code and say which argument was wrong.
import { GraphQLError } from 'graphql';

export function badInput(argumentName: string, message: string): GraphQLError {
  return new GraphQLError(`${argumentName}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
}

export function notFound(what: string, argumentName: string): GraphQLError {
  return new GraphQLError(`${what} not found`, { extensions: { code: 'NOT_FOUND', argumentName } });
}

export const MAX_PAGE_SIZE = Number(process.env.MAX_PAGE_SIZE ?? 200);

/** Validates `first` (1…MAX_PAGE_SIZE). */
export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput('first', `must be between 1 and ${MAX_PAGE_SIZE} (got ${size})`);
  }
  return size;
}

/** Opaque cursors wrap a non-negative integer position. */
export function encodeCursor(position: number): string {
  return Buffer.from(`pos:${position}`).toString('base64url');
}

export function decodeCursor(after: string | null | undefined): number {
  if (after == null) return -1;
  const match = /^pos:(\d{1,12})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!match)
    throw badInput('after', `"${after.slice(0, 40)}" is not a cursor returned by this API (use pageInfo.endCursor)`);
  return Number(match[1]);
}

/** SIREN: 9 digits with a valid Luhn checksum (La Poste's 356000000 is the one documented exception). */
export function checkSiren(siren: string, argumentName = 'siren'): string {
  if (!/^\d{9}$/.test(siren))
    throw badInput(argumentName, `"${siren.slice(0, 40)}" is not a SIREN (9 digits expected)`);
  if (!sirenChecksumOk(siren)) throw badInput(argumentName, `"${siren}" is not a valid SIREN (checksum fails)`);
  return siren;
}

/** Luhn checksum of a 9-digit SIREN; La Poste's 356000000 is the documented exception. */
export function sirenChecksumOk(digits: string): boolean {
  if (digits === '356000000') return true;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** INSEE commune code: 5 digits, or 2A/2B + 3 digits (Corsica). */
export function checkInsee(code: string, argumentName = 'insee'): string {
  if (!/^(\d{5}|2[AB]\d{3})$/.test(code))
    throw badInput(
      argumentName,
      `"${code.slice(0, 40)}" is not an INSEE commune code (5 characters, e.g. 69123 or 2A004)`,
    );
  return code;
}

export function checkDepartmentCode(code: string, argumentName = 'department'): string {
  if (!/^(\d{2}|2[AB]|97\d)$/.test(code))
    throw badInput(argumentName, `"${code.slice(0, 40)}" is not an INSEE department code (e.g. 01, 2A, 974)`);
  return code;
}

export function checkRegionCode(code: string, argumentName = 'region'): string {
  if (!/^\d{2}$/.test(code))
    throw badInput(argumentName, `"${code.slice(0, 40)}" is not an INSEE region code (2 digits, e.g. 84)`);
  return code;
}

/** Codes whose message is written for the caller and is safe to show in production. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'COST_LIMIT_EXCEEDED',
  'PAGE_SIZE_LIMIT',
  'SUBGRAPH_UNAVAILABLE',
  'REQUEST_TIMEOUT',
  'PAYLOAD_TOO_LARGE',
  'CONFLICT',
  'INTROSPECTION_DISABLED',
]);
const SAFE_EXTENSIONS = ['code', 'argumentName', 'serviceName', 'limit', 'cost', 'field', 'fields', 'line'];

/** Drivers' errors (better-sqlite3, pg) quote tables, columns and sometimes the statement. */
function isDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const fields = error as Error & { severity?: unknown; routine?: unknown };
  return error.name === 'SqliteError' || (typeof fields.severity === 'string' && typeof fields.routine === 'string');
}

/** SQL or driver text in an error another process sent (an unmasked subgraph behind the gateway). */
const SQL_TEXT =
  /\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\bupdate\b[\s\S]*\bset\b|\bdelete\s+from\b|SQLITE_|no such (table|column)|relation "[^"]*" does not exist|syntax error at or near/i;

/** Apollo Server's own message for an APQ hash that does not match its query (it gives it no code). */
const APQ_HASH_MISMATCH = 'provided sha does not match query';

/**
 * Apollo `formatError`. In every mode, database errors lose their text (the server logs it): clients
 * never see SQL. In production, keeps the code and the caller-facing message of client errors,
 * replaces any other message (stack, internals) by a generic one.
 */
export function formatError(hideInternals: boolean) {
  return (
    formatted: import('graphql').GraphQLFormattedError,
    error?: unknown,
  ): import('graphql').GraphQLFormattedError => {
    if (formatted.message === APQ_HASH_MISMATCH && !formatted.extensions?.code?.toString().startsWith('PERSISTED')) {
      return {
        message: 'the persisted query hash (extensions.persistedQuery.sha256Hash) is not the SHA-256 of the query sent',
        extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' },
      };
    }
    const original = (error as { originalError?: unknown } | undefined)?.originalError;
    const clientCode = CLIENT_CODES.has(String(formatted.extensions?.code));
    if (isDatabaseError(original) || (!clientCode && SQL_TEXT.test(formatted.message))) {
      if (isDatabaseError(original)) console.error('database error:', original);
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      formatted = {
        ...formatted,
        message: `Internal server error: a database error (details in the ${typeof extensions.serviceName === 'string' ? `"${extensions.serviceName}" subgraph's` : "server's"} log)`,
        extensions: { ...extensions, code: 'INTERNAL_SERVER_ERROR' },
      };
    }
    if (!hideInternals) return formatted;
    const code = String(formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    const extensions = Object.fromEntries(
      SAFE_EXTENSIONS.filter((k) => formatted.extensions?.[k] !== undefined).map((k) => [k, formatted.extensions![k]]),
    );
    const message =
      CLIENT_CODES.has(code) ||
      formatted.message.startsWith('Syntax Error') ||
      /limit of \d+ exceeded/.test(formatted.message)
        ? formatted.message
        : `Internal server error${typeof formatted.extensions?.serviceName === 'string' ? ` in subgraph "${formatted.extensions.serviceName}"` : ''}`;
    return {
      message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { ...extensions, code },
    };
  };
}
