import type { Migration } from 'kysely';
import { attractivenessTables } from './001_attractiveness_tables.ts';
import { operatorRecords } from './002_operator_records.ts';
import { attractivenessKeyset } from './003_attractiveness_keyset.ts';
import { retiredServices } from './004_retired_services.ts';
import { attractivenessActionSheet } from './005_attractiveness_action_sheet.ts';

/** Versioned migrations of the attractiveness subgraph, applied in name order. */
export const migrations: Record<string, Migration> = {
  '001_attractiveness_tables': attractivenessTables,
  '002_operator_records': operatorRecords,
  '003_attractiveness_keyset': attractivenessKeyset,
  '004_retired_services': retiredServices,
  '005_attractiveness_action_sheet': attractivenessActionSheet,
};
