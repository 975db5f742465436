import type { Migration } from 'kysely';
import { referenceTables } from './001_reference_tables.ts';

/** Versioned migrations of the territories subgraph, applied in name order. */
export const migrations: Record<string, Migration> = {
  '001_reference_tables': referenceTables,
};
