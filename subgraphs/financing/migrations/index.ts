import type { Migration } from 'kysely';
import { financingTables } from './001_financing_tables.ts';
import { financingOrigin } from './002_financing_origin.ts';
import { financingKeyset } from './003_financing_keyset.ts';
import { retiredServices } from './004_retired_services.ts';
import { financingActionSheet } from './005_financing_action_sheet.ts';
import { departmentContext } from './006_department_context.ts';

/** Versioned migrations of the financing subgraph, applied in name order. */
export const migrations: Record<string, Migration> = {
  '001_financing_tables': financingTables,
  '002_financing_origin': financingOrigin,
  '003_financing_keyset': financingKeyset,
  '004_retired_services': retiredServices,
  '005_financing_action_sheet': financingActionSheet,
  '006_department_context': departmentContext,
};
