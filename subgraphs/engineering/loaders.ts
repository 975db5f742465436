// Per-request DataLoaders of the engineering subgraph: one SQL statement per batch of territories for the figures, two
// per page of a record kind (counts and rows, the kit's pageLoader), whatever the number of territories.
import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import {
  ACTION_SHEET_COLUMN,
  linkCountsLoader,
  sheetSummaryLoader,
  type LinkedTable,
} from '../runtime/action-sheet-links.ts';
import { pageLoader } from '../runtime/loaders.ts';
import { readTerritories, type TerritoryFigures } from '../runtime/summaries.ts';
import type { EngineeringDB, RecordRow } from './db.ts';
import { SPECS, SUMMARIES } from './records.ts';

/** The record table whose rows name action sheets (the four kinds share it), for sheet summaries and link counts. */
const LINKED_TABLES: LinkedTable[] = [{ table: 'engineering_record', amountColumn: 'amount_eur' }];

export function createLoaders(db: Kysely<EngineeringDB>) {
  return {
    /**
     * Figures per (territory, service): summary, services and per-kind totals all read this one statement per batch
     * of territories, from the summary tables the kit keeps (runtime/summaries.ts).
     */
    figures: new DataLoader<string, TerritoryFigures>((ids) => readTerritories(db, SUMMARIES, ids)),
    supports: pageLoader<EngineeringDB, RecordRow>(db, SPECS.ENGINEERING_SUPPORT),
    projectManagerCofundings: pageLoader<EngineeringDB, RecordRow>(db, SPECS.PROJECT_MANAGER_COFUNDING),
    vteAids: pageLoader<EngineeringDB, RecordRow>(db, SPECS.VTE_AID),
    loans: pageLoader<EngineeringDB, RecordRow>(db, SPECS.LOCAL_AUTHORITY_LOAN),
    // Action sheets: what the Banque des Territoires brought to each (one statement per batch of sheets, two per page
    // of each kind) and how each territory's records name sheets (one statement per batch of territories).
    sheetSummary: sheetSummaryLoader(db, LINKED_TABLES),
    sheetSupports: pageLoader<EngineeringDB, RecordRow>(db, SPECS.ENGINEERING_SUPPORT, ACTION_SHEET_COLUMN),
    sheetProjectManagerCofundings: pageLoader<EngineeringDB, RecordRow>(
      db,
      SPECS.PROJECT_MANAGER_COFUNDING,
      ACTION_SHEET_COLUMN,
    ),
    sheetVteAids: pageLoader<EngineeringDB, RecordRow>(db, SPECS.VTE_AID, ACTION_SHEET_COLUMN),
    sheetLoans: pageLoader<EngineeringDB, RecordRow>(db, SPECS.LOCAL_AUTHORITY_LOAN, ACTION_SHEET_COLUMN),
    linkCounts: linkCountsLoader(db, LINKED_TABLES),
  };
}

export type EngineeringLoaders = ReturnType<typeof createLoaders>;
