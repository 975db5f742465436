// PostgreSQL schemas of a test run. They are dropped once, when the whole run ends (test/support/teardown.ts):
// a DROP SCHEMA while another test file runs races with Kysely's catalogue introspection there (the Migrator and
// `introspection.getTables()` walk every schema of the database), which then fails with `schema "…" does not exist`.
import { randomBytes } from 'node:crypto';

/** Set once per run in vitest.config.ts (the main process), inherited by every worker. */
export const RUN = process.env.TEST_SCHEMA_RUN ?? 'adhoc';

/** A fresh schema name for this run: `t_<label>_<run>_<random>` (PostgreSQL's 63-character limit kept). */
export function testSchema(label: string): string {
  return `t_${label.replace(/[^a-z0-9]/g, '_').slice(0, 30)}_${RUN}_${randomBytes(4).toString('hex')}`;
}
