// Per-request DataLoaders of the engineering subgraph: one SQL statement per batch of territories for the figures (the
// kit's summary tables), one for the pages of every kind (rows and counts, the kit's pageLoader over the shared
// table), whatever the number of territories.
import type { Kysely } from 'kysely';
import {
  ACTION_SHEET_COLUMN,
  linkCountsLoader,
  sheetSummaryLoader,
  type LinkedTable,
} from '../runtime/action-sheet-links.ts';
import { pageLoader } from '../runtime/loaders.ts';
import { summaryLoader } from '../runtime/summaries.ts';
import type { EngineeringDB, RecordRow } from './db.ts';
import { SPECS, SUMMARIES } from './records.ts';

/** The record table whose rows name action sheets (the four kinds share it), for sheet summaries and link counts. */
const LINKED_TABLES: LinkedTable[] = [{ table: 'engineering_record', amountColumn: 'amount_eur' }];

export function createLoaders(db: Kysely<EngineeringDB>) {
  // The four kinds share one table: one loader each for a territory's and a sheet's pages, so that the pages of every
  // kind asked in a request are one statement.
  const kinds = Object.values(SPECS);
  const pages = pageLoader<EngineeringDB, RecordRow>(db, kinds);
  const sheetPages = pageLoader<EngineeringDB, RecordRow>(db, kinds, ACTION_SHEET_COLUMN);
  return {
    /**
     * Figures per (territory, level): summary, services and per-kind totals all read one statement per batch of
     * territories, from the summary tables the kit keeps (runtime/summaries.ts).
     */
    figures: summaryLoader(db, SUMMARIES),
    supports: pages,
    projectManagerCofundings: pages,
    vteAids: pages,
    loans: pages,
    // Action sheets: what the Banque des Territoires brought to each (one statement per batch of sheets, one for the
    // pages of every kind) and how each territory's records name sheets (one statement per batch of territories).
    sheetSummary: sheetSummaryLoader(db, LINKED_TABLES),
    sheetSupports: sheetPages,
    sheetProjectManagerCofundings: sheetPages,
    sheetVteAids: sheetPages,
    sheetLoans: sheetPages,
    linkCounts: linkCountsLoader(db, LINKED_TABLES),
  };
}

export type EngineeringLoaders = ReturnType<typeof createLoaders>;
