// The one table of error codes a client can see, and the one factory that makes them (after graphql-yoga's
// error.ts): codes are a closed set, extensions are typed, so the same fault gives the same answer everywhere.
// The table is documented in schema/CONVENTIONS.md ("Error codes"); keep both in step.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Every code a client can see, with what it means. Codes marked `gateway` are raised by the gateway only. */
export const ERROR_CODES = {
  BAD_USER_INPUT: 'An argument or input field is wrong; `argumentName` or `fields` say which and why.',
  NOT_FOUND: 'The record or entity named by an argument does not exist.',
  CONFLICT: 'A create sent other values for an existing natural key (use the update mutation).',
  UNAUTHENTICATED: 'No token, or a token that does not verify (expired, bad signature, bad claims).',
  FORBIDDEN: 'The token is valid but may not do this: other owner, missing scope, or a sample record.',
  REQUEST_TIMEOUT:
    'The request (or a write, within WRITE_DEADLINE_MS) did not finish in time; a write was rolled back.',
  PAGE_SIZE_LIMIT: 'gateway: a list asks for more items than allowed.',
  COST_LIMIT_EXCEEDED: 'gateway: the operation is estimated too costly.',
  SUBGRAPH_UNAVAILABLE: 'gateway: a subgraph did not answer (down, timeout, bad answer); `serviceName` names it.',
  PAYLOAD_TOO_LARGE: 'The request body is too large (HTTP 413).',
  NOT_READY: 'A subgraph is up but its database is not (yet) reachable (HTTP 503); retry later.',
  DEPENDENCY_UNAVAILABLE:
    'A write needed another subgraph to check a reference (e.g. the programme for an action sheet) and could not reach it; nothing was written, retry later.',
  GRAPHQL_PARSE_FAILED: 'The operation is not valid GraphQL syntax.',
  GRAPHQL_VALIDATION_FAILED: 'The operation does not match the schema.',
  BAD_REQUEST: 'The HTTP request is malformed (method, content type, body).',
  PERSISTED_QUERY_NOT_FOUND: 'Apollo: unknown persisted query hash.',
  PERSISTED_QUERY_NOT_SUPPORTED: 'Apollo: persisted queries are off.',
  PERSISTED_QUERY_HASH_MISMATCH: 'The persisted query hash is not the SHA-256 of the query sent.',
  OPERATION_RESOLUTION_FAILURE: 'Apollo: the operation name does not match an operation of the document.',
  INTERNAL_SERVER_ERROR: 'Anything else: a bug; the message is hidden in production.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem of one field of a record input (or CSV row). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The extensions a client may rely on; nothing else is sent in production. */
export interface ErrorExtensions {
  /** The argument that was wrong (`first`, `after`, `service`…). */
  argumentName?: string;
  /** The input field that was wrong (natural key on CONFLICT, NOT_FOUND, FORBIDDEN of a record). */
  field?: string;
  /** Every problem of a record input, field by field. */
  fields?: FieldProblem[];
  /** The subgraph that failed (gateway). */
  serviceName?: string;
  limit?: number;
  cost?: number;
  /** CSV line of a problem. */
  line?: number;
  /** HTTP status Apollo Server should answer with. */
  http?: { status: number };
}

const SAFE_EXTENSIONS = ['code', 'argumentName', 'serviceName', 'limit', 'cost', 'field', 'fields', 'line'] as const;

/** The one factory of client errors. */
export function clientError(code: ErrorCode, message: string, extensions: ErrorExtensions = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export function badInput(argumentName: string, message: string): GraphQLError {
  return clientError('BAD_USER_INPUT', `${argumentName}: ${message}`, { argumentName });
}

/** Another subgraph could not answer a check or a read that needs it (thrown by a RecordSpec's `checkLinks`…). */
export class DependencyUnavailable extends Error {
  constructor(
    message: string,
    /** The input field whose value could not be checked. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The client's view of a DependencyUnavailable: for a write, refused and nothing written. */
export function dependencyUnavailable(error: DependencyUnavailable, write = true): GraphQLError {
  const what = error.field ? `${error.field} could not be checked` : 'a subgraph this answer needs could not answer';
  return clientError(
    'DEPENDENCY_UNAVAILABLE',
    `${what}${write ? ', so nothing was written' : ''}: ${error.message}; retry later`,
    error.field ? { field: error.field } : {},
  );
}

export function notFound(what: string, argumentName: string): GraphQLError {
  return clientError('NOT_FOUND', `${what} not found`, { argumentName });
}

/** Codes whose message is written for the caller and is safe to show in production. */
const CLIENT_CODES = new Set<string>(Object.keys(ERROR_CODES).filter((c) => c !== 'INTERNAL_SERVER_ERROR'));

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
  return (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
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
