// Per-request DataLoaders of the financing subgraph: one SQL statement per batch of territories (a page of
// financings too: rows and counts, from the kit's pageLoader), whatever the number of territories.
import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import {
  ACTION_SHEET_COLUMN,
  linkCountsLoader,
  sheetSummaryLoader,
  type LinkedTable,
} from '../runtime/action-sheet-links.ts';
import { manyLoader, oneLoader, pageLoader } from '../runtime/loaders.ts';
import type { Financing, FinancingDB, Indicator } from './db.ts';
import { financingRecord } from './records.ts';
import * as repository from './repository.ts';

export interface DepartmentContext {
  code: string;
  pge: repository.PgeTotals | null;
  indicator: Indicator | null;
}

/** The record tables whose rows name action sheets, for the sheets' summaries and the link counts. */
const LINKED_TABLES: LinkedTable[] = [{ table: 'financing', amountColumn: 'amount_eur' }];

export function createLoaders(db: Kysely<FinancingDB>) {
  return {
    summary: oneLoader(
      (ids: string[]) => repository.summaries(db, ids),
      (r) => r.territory_id,
    ),
    byService: manyLoader(
      (ids: string[]) => repository.groupTotals(db, 'service_id', ids),
      (r) => r.territory_id,
    ),
    byInstrument: manyLoader(
      (ids: string[]) => repository.groupTotals(db, 'instrument', ids),
      (r) => r.territory_id,
    ),
    financings: pageLoader<FinancingDB, Financing>(db, financingRecord),
    // Action sheets: what Bpifrance brought to each (one statement per batch of sheets, one per page of financings)
    // and how each territory's financings name sheets (one statement per batch of territories).
    sheetSummary: sheetSummaryLoader(db, LINKED_TABLES),
    sheetFinancings: pageLoader<FinancingDB, Financing>(db, financingRecord, ACTION_SHEET_COLUMN),
    linkCounts: linkCountsLoader(db, LINKED_TABLES),
    departmentsOfTerritory: manyLoader(
      (ids: string[]) => repository.departmentsOf(db, ids),
      (r) => r.territory_id,
    ),
    /** PGE totals and the Baromètre indicator: two statements per batch of departments. */
    departmentContext: new DataLoader<string, DepartmentContext | null>(async (keys) => {
      const codes = [...keys];
      const [pge, indicators] = await Promise.all([repository.pgeTotals(db, codes), repository.indicators(db, codes)]);
      const pgeOf = new Map(pge.map((p) => [p.department_code, p]));
      const indicatorOf = new Map(indicators.map((i) => [i.department_code, i]));
      return codes.map((code) => {
        const context = { code, pge: pgeOf.get(code) ?? null, indicator: indicatorOf.get(code) ?? null };
        return context.pge || context.indicator ? context : null;
      });
    }),
  };
}

export type FinancingLoaders = ReturnType<typeof createLoaders>;
