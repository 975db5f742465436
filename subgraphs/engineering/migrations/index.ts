import type { Migration } from 'kysely';
import { engineeringRecords } from './001_engineering_records.ts';
import { operatorRecords } from './002_operator_records.ts';
import { engineeringKeyset } from './003_engineering_keyset.ts';
import { engineeringActionSheet } from './004_engineering_action_sheet.ts';

/** Versioned migrations of the engineering subgraph, applied in name order. */
export const migrations: Record<string, Migration> = {
  '001_engineering_records': engineeringRecords,
  '002_operator_records': operatorRecords,
  '003_engineering_keyset': engineeringKeyset,
  '004_engineering_action_sheet': engineeringActionSheet,
};
