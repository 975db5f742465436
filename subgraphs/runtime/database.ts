// One place where SQLite and PostgreSQL differ: connection, schema scoping, number parsing.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/** Whether a Kysely handle (a transaction too) talks to PostgreSQL, for the statements that differ. */
export function isPostgres<DB>(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export interface Database<DB> {
  db: Kysely<DB>;
  dialect: DialectName;
  /** Statements sent to the database since opening (tests and benchmarks count them). */
  stats: { statements: number };
  /** PostgreSQL schema holding this subgraph's tables (undefined on SQLite). */
  schema?: string;
  describe: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Subgraph name: default file `.data/<name>.sqlite`, default PostgreSQL schema `<name>` (`-` → `_`). */
  name: string;
  /** `postgres://…`, `sqlite:<path>`, `sqlite::memory:`; undefined = embedded default. */
  url?: string;
  /** PostgreSQL schema override (tests use one schema per run). */
  schema?: string;
  /** Folder of embedded database files. */
  dataDir?: string;
}

// COUNT(*) and SUM() come back as int8/numeric strings from pg: parse them once here so
// resolvers see numbers on both dialects (amounts in euros stay well inside 2^53).
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** `<NAME>_DATABASE_URL` wins over `DATABASE_URL`; neither means the embedded SQLite file. */
export function databaseUrlFor(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[`${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DATABASE_URL`] || env.DATABASE_URL || undefined;
}

/** `<NAME>_DATABASE_SCHEMA`: another PostgreSQL schema than the subgraph's name (e.g. a staging copy). */
export function databaseSchemaFor(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[`${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DATABASE_SCHEMA`] || undefined;
}

export function isPostgresUrl(url: string | undefined): boolean {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDatabase<DB>(options: OpenOptions): Promise<Database<DB>> {
  const stats = { statements: 0 };
  // LOG_SLOW_SQL_MS: print statements slower than this (SQL text only, never parameters).
  const slowMs = Number(process.env.LOG_SLOW_SQL_MS ?? 0);
  const log = (event: LogEvent) => {
    if (event.level === 'query' || event.level === 'error') stats.statements++;
    if (slowMs > 0 && event.queryDurationMillis >= slowMs) {
      console.warn(
        `[${options.name}] slow SQL ${event.queryDurationMillis.toFixed(1)} ms: ${event.query.sql.replace(/\s+/g, ' ').slice(0, 500)}`,
      );
    }
  };
  const url = options.url;

  if (url && isPostgresUrl(url)) {
    const schema = options.schema ?? options.name.replace(/-/g, '_');
    if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}"`);
    // Create the schema with a throw-away client, then pin every pooled connection to it.
    // Two replicas starting together would race on CREATE SCHEMA IF NOT EXISTS (a unique
    // violation in pg_namespace), so creation runs under an advisory lock keyed by the schema.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('BEGIN');
      await admin.query('SELECT pg_advisory_xact_lock(hashtext($1))', [advisoryKey('schema', schema)]);
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await admin.query('COMMIT');
    } catch (error) {
      await admin.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await admin.end();
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: Number(process.env.PG_POOL_MAX ?? 10),
      options: `-c search_path="${schema}"`,
    });
    // The server may end a connection in use (idle_in_transaction_session_timeout of a late write): the pending
    // query or COMMIT reports it; without this listener the 'error' event would crash the process.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log });
    return {
      db,
      dialect: 'postgres',
      stats,
      schema,
      describe: `postgres ${redact(url)} schema ${schema}`,
      close: () => db.destroy(),
    };
  }

  let file: string;
  if (!url) {
    file = resolve(options.dataDir ?? process.env.DATA_DIR ?? '.data', `${options.name}.sqlite`);
  } else if (url.startsWith('sqlite:')) {
    file = url.slice('sqlite:'.length);
  } else {
    throw new Error(`unsupported database URL "${redact(url)}": use postgres://… or sqlite:<file>`);
  }
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }), log });
  return { db, dialect: 'sqlite', stats, describe: `sqlite ${file}`, close: () => db.destroy() };
}

/** Key of a PostgreSQL advisory lock (`hashtext` of it): one per purpose and schema, shared by every replica. */
export function advisoryKey(purpose: 'schema' | 'load', schema: string): string {
  return `territoires-industrie-hub:${purpose}:${schema}`;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Insert many rows in chunks that stay under both dialects' bound-parameter limits. */
export async function insertMany<DB, T extends keyof DB & string>(
  db: Kysely<DB>,
  table: T,
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).length || 1;
  const chunk = Math.max(1, Math.floor(30000 / columns));
  for (let i = 0; i < rows.length; i += chunk) {
    // Kysely's row type is the table's Insertable; callers pass plain records built from CSVs.
    await db
      .insertInto(table)
      .values(rows.slice(i, i + chunk) as never)
      .execute();
  }
}
