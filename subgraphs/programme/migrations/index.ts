import type { Migration } from 'kysely';
import { programmeTables } from './001_programme_tables.ts';
import { actionSheets } from './002_action_sheets.ts';

/** Versioned migrations of the programme subgraph, applied in name order. */
export const migrations: Record<string, Migration> = {
  '001_programme_tables': programmeTables,
  '002_action_sheets': actionSheets,
};
