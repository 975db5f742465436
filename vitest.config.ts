import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// One token per run in the names of its PostgreSQL schemas, dropped together at the end (test/support/schemas.ts).
process.env.TEST_SCHEMA_RUN = randomBytes(3).toString('hex');

export default defineConfig({
  resolve: {
    // Vite would pick graphql's ESM build while Apollo (CommonJS) loads the CJS one: two copies of
    // graphql-js cannot share a schema ("from another module or realm"). Use the one Node uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts'],
    // Each file loads real reference data into its own database: give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: two files at a time keeps SQLite/PostgreSQL loads from starving each other.
    maxWorkers: 2,
    globalSetup: ['test/support/teardown.ts'],
  },
});
