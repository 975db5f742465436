// The read side of operators' links to action sheets, the same in every operator: what an operator brought to a
// sheet (`ActionSheet.<slice>`: summary and pages, batched per request), each record's `actionSheet`, and how a
// territory's records name sheets (linked, none, unlinked). Which named sheets still exist is asked of the
// programme subgraph once per request (runtime/action-sheets.ts); the kit's generic SQL lives here, as in loaders.ts.
import DataLoader from 'dataloader';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { lookUpActionSheets } from './action-sheets.ts';
import { DependencyUnavailable, dependencyUnavailable } from './errors.ts';
import { groupBy } from './loaders.ts';
import { provenanceOfCounts, type Provenance, type RecordProvenance } from './provenance.ts';
import type { SubgraphContext } from './subgraph.ts';

/** The column naming the sheet, in every operator record table. */
export const ACTION_SHEET_COLUMN = 'action_sheet_id';

/** One record table of an operator, as the sheet summaries read it. */
export interface LinkedTable {
  table: string;
  /** Amount in euros of a record, when the records are financial (else the summary's amount is null). */
  amountColumn?: string;
}

export interface SheetSummaryRow {
  action_sheet_id: string;
  record_count: number;
  declared_count: number;
  service_count: number;
  amount: number | null;
  first_date: string | null;
  last_date: string | null;
}

const union = (parts: RawBuilder<unknown>[]) => parts.reduce((a, b) => sql`${a} union all ${b}`);

/** Figures per sheet over every record table of the operator: one statement per batch of sheets. */
export function sheetSummaryLoader<DB>(db: Kysely<DB>, tables: readonly LinkedTable[]) {
  return new DataLoader<string, SheetSummaryRow | null>(async (keys) => {
    const ids = sql.join([...keys]);
    const rows = union(
      tables.map(
        (t) =>
          sql`select ${sql.ref(ACTION_SHEET_COLUMN)} as sheet, origin, service_id, ${
            t.amountColumn ? sql.ref(t.amountColumn) : sql`cast(null as double precision)`
          } as amount, date from ${sql.table(t.table)} where ${sql.ref(ACTION_SHEET_COLUMN)} in (${ids})`,
      ),
    );
    const { rows: found } = await sql<SheetSummaryRow>`select r.sheet as action_sheet_id, count(*) as record_count,
      sum(case when r.origin = 'OPERATOR' then 1 else 0 end) as declared_count,
      count(distinct r.service_id) as service_count, sum(r.amount) as amount,
      min(r.date) as first_date, max(r.date) as last_date
      from (${rows}) as r group by r.sheet`.execute(db);
    const byId = new Map(found.map((r) => [r.action_sheet_id, r]));
    return keys.map((k) => byId.get(k) ?? null);
  });
}

export interface LinkCountRow {
  territory_id: string;
  action_sheet_id: string | null;
  origin: string;
  n: number;
}

/** Records per (territory, named sheet, origin) over every record table: one statement per batch of territories. */
export function linkCountsLoader<DB>(db: Kysely<DB>, tables: readonly LinkedTable[]) {
  return new DataLoader<string, LinkCountRow[]>(async (keys) => {
    const ids = sql.join([...keys]);
    const rows = union(
      tables.map(
        (t) =>
          sql`select territory_id, ${sql.ref(ACTION_SHEET_COLUMN)} as action_sheet_id, origin from ${sql.table(t.table)} where territory_id in (${ids})`,
      ),
    );
    const { rows: found } = await sql<LinkCountRow>`select r.territory_id, r.action_sheet_id, r.origin, count(*) as n
      from (${rows}) as r group by r.territory_id, r.action_sheet_id, r.origin`.execute(db);
    const byTerritory = groupBy(found, (r) => r.territory_id);
    return keys.map((k) => byTerritory.get(k) ?? []);
  });
}

const existence = new WeakMap<object, DataLoader<string, boolean>>();

/**
 * Whether each named sheet still exists: one `_entities` request to the programme per request (DataLoader on the
 * request's context). Rejects with DependencyUnavailable when the programme cannot answer.
 */
export function sheetExists(ctx: SubgraphContext, id: string): Promise<boolean> {
  let loader = existence.get(ctx);
  if (!loader) {
    const env = ctx.env ?? process.env;
    loader = new DataLoader<string, boolean>(async (ids) => {
      const found = await lookUpActionSheets(ids, env);
      return ids.map((i) => !!found.get(i));
    });
    existence.set(ctx, loader);
  }
  return loader.load(id);
}

/** A read that needs the programme: its unavailability is this field's error (DEPENDENCY_UNAVAILABLE), not a crash. */
async function needingProgramme<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof DependencyUnavailable ? dependencyUnavailable(error, false) : error;
  }
}

/**
 * A record's `actionSheet`: `{ id }` for the gateway to resolve through the programme; null when the record names
 * none, or names a sheet that no longer exists (checked here too, so that even `actionSheet { id }` says so).
 */
export function actionSheetOf(id: string | null | undefined, ctx: SubgraphContext) {
  if (!id) return null;
  return needingProgramme(async () => ((await sheetExists(ctx, id)) ? { id } : null));
}

/** The `ActionSheetLinkSummary` of a territory's records: linked, naming no sheet, naming a deleted one. */
export async function linkSummary(
  rows: LinkCountRow[],
  ctx: SubgraphContext,
  operator: string,
  provenance: RecordProvenance,
) {
  return needingProgramme(async () => {
    const named = [...new Set(rows.flatMap((r) => (r.action_sheet_id ? [r.action_sheet_id] : [])))];
    const exists = new Map(await Promise.all(named.map(async (id) => [id, await sheetExists(ctx, id)] as const)));
    const count = (keep: (r: LinkCountRow) => boolean) => rows.filter(keep).reduce((sum, r) => sum + Number(r.n), 0);
    const recordCount = count(() => true);
    return {
      operator,
      recordCount,
      linkedCount: count((r) => !!r.action_sheet_id && exists.get(r.action_sheet_id) === true),
      withoutSheetCount: count((r) => !r.action_sheet_id),
      unlinkedCount: count((r) => !!r.action_sheet_id && exists.get(r.action_sheet_id) === false),
      provenance: provenanceOfCounts(
        recordCount,
        count((r) => r.origin === 'OPERATOR'),
        provenance,
      ),
    };
  });
}

/** The `ActionSheetSummary` of what one operator brought to one sheet (no record: zeros, sample provenance). */
export function sheetSummary(
  row: SheetSummaryRow | null,
  operator: string,
  provenance: RecordProvenance,
): {
  operator: string;
  recordCount: number;
  serviceCount: number;
  amountEur: number | null;
  firstDate: string | null;
  lastDate: string | null;
  provenance: Provenance;
} {
  const recordCount = Number(row?.record_count ?? 0);
  return {
    operator,
    recordCount,
    serviceCount: Number(row?.service_count ?? 0),
    amountEur: row?.amount == null ? null : Number(row.amount),
    firstDate: row?.first_date ?? null,
    lastDate: row?.last_date ?? null,
    provenance: provenanceOfCounts(recordCount, Number(row?.declared_count ?? 0), provenance),
  };
}

/** `ActionSheet` as an operator extends it: any id resolves (an unknown sheet has an empty slice); no SQL here. */
export const actionSheetReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};
