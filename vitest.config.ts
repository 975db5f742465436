import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts'],
    // Each file loads real reference data into its own database: give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: two files at a time keeps SQLite/PostgreSQL loads from starving each other.
    maxWorkers: 2,
  },
});
