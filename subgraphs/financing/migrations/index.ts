import type { Migration } from 'kysely';
import { financingTables } from './001_financing_tables.ts';
import { financingOrigin } from './002_financing_origin.ts';

/** Versioned migrations of the financing subgraph, applied in name order. */
export const migrations: Record<string, Migration> = {
  '001_financing_tables': financingTables,
  '002_financing_origin': financingOrigin,
};
