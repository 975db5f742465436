import type { Migration } from 'kysely';
import { attractivenessTables } from './001_attractiveness_tables.ts';

/** Versioned migrations of the attractiveness subgraph, applied in name order. */
export const migrations: Record<string, Migration> = {
  '001_attractiveness_tables': attractivenessTables,
};
