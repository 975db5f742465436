// Per-request DataLoaders of the recruitment subgraph: one SQL statement per batch of territories (a page of
// actions too: rows and counts, from the kit's pageLoader), whatever the number of territories.
import type { Kysely } from 'kysely';
import {
  ACTION_SHEET_COLUMN,
  linkCountsLoader,
  sheetSummaryLoader,
  type LinkedTable,
} from '../runtime/action-sheet-links.ts';
import { manyLoader, oneBatch, oneLoader, pageLoader, referenceLoader } from '../runtime/loaders.ts';
import { summaryLoader } from '../runtime/summaries.ts';
import type { RecruitmentAction, RecruitmentDB } from './db.ts';
import { actionRecord } from './records.ts';
import * as repository from './repository.ts';

/** The record tables whose rows name action sheets (actions carry no amount), for sheet summaries and link counts. */
const LINKED_TABLES: LinkedTable[] = [{ table: 'recruitment_action' }];

export function createLoaders(db: Kysely<RecruitmentDB>) {
  const byTerritory = <R extends { territory_id: string }>(
    fetch: (db: Kysely<RecruitmentDB>, ids: string[]) => Promise<R[]>,
  ) =>
    manyLoader(
      (ids: string[]) => fetch(db, ids),
      (r) => r.territory_id,
    );
  return {
    /**
     * A territory with its job-seeker series and basins, for every part of its slice that reads them: published data
     * built at load, read once per process (runtime/loaders.ts referenceLoader).
     */
    territory: referenceLoader(
      db,
      'territory',
      oneBatch(
        (ids: string[]) => repository.territories(db, ids),
        (t) => t.id,
      ),
    ),
    // The territory's summary and its totals per service: one statement per batch of territories, read from the
    // summary tables the kit keeps (runtime/summaries.ts).
    figures: summaryLoader(db, actionRecord),
    indicators: byTerritory(repository.indicators),
    hiringGroups: byTerritory(repository.hiringGroups),
    hiringOccupations: byTerritory(repository.hiringOccupations),
    hiringCoverage: oneLoader(
      (ids: string[]) => repository.hiringCoverage(db, ids),
      (c) => c.territory_id,
    ),
    actions: pageLoader<RecruitmentDB, RecruitmentAction>(db, actionRecord),
    // Action sheets: what France Travail brought to each (one statement per batch of sheets, one per page of
    // actions) and how each territory's actions name sheets (one statement per batch of territories).
    sheetSummary: sheetSummaryLoader(db, LINKED_TABLES),
    sheetActions: pageLoader<RecruitmentDB, RecruitmentAction>(db, actionRecord, ACTION_SHEET_COLUMN),
    linkCounts: linkCountsLoader(db, LINKED_TABLES),
  };
}

export type RecruitmentLoaders = ReturnType<typeof createLoaders>;
