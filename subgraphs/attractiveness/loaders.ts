// Per-request DataLoaders of the attractiveness subgraph: one SQL statement per batch of territories (a page too:
// rows and counts, from the kit's pageLoader), and per distinct set of arguments for the totals.
import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import {
  ACTION_SHEET_COLUMN,
  linkCountsLoader,
  sheetSummaryLoader,
  type LinkedTable,
} from '../runtime/action-sheet-links.ts';
import { groupBy, manyLoader, pageLoader } from '../runtime/loaders.ts';
import type { AttractivenessDB, ExportSupport, InvestmentProject, SitePromotion } from './db.ts';
import { exportSupportSpec, investmentProjectSpec, sitePromotionSpec } from './records.ts';
import * as repository from './repository.ts';

/** A territory with the (validated) arguments of the investment totals. */
export interface TotalsKey {
  territoryId: string;
  filter: repository.TotalsFilter;
}

/** Batches keys by their filter: one `fetch` (one statement) per distinct filter in the batch. */
function totalsLoader<V>(
  fetch: (territoryIds: string[], filter: repository.TotalsFilter) => Promise<Map<string, V>>,
  empty: () => V,
) {
  const filterKey = (k: TotalsKey) => JSON.stringify(k.filter);
  return new DataLoader<TotalsKey, V, string>(
    async (keys) => {
      const groups = new Map<string, { filter: repository.TotalsFilter; ids: Set<string> }>();
      for (const key of keys) {
        const group = groups.get(filterKey(key)) ?? { filter: key.filter, ids: new Set<string>() };
        group.ids.add(key.territoryId);
        groups.set(filterKey(key), group);
      }
      const results = new Map<string, Map<string, V>>();
      await Promise.all(
        [...groups].map(async ([k, group]) => results.set(k, await fetch([...group.ids], group.filter))),
      );
      return keys.map((key) => results.get(filterKey(key))?.get(key.territoryId) ?? empty());
    },
    { cacheKeyFn: (key) => `${key.territoryId}|${filterKey(key)}` },
  );
}

/** Investment sums per territory and `key`, most projects first, then by key. */
function ranked<K extends 'investor_country' | 'sector'>(db: Kysely<AttractivenessDB>, key: K) {
  return async (ids: string[], filter: repository.TotalsFilter) => {
    const rows = await repository.investmentSums(db, ['territory_id', key], filter, { territoryIds: ids });
    const out = groupBy(rows, (r) => r.territory_id);
    for (const list of out.values())
      list.sort((a, b) => Number(b.project_count) - Number(a.project_count) || a[key].localeCompare(b[key]));
    return out;
  };
}

/** The record tables whose rows name action sheets (amounts: the investments'), for sheet summaries and link counts. */
const LINKED_TABLES: LinkedTable[] = [
  { table: 'investment_project', amountColumn: 'investment_eur' },
  { table: 'export_support' },
  { table: 'site_promotion' },
];

export function createLoaders(db: Kysely<AttractivenessDB>) {
  return {
    mobilisations: manyLoader(
      (ids: string[]) => repository.mobilisations(db, ids),
      (row) => row.territory_id,
    ),
    investments: pageLoader<AttractivenessDB, InvestmentProject>(db, investmentProjectSpec),
    exportSupports: pageLoader<AttractivenessDB, ExportSupport>(db, exportSupportSpec),
    sitePromotions: pageLoader<AttractivenessDB, SitePromotion>(db, sitePromotionSpec),
    // Action sheets: what Business France brought to each (one statement per batch of sheets, one per page of each
    // kind) and how each territory's records name sheets (one statement per batch of territories).
    sheetSummary: sheetSummaryLoader(db, LINKED_TABLES),
    sheetInvestments: pageLoader<AttractivenessDB, InvestmentProject>(db, investmentProjectSpec, ACTION_SHEET_COLUMN),
    sheetExportSupports: pageLoader<AttractivenessDB, ExportSupport>(db, exportSupportSpec, ACTION_SHEET_COLUMN),
    sheetSitePromotions: pageLoader<AttractivenessDB, SitePromotion>(db, sitePromotionSpec, ACTION_SHEET_COLUMN),
    linkCounts: linkCountsLoader(db, LINKED_TABLES),
    investmentTotals: totalsLoader<repository.InvestmentSumRow<'territory_id'> | null>(
      async (ids, filter) => {
        const rows = await repository.investmentSums(db, ['territory_id'], filter, { territoryIds: ids });
        return new Map(rows.map((r) => [r.territory_id, r]));
      },
      () => null,
    ),
    investmentsByCountry: totalsLoader(ranked(db, 'investor_country'), () => []),
    investmentsBySector: totalsLoader(ranked(db, 'sector'), () => []),
  };
}

export type AttractivenessLoaders = ReturnType<typeof createLoaders>;
