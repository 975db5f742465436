// The shared database runtime: the dialect in use, versioned migrations, idempotent and atomic loads.
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../subgraphs/runtime/database.ts';
import { ensureLoaded, migrate } from '../subgraphs/runtime/migrations.ts';
import { DIALECT, POSTGRES_URL } from './support/harness.ts';
import { testSchema } from './support/schemas.ts';

/** The tables these tests read and write. */
interface TestDB {
  thing: { id: number; label: string };
  runtime_test_migration: { name: string };
  load_state: { version: string };
}

const opened: Database<TestDB>[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
});

async function fresh(): Promise<Database<TestDB>> {
  // Dropped when the run ends (test/support/schemas.ts).
  const schema = testSchema('runtime');
  const database = await openDatabase<TestDB>({ name: 'runtime_test', url: POSTGRES_URL ?? 'sqlite::memory:', schema });
  opened.push(database);
  return database;
}

const thing = {
  '001_thing': {
    async up(db: Kysely<TestDB>) {
      await db.schema
        .createTable('thing')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('label', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

describe('database runtime', () => {
  it('runs on the dialect CI asked for (no silent fallback to SQLite)', () => {
    // .ci/run sets EXPECT_DIALECT for each pass of the suite.
    expect(DIALECT).toBe(process.env.EXPECT_DIALECT ?? DIALECT);
    expect(DIALECT).toBe(POSTGRES_URL ? 'postgres' : 'sqlite');
  });

  it("applies versioned migrations once, recorded in the subgraph's own migration table", async () => {
    const database = await fresh();
    expect(await migrate(database, 'runtime_test', thing)).toEqual([
      '000_runtime_dataset',
      '000_runtime_outbox',
      '000_runtime_summary',
      '001_thing',
    ]);
    expect(await migrate(database, 'runtime_test', thing)).toEqual([]);
    const applied = await database.db.selectFrom('runtime_test_migration').select('name').orderBy('name').execute();
    expect(applied.map((r) => r.name)).toEqual([
      '000_runtime_dataset',
      '000_runtime_outbox',
      '000_runtime_summary',
      '001_thing',
    ]);
  });

  it('loads once per data version, and a failed load keeps nothing', async () => {
    const database = await fresh();
    await migrate(database, 'runtime_test', thing);
    let loads = 0;
    const load = async (trx: Kysely<TestDB>) => {
      loads++;
      await trx.deleteFrom('thing').execute();
      await trx
        .insertInto('thing')
        .values([
          { id: 1, label: 'a' },
          { id: 2, label: 'b' },
        ])
        .execute();
    };
    expect(await ensureLoaded(database, 'v1', load)).toBe('loaded');
    expect(await ensureLoaded(database, 'v1', load)).toBe('up-to-date');
    expect(loads).toBe(1);

    const failing = async (trx: Kysely<TestDB>) => {
      await trx.deleteFrom('thing').execute();
      await trx.insertInto('thing').values({ id: 3, label: 'c' }).execute();
      await trx.insertInto('thing').values({ id: 3, label: 'duplicate' }).execute();
    };
    await expect(ensureLoaded(database, 'v2', failing)).rejects.toThrow();
    const rows = await database.db.selectFrom('thing').select('label').orderBy('id').execute();
    expect(rows.map((r) => r.label)).toEqual(['a', 'b']);
    const state = await database.db.selectFrom('load_state').select('version').executeTakeFirst();
    expect(state?.version).toBe('v1');
  });

  it('counts the statements it sends', async () => {
    const database = await fresh();
    await migrate(database, 'runtime_test', thing);
    const before = database.stats.statements;
    await database.db.selectFrom('thing').selectAll().execute();
    await database.db
      .selectFrom('thing')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .execute();
    expect(database.stats.statements - before).toBe(2);
  });

  it('refuses an unsupported database URL with a clear message', async () => {
    await expect(openDatabase({ name: 'x', url: 'mysql://root@localhost/test' })).rejects.toThrow(
      /unsupported database URL "mysql:\/\/root@localhost\/test": use postgres/,
    );
  });
});
