// Per-request DataLoaders of the attractiveness subgraph: one SQL statement per batch of territories
// (and per distinct set of arguments for the filtered lists and totals).
import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { groupBy, manyLoader } from '../runtime/loaders.ts';
import type { AttractivenessDB, ExportSupportRow, InvestmentRow, RecordTable, SitePromotionRow } from './db.ts';
import type { ExportFilter, InvestmentFilter, Page, SiteFilter, TotalsFilter } from './filters.ts';
import {
  applyExportFilter,
  applyInvestmentFilter,
  applySiteFilter,
  applyTotalsFilter,
  investmentSums,
  mobilisations,
  pages,
  type InvestmentSums,
  type MobilisationRow,
  type PagedRow,
} from './queries.ts';

/** A territory with the (normalised) arguments of the field being resolved. */
export interface Keyed<F> {
  territoryId: string;
  filter: F;
}

/** Batches keys by their filter: one `fetch` (one statement) per distinct filter in the batch. */
function filteredLoader<F, V>(fetch: (territoryIds: string[], filter: F) => Promise<Map<string, V>>, empty: () => V) {
  return new DataLoader<Keyed<F>, V, string>(
    async (keys) => {
      const groups = new Map<string, { filter: F; ids: string[] }>();
      for (const key of keys) {
        const filterKey = JSON.stringify(key.filter);
        const group = groups.get(filterKey) ?? { filter: key.filter, ids: [] };
        group.ids.push(key.territoryId);
        groups.set(filterKey, group);
      }
      const results = new Map<string, Map<string, V>>();
      await Promise.all(
        [...groups].map(async ([filterKey, group]) => {
          results.set(filterKey, await fetch([...new Set(group.ids)], group.filter));
        }),
      );
      return keys.map((key) => results.get(JSON.stringify(key.filter))?.get(key.territoryId) ?? empty());
    },
    { cacheKeyFn: (key) => `${key.territoryId}|${JSON.stringify(key.filter)}` },
  );
}

export interface PageResult<R> {
  totalCount: number;
  rows: R[];
  hasNextPage: boolean;
}
const emptyPage = <R>(): PageResult<R> => ({ totalCount: 0, rows: [], hasNextPage: false });

function pageLoader<R extends PagedRow, F extends Page>(
  db: Kysely<AttractivenessDB>,
  table: RecordTable,
  apply: (q: any, f: F) => any,
) {
  return filteredLoader<F, PageResult<R>>(
    (ids, filter) => pages<R>(db, table, ids, filter, (q) => apply(q, filter)),
    emptyPage,
  );
}

type Sums = InvestmentSums & { territory_count: number };
type Grouped<K extends string> = Sums & Record<K, string>;

const byCountDesc =
  <K extends string>(key: K) =>
  (a: Grouped<K>, b: Grouped<K>) =>
    Number(b.project_count) - Number(a.project_count) || a[key].localeCompare(b[key]);

export function createLoaders(db: Kysely<AttractivenessDB>) {
  const scoped = (ids: string[], filter: TotalsFilter) => (q: any) =>
    applyTotalsFilter(q.where('territory_id', 'in', ids), filter);
  return {
    mobilisations: manyLoader<string, MobilisationRow>(
      (ids) => mobilisations(db, ids),
      (row) => row.territory_id,
    ),
    investments: pageLoader<InvestmentRow & PagedRow, InvestmentFilter>(
      db,
      'investment_project',
      applyInvestmentFilter,
    ),
    exportSupports: pageLoader<ExportSupportRow & PagedRow, ExportFilter>(db, 'export_support', applyExportFilter),
    sitePromotions: pageLoader<SitePromotionRow & PagedRow, SiteFilter>(db, 'site_promotion', applySiteFilter),
    investmentTotals: filteredLoader<TotalsFilter, Sums | null>(
      async (ids, filter) => {
        const rows = await investmentSums(db, ['territory_id'], scoped(ids, filter));
        return new Map(rows.map((r) => [r.territory_id, r]));
      },
      () => null,
    ),
    investmentsByCountry: filteredLoader<TotalsFilter, Grouped<'investor_country'>[]>(
      async (ids, filter) => {
        const rows = await investmentSums(db, ['territory_id', 'investor_country'], scoped(ids, filter));
        const out = groupBy(rows, (r) => r.territory_id);
        for (const list of out.values()) list.sort(byCountDesc('investor_country'));
        return out;
      },
      () => [],
    ),
    investmentsBySector: filteredLoader<TotalsFilter, Grouped<'sector'>[]>(
      async (ids, filter) => {
        const rows = await investmentSums(db, ['territory_id', 'sector'], scoped(ids, filter));
        const out = groupBy(rows, (r) => r.territory_id);
        for (const list of out.values()) list.sort(byCountDesc('sector'));
        return out;
      },
      () => [],
    ),
  };
}

export type AttractivenessLoaders = ReturnType<typeof createLoaders>;
