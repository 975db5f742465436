// Per-request DataLoaders of the attractiveness subgraph: one SQL statement per batch of territories (a page too:
// rows and counts, from the kit's pageLoader). Every figure is read from the summary tables the kit keeps
// (runtime/summaries.ts; records.ts declares them): the three kinds' figures of a batch in one statement.
import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import {
  ACTION_SHEET_COLUMN,
  linkCountsLoader,
  sheetSummaryLoader,
  type LinkedTable,
} from '../runtime/action-sheet-links.ts';
import { pageLoader } from '../runtime/loaders.ts';
import { readKindsTerritories, type TerritoryFigures } from '../runtime/summaries.ts';
import type { AttractivenessDB, ExportSupport, InvestmentProject, SitePromotion } from './db.ts';
import {
  exportSupportSpec,
  INVESTMENT_LEVELS,
  investmentProjectSpec,
  RECORD_SPECS,
  sitePromotionSpec,
} from './records.ts';

/** The summary levels each part of a slice reads (records.ts). */
const PARTS = {
  /** The summary and services: every kind's figures per service. */
  services: ['service'],
  /** The investment totals (any filter: added up from the groups it selects), without their breakdowns. */
  investments: [INVESTMENT_LEVELS.territory, INVESTMENT_LEVELS.investors],
  /** The investment totals' breakdowns by country and sector. */
  breakdowns: [INVESTMENT_LEVELS.breakdown],
} as const;

/** A territory's figures of one part of its slice. */
export interface FiguresKey {
  territoryId: string;
  part: keyof typeof PARTS;
}

/** A territory's summaries, by record kind (`RecordSpec.kind`). */
export type KindFigures = Map<string, TerritoryFigures>;

/** The record tables whose rows name action sheets (amounts: the investments'), for sheet summaries and link counts. */
const LINKED_TABLES: LinkedTable[] = [
  { table: 'investment_project', amountColumn: 'investment_eur' },
  { table: 'export_support' },
  { table: 'site_promotion' },
];

/**
 * The figures of a batch of territories, every part asked in the same tick (summary, services, investment totals)
 * in one statement: the levels of the parts asked, for the territories asked, of the three kinds.
 */
function figuresLoader(db: Kysely<AttractivenessDB>) {
  return new DataLoader<FiguresKey, KindFigures, string>(
    async (keys) => {
      const territories = [...new Set(keys.map((k) => k.territoryId))];
      const levels = [...new Set(keys.flatMap((k) => PARTS[k.part]))];
      const figures = await readKindsTerritories(db, RECORD_SPECS, territories, levels);
      const byTerritory = new Map(territories.map((t, i) => [t, figures[i]!]));
      return keys.map((k) => byTerritory.get(k.territoryId)!);
    },
    { cacheKeyFn: (k) => `${k.territoryId}|${k.part}` },
  );
}

export function createLoaders(db: Kysely<AttractivenessDB>) {
  return {
    figures: figuresLoader(db),
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
  };
}

export type AttractivenessLoaders = ReturnType<typeof createLoaders>;
