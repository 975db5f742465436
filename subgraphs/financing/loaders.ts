// Per-request DataLoaders of the financing subgraph: one SQL statement per batch of territories (a page of
// financings too: rows and counts, from the kit's pageLoader), whatever the number of territories.
import type { Kysely } from 'kysely';
import {
  ACTION_SHEET_COLUMN,
  linkCountsLoader,
  sheetSummaryLoader,
  type LinkedTable,
} from '../runtime/action-sheet-links.ts';
import { manyBatch, oneBatch, pageLoader, referenceLoader } from '../runtime/loaders.ts';
import { summaryLoader } from '../runtime/summaries.ts';
import type { DepartmentContextRow, Financing, FinancingDB } from './db.ts';
import { financingRecord } from './records.ts';
import * as repository from './repository.ts';

/** A department's real context: a row of `department_context` (computed at load). */
export type DepartmentContext = DepartmentContextRow;

/** The record tables whose rows name action sheets, for the sheets' summaries and the link counts. */
const LINKED_TABLES: LinkedTable[] = [{ table: 'financing', amountColumn: 'amount_eur' }];

export function createLoaders(db: Kysely<FinancingDB>) {
  return {
    // The territory's summary, its totals per service and per instrument: one statement per batch of territories,
    // read from the summary tables the kit keeps (runtime/summaries.ts).
    figures: summaryLoader(db, financingRecord),
    financings: pageLoader<FinancingDB, Financing>(db, financingRecord),
    // Action sheets: what Bpifrance brought to each (one statement per batch of sheets, one per page of financings)
    // and how each territory's financings name sheets (one statement per batch of territories).
    sheetSummary: sheetSummaryLoader(db, LINKED_TABLES),
    sheetFinancings: pageLoader<FinancingDB, Financing>(db, financingRecord, ACTION_SHEET_COLUMN),
    linkCounts: linkCountsLoader(db, LINKED_TABLES),
    // Published data built at load (reference rows): read once per process (runtime/loaders.ts referenceLoader).
    /** The context of each territory's departments (those PGE or the Baromètre cover): one join per batch. */
    departmentsOfTerritory: referenceLoader(
      db,
      'departmentsOfTerritory',
      manyBatch(
        (ids: string[]) => repository.departmentContextsOf(db, ids),
        (r) => r.territory_id,
      ),
    ),
    /** A department's context, null when neither source covers it: one statement per batch of departments. */
    departmentContext: referenceLoader(
      db,
      'departmentContext',
      oneBatch(
        (codes: string[]) => repository.departmentContexts(db, codes),
        (r) => r.department_code,
      ),
    ),
  };
}

export type FinancingLoaders = ReturnType<typeof createLoaders>;
