// vitest globalSetup: at the end of the run, drop the PostgreSQL schemas the run created (test/support/schemas.ts).
import pg from 'pg';
import { isPostgresUrl } from '../../subgraphs/runtime/database.ts';

export async function teardown(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const run = process.env.TEST_SCHEMA_RUN;
  if (!isPostgresUrl(url) || !run) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%' AND nspname LIKE $1`,
      [`%\\_${run}\\_%`],
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}
