// The record kit's summary tables: the figures of every group a record counts in (its territory, a service of its
// territory, its region, its phase…), kept up to date by every write and import in the write's own transaction, so
// that a total is read in O(groups) and never re-aggregated from the records, and is always consistent with them.
//
// Kept by deltas: a record leaving a group subtracts, one arriving adds. Each table takes one upsert per change
// (INSERT … ON CONFLICT DO UPDATE SET value = value + delta): PostgreSQL applies it to the committed value under the
// row's lock, so two writers of the same group never lose each other's increment. Rows are sent sorted, so writers
// lock them in the same order (no deadlock). Distinct counts and first/last dates cannot be kept by increments
// alone: they keep their members (value → how many records) in `kit_summary_member`, and change when one appears or
// goes. A missing row reads as 0: rows that fall to 0 are deleted, so the tables hold only live groups.
import DataLoader from 'dataloader';
import { sql, type ExpressionBuilder, type Kysely, type Migration } from 'kysely';
import { isPostgres } from './database.ts';
import { parseTerritoryId } from './perimeters.ts';
import type { KitDB, RecordSpec, Row } from './records.ts';

/** A way of grouping records: the groups a record counts in (none: it does not count at this level). */
export interface SummaryLevel {
  /** Group keys of a record at this level, e.g. its service id, or `<phase>|<region code>`. */
  groups: (row: Row) => string[];
  /** The measures kept at this level (default: all), so that a level keeps only what its readers use. */
  measures?: string[];
  /**
   * The groups belong to the record's territory (`territoryColumn`): read with the territory's other groups in one
   * statement (`summaryLoader`). Otherwise the level is read whole (regions, phases).
   */
  perTerritory?: true;
}

/** A figure kept per group. `when` selects the records it counts (default: all). */
export type Measure =
  | { kind: 'count'; when?: (row: Row) => boolean }
  /** Sum of a numeric column, kept in hundredths (exact; euros to the cent). */
  | { kind: 'sum'; column: string; when?: (row: Row) => boolean }
  /** Number of distinct non-null values of a column, or of a value computed from the row (a site: name and commune). */
  | { kind: 'distinct'; column: string | ((row: Row) => unknown); when?: (row: Row) => boolean }
  /** Earliest or latest non-null date (YYYY-MM-DD) of a column. */
  | { kind: 'first' | 'last'; column: string | ((row: Row) => unknown); when?: (row: Row) => boolean };

/** The value a distinct, first or last measure keeps of a row: its column, or what its function computes. */
export const memberOf = (column: string | ((row: Row) => unknown), row: Row): unknown =>
  typeof column === 'function' ? column(row) : row[column];

export interface SummarySpec {
  /** Part of the state: a change of levels or measures rebuilds the kind's summaries at the next start. */
  version: string;
  levels: Record<string, SummaryLevel>;
  measures: Record<string, Measure>;
  /**
   * Name of the summaries (default: the record kind). Record kinds that share one table share its summaries by
   * declaring the same SummarySpec with a name: a write of any of them keeps them, and the rebuild (which reads the
   * whole table) fills them once, so that distinct counts across the kinds stay exact.
   */
  name?: string;
}

/** The `kind` of a record kind's rows in the summary tables: its summaries' name, or the record kind. */
export const summaryKind = (spec: RecordSpec): string => spec.summary?.name ?? spec.kind;

/** One record kind per summaries: the kinds sharing named summaries rebuild them once. */
export function summarised(records: readonly RecordSpec[]): RecordSpec[] {
  const seen = new Set<string>();
  return records.filter((spec) => {
    if (!spec.summary || seen.has(summaryKind(spec))) return false;
    seen.add(summaryKind(spec));
    return true;
  });
}

interface SummaryRow {
  kind: string;
  level: string;
  /** The territory for per-territory levels, '' otherwise. */
  scope: string;
  group_key: string;
  measure: string;
  value: number;
}
interface MemberRow extends Omit<SummaryRow, 'value'> {
  member: string;
  n: number;
}
export interface SummaryDB {
  kit_summary: SummaryRow;
  kit_summary_member: MemberRow;
  kit_summary_state: { kind: string; version: string };
}

/** The kit's migration of the summary tables (every subgraph has them, used or not). */
export const summaryMigration: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async up(db: Kysely<any>) {
    // SQLite: the primary key is the table (no rowid, no second copy of the keys in an index): half the size.
    const clustered = isPostgres(db) ? sql`` : sql`without rowid`;
    await db.schema
      .createTable('kit_summary')
      .ifNotExists()
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('group_key', 'text', (c) => c.notNull())
      .addColumn('measure', 'text', (c) => c.notNull())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('kit_summary_pk', ['kind', 'level', 'scope', 'group_key', 'measure'])
      .modifyEnd(clustered)
      .execute();
    // A territory's groups of every level in one index range (summaryLoader).
    await db.schema
      .createIndex('kit_summary_scope')
      .ifNotExists()
      .on('kit_summary')
      .columns(['kind', 'scope'])
      .execute();
    await db.schema
      .createTable('kit_summary_member')
      .ifNotExists()
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('group_key', 'text', (c) => c.notNull())
      .addColumn('measure', 'text', (c) => c.notNull())
      .addColumn('member', 'text', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('kit_summary_member_pk', ['kind', 'level', 'scope', 'group_key', 'measure', 'member'])
      .modifyEnd(clustered)
      .execute();
    await db.schema
      .createTable('kit_summary_state')
      .ifNotExists()
      .addColumn('kind', 'text', (c) => c.primaryKey())
      .addColumn('version', 'text', (c) => c.notNull())
      .execute();
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async down(db: Kysely<any>) {
    for (const table of ['kit_summary_state', 'kit_summary_member', 'kit_summary'])
      await db.schema.dropTable(table).ifExists().execute();
  },
};

const SEP = '\u0001';
/** A value from a record, safe inside a group id (a control character a text field may hold cannot split it). */
const part = (value: unknown) => String(value).replaceAll(SEP, '\uFFFD');
const groupId = (level: string, scope: string, key: string, measure: string) => [level, scope, key, measure].join(SEP);
const dateValue = (date: string) => Number(date.replace(/-/g, ''));
const dateOf = (value: number) => {
  const s = String(value);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
};

/** What a set of records adds to (sign +1) or takes from (-1) the groups: increments and member counts. */
class Deltas {
  readonly values = new Map<string, number>();
  readonly members = new Map<string, number>();
  /** Each level with the measures it keeps, decided once (a rebuild adds every record of the kind). */
  private readonly plan: { level: string; def: SummaryLevel; measures: [string, Measure][] }[];
  constructor(
    private readonly spec: RecordSpec,
    summary: SummarySpec,
  ) {
    this.plan = Object.entries(summary.levels).map(([level, def]) => ({
      level,
      def,
      measures: Object.entries(summary.measures).filter(([name]) => !def.measures || def.measures.includes(name)),
    }));
  }

  add(row: Row, sign: 1 | -1) {
    const scopeColumn = this.spec.territoryColumn;
    // Each measure's `when`, once per record rather than once per level.
    const counts = new Map<Measure, boolean>();
    const applies = (m: Measure) => {
      let yes = counts.get(m);
      if (yes === undefined) counts.set(m, (yes = !m.when || m.when(row)));
      return yes;
    };
    for (const { level, def, measures } of this.plan) {
      const scope = def.perTerritory ? part(row[scopeColumn!] ?? '') : '';
      for (const key of def.groups(row)) {
        const prefix = level + SEP + scope + SEP + part(key) + SEP;
        for (const [name, m] of measures) {
          if (!applies(m)) continue;
          if (m.kind === 'count') this.bump(this.values, prefix + name, sign);
          else if (m.kind === 'sum')
            this.bump(this.values, prefix + name, sign * Math.round(Number(row[m.column] ?? 0) * 100));
          else {
            const member = memberOf(m.column, row);
            if (member === null || member === undefined || member === '') continue;
            this.bump(this.members, prefix + name + SEP + part(member), sign);
          }
        }
      }
    }
  }

  private bump(map: Map<string, number>, id: string, delta: number) {
    const value = (map.get(id) ?? 0) + delta;
    if (value === 0) map.delete(id);
    else map.set(id, value);
  }
}

// Bound parameters per statement (SQLite allows 32,766).
const CHUNK = 2000;
const sorted = <T>(map: Map<string, T>) => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Applies a change of records to the kind's summaries, inside the write's transaction: `before` are the rows as they
 * were (deleted, or before an update), `after` the rows as they are now (created, or after an update).
 */
export async function maintainSummaries(
  trx: Kysely<KitDB>,
  spec: RecordSpec,
  change: { before: Row[]; after: Row[] },
): Promise<void> {
  const summary = spec.summary;
  if (!summary) return;
  const deltas = new Deltas(spec, summary);
  for (const row of change.before) deltas.add(row, -1);
  for (const row of change.after) deltas.add(row, 1);
  const db = trx as unknown as Kysely<SummaryDB>;
  const kind = summaryKind(spec);

  // Members first: their appearances and disappearances become increments of distinct counts, and the groups whose
  // first or last date may have moved are recomputed from their members.
  const increments = new Map(deltas.values);
  const recompute = new Set<string>();
  const memberRows = sorted(deltas.members).map(([id, n]) => {
    const [level, scope, group_key, measure, member] = id.split(SEP) as [string, string, string, string, string];
    return { kind, level, scope, group_key, measure, member, n };
  });
  for (let i = 0; i < memberRows.length; i += CHUNK) {
    const chunk = memberRows.slice(i, i + CHUNK);
    const result = await db
      .insertInto('kit_summary_member')
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns(['kind', 'level', 'scope', 'group_key', 'measure', 'member'])
          .doUpdateSet({ n: sql<number>`kit_summary_member.n + excluded.n` }),
      )
      .returning(['level', 'scope', 'group_key', 'measure', 'member', 'n'])
      .execute();
    const deltaOf = new Map(
      chunk.map((r) => [groupId(r.level, r.scope, r.group_key, r.measure) + SEP + r.member, r.n]),
    );
    for (const r of result) {
      const id = groupId(r.level, r.scope, r.group_key, r.measure);
      const now = Number(r.n);
      const before = now - deltaOf.get(`${id}${SEP}${r.member}`)!;
      const m = summary.measures[r.measure]!;
      if (m.kind === 'distinct') {
        const step = before <= 0 && now > 0 ? 1 : before > 0 && now <= 0 ? -1 : 0;
        if (step) increments.set(id, (increments.get(id) ?? 0) + step);
      } else if (before <= 0 !== now <= 0) recompute.add(id);
    }
    await db
      .deleteFrom('kit_summary_member')
      .where('kind', '=', kind)
      .where('n', '<=', 0)
      .where((eb) =>
        eb(
          eb.refTuple('level', 'scope', 'group_key', 'measure', 'member'),
          'in',
          chunk.map((r) => eb.tuple(r.level, r.scope, r.group_key, r.measure, r.member)),
        ),
      )
      .execute();
  }

  const summaryRows = sorted(increments).map(([id, value]) => {
    const [level, scope, group_key, measure] = id.split(SEP) as [string, string, string, string];
    return { kind, level, scope, group_key, measure, value };
  });
  for (let i = 0; i < summaryRows.length; i += CHUNK) {
    const chunk = summaryRows.slice(i, i + CHUNK);
    await db
      .insertInto('kit_summary')
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns(['kind', 'level', 'scope', 'group_key', 'measure'])
          .doUpdateSet({ value: sql<number>`kit_summary.value + excluded.value` }),
      )
      .execute();
    await deleteZeros(db, kind, chunk);
  }

  // First and last dates of the groups whose set of dates changed, from their members, under the group row's lock
  // (PostgreSQL): a concurrent writer of the same group recomputes after this one commits, and sees its members.
  const groups = sorted(new Map([...recompute].map((id) => [id, id.split(SEP) as [string, string, string, string]])));
  for (let i = 0; i < groups.length; i += CHUNK) {
    const chunk = groups.slice(i, i + CHUNK).map(([, g]) => g);
    const inGroups = (eb: ExpressionBuilder<SummaryDB, 'kit_summary' | 'kit_summary_member'>) =>
      eb(
        eb.refTuple('level', 'scope', 'group_key', 'measure'),
        'in',
        chunk.map(([level, scope, key, measure]) => eb.tuple(level, scope, key, measure)),
      );
    if (isPostgres(db))
      await db.selectFrom('kit_summary').select('value').where('kind', '=', kind).where(inGroups).forUpdate().execute();
    const extremes = await db
      .selectFrom('kit_summary_member')
      .select(['level', 'scope', 'group_key', 'measure'])
      .select((eb) => [eb.fn.min<string>('member').as('first'), eb.fn.max<string>('member').as('last')])
      .where('kind', '=', kind)
      .where(inGroups)
      .groupBy(['level', 'scope', 'group_key', 'measure'])
      .execute();
    const valueOf = new Map(
      extremes.map((e) => [
        groupId(e.level, e.scope, e.group_key, e.measure),
        dateValue(summary.measures[e.measure]!.kind === 'first' ? e.first : e.last),
      ]),
    );
    const rows = chunk.map(([level, scope, group_key, measure]) => ({
      kind,
      level,
      scope,
      group_key,
      measure,
      value: valueOf.get(groupId(level, scope, group_key, measure)) ?? 0,
    }));
    await db
      .insertInto('kit_summary')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['kind', 'level', 'scope', 'group_key', 'measure'])
          .doUpdateSet({ value: sql<number>`excluded.value` }),
      )
      .execute();
    await deleteZeros(db, kind, rows);
  }
}

async function deleteZeros(
  db: Kysely<SummaryDB>,
  kind: string,
  rows: { level: string; scope: string; group_key: string; measure: string }[],
) {
  await db
    .deleteFrom('kit_summary')
    .where('kind', '=', kind)
    .where('value', '=', 0)
    .where((eb) =>
      eb(
        eb.refTuple('level', 'scope', 'group_key', 'measure'),
        'in',
        rows.map((r) => eb.tuple(r.level, r.scope, r.group_key, r.measure)),
      ),
    )
    .execute();
}

/**
 * Recomputes a kind's summaries from all its records (the load, a new summary version, records moved by a
 * migration), inside the caller's transaction. Reads the records in pages, so the memory is that of the groups.
 */
export async function rebuildSummaries(trx: Kysely<KitDB>, spec: RecordSpec): Promise<void> {
  const summary = spec.summary;
  if (!summary) return;
  const db = trx as unknown as Kysely<SummaryDB>;
  const kind = summaryKind(spec);
  await db.deleteFrom('kit_summary').where('kind', '=', kind).execute();
  await db.deleteFrom('kit_summary_member').where('kind', '=', kind).execute();
  const key = columnOfKey(spec);
  const deltas = new Deltas(spec, summary);
  let last: string | undefined;
  for (;;) {
    let page = trx.selectFrom(spec.table).selectAll().orderBy(key).limit(10_000);
    if (last !== undefined) page = page.where(key, '>', last);
    const rows = (await page.execute()) as Row[];
    for (const row of rows) deltas.add(row, 1);
    if (rows.length < 10_000) break;
    last = String(rows[rows.length - 1]![key]);
  }
  const members = sorted(deltas.members).map(([id, n]) => {
    const [level, scope, group_key, measure, member] = id.split(SEP) as [string, string, string, string, string];
    return { kind, level, scope, group_key, measure, member, n };
  });
  const values = new Map(deltas.values);
  const extremes = new Map<string, number>();
  for (const m of members) {
    const id = groupId(m.level, m.scope, m.group_key, m.measure);
    const measure = summary.measures[m.measure]!;
    if (measure.kind === 'distinct') values.set(id, (values.get(id) ?? 0) + 1);
    else {
      const date = dateValue(m.member);
      const current = extremes.get(id);
      if (current === undefined || (measure.kind === 'first' ? date < current : date > current)) extremes.set(id, date);
    }
  }
  for (const [id, v] of extremes) values.set(id, v);
  const rows = sorted(values).map(([id, value]) => {
    const [level, scope, group_key, measure] = id.split(SEP) as [string, string, string, string];
    return { kind, level, scope, group_key, measure, value };
  });
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto('kit_summary')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  for (let i = 0; i < members.length; i += CHUNK)
    await db
      .insertInto('kit_summary_member')
      .values(members.slice(i, i + CHUNK))
      .execute();
  await db.deleteFrom('kit_summary_state').where('kind', '=', kind).execute();
  await db.insertInto('kit_summary_state').values({ kind, version: summary.version }).execute();
}

function columnOfKey(spec: RecordSpec): string {
  const field = spec.fields.find((f) => f.name === spec.key)!;
  return field.column ?? field.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Whether a kind's summaries were built with its current version (else they are rebuilt at start). */
export async function summariesCurrent(db: Kysely<KitDB>, spec: RecordSpec): Promise<boolean> {
  if (!spec.summary) return true;
  const state = await (db as unknown as Kysely<SummaryDB>)
    .selectFrom('kit_summary_state')
    .select('version')
    .where('kind', '=', summaryKind(spec))
    .executeTakeFirst();
  return state?.version === spec.summary.version;
}

/** Marks a kind's (null: every kind's) summaries out of date (records changed outside the kit: a migration). */
export async function invalidateSummaries(db: Kysely<KitDB>, kind: string | null): Promise<void> {
  let query = (db as unknown as Kysely<SummaryDB>).deleteFrom('kit_summary_state');
  if (kind !== null) query = query.where('kind', '=', kind);
  await query.execute();
}

/** The figures of one group, by measure name: numbers (sums in euros), dates for first/last; absent = 0 or null. */
export type Figures = Record<string, number | string | null>;

/** One level's groups: group key → figures. */
export type LevelFigures = Map<string, Figures>;

function decode(
  summary: SummarySpec,
  rows: { level: string; scope: string; group_key: string; measure: string; value: number }[],
) {
  const out = new Map<string, Map<string, Map<string, Figures>>>();
  for (const r of rows) {
    const measure = summary.measures[r.measure];
    if (!measure) continue;
    const byLevel = out.get(r.scope) ?? new Map<string, Map<string, Figures>>();
    out.set(r.scope, byLevel);
    const groups = byLevel.get(r.level) ?? new Map<string, Figures>();
    byLevel.set(r.level, groups);
    const figures = groups.get(r.group_key) ?? {};
    groups.set(r.group_key, figures);
    const value = Number(r.value);
    figures[r.measure] =
      measure.kind === 'sum'
        ? value / 100
        : measure.kind === 'first' || measure.kind === 'last'
          ? dateOf(value)
          : value;
  }
  return out;
}

/** A measure of a group's figures as a number (0 when the group has none). */
export const figure = (figures: Figures | undefined, measure: string): number => Number(figures?.[measure] ?? 0);
/** A first/last measure as a date (null when none). */
export const dateFigure = (figures: Figures | undefined, measure: string): string | null =>
  (figures?.[measure] as string | undefined) ?? null;

/** One level's groups keyed as read whole: `<scope>|<group>` for per-territory levels, the group key otherwise. */
function byLevel(decoded: Map<string, Map<string, Map<string, Figures>>>): Map<string, LevelFigures> {
  const out = new Map<string, LevelFigures>();
  for (const [scope, levels] of decoded)
    for (const [level, groups] of levels) {
      const target = out.get(level) ?? new Map<string, Figures>();
      out.set(level, target);
      for (const [key, figures] of groups) target.set(scope && key ? `${scope}|${key}` : scope || key, figures);
    }
  return out;
}

/** The stored rows of some kinds (levels, territories), in one statement; decoded per kind: kind → scope → level. */
async function readKinds<DB>(
  db: Kysely<DB>,
  specs: readonly RecordSpec[],
  where: { levels?: readonly string[]; territories?: readonly string[] },
) {
  const out = new Map<string, Map<string, Map<string, Map<string, Figures>>>>();
  // No level asked: nothing to read (and `in ()` is not SQL).
  if (where.levels?.length === 0) {
    for (const spec of specs) out.set(spec.kind, new Map());
    return out;
  }
  const kinds = [...new Set(specs.map(summaryKind))];
  let query = (db as unknown as Kysely<SummaryDB>)
    .selectFrom('kit_summary')
    .select(['kind', 'level', 'scope', 'group_key', 'measure', 'value'])
    .where('kind', 'in', kinds);
  if (where.levels) query = query.where('level', 'in', [...where.levels]);
  if (where.territories) query = query.where('scope', 'in', [...where.territories]);
  const rows = await query.execute();
  for (const spec of specs) {
    const own = rows.filter((r) => r.kind === summaryKind(spec));
    out.set(spec.kind, decode(spec.summary!, own));
  }
  return out;
}

/** Every group of the levels read whole (regions, phases…): one statement, O(groups). */
export async function readLevels<DB>(
  db: Kysely<DB>,
  spec: RecordSpec,
  levels: string[],
): Promise<Map<string, LevelFigures>> {
  return (await readKindsLevels(db, [spec], levels)).get(spec.kind)!;
}

/**
 * `readLevels` for an operator whose figures add up several record kinds: every kind's groups of the levels, in one
 * statement; kind → level → groups.
 */
export async function readKindsLevels<DB>(
  db: Kysely<DB>,
  specs: readonly RecordSpec[],
  levels: readonly string[],
): Promise<Map<string, Map<string, LevelFigures>>> {
  const decoded = await readKinds(db, specs, { levels });
  return new Map(specs.map((spec) => [spec.kind, byLevel(decoded.get(spec.kind)!)]));
}

/** A territory's groups of every per-territory level: level → group key → figures. */
export type TerritoryFigures = Map<string, LevelFigures>;

/**
 * A territory's summaries of several record kinds, in one statement per batch of territories, optionally only some levels
 * (a kind with many per-territory levels, read by the few a request needs): per territory, kind → its figures.
 */
export async function readKindsTerritories<DB>(
  db: Kysely<DB>,
  specs: readonly RecordSpec[],
  territories: readonly string[],
  levels?: readonly string[],
): Promise<Map<string, TerritoryFigures>[]> {
  const decoded = await readKinds(db, specs, { territories, ...(levels ? { levels } : {}) });
  return territories.map(
    (t) => new Map(specs.map((spec) => [spec.kind, decoded.get(spec.kind)!.get(t) ?? new Map<string, LevelFigures>()])),
  );
}

/** One per-territory level of one territory, as a `summaryLoader` key. */
export interface TerritoryLevel {
  territory: string;
  level: string;
}

/**
 * Per request: a territory's groups at one per-territory level (group key → figures; empty when it has none). The
 * keys of a batch (several territories, several levels) cost one statement, which reads those levels only.
 */
export function summaryLoader<DB>(db: Kysely<DB>, spec: RecordSpec): DataLoader<TerritoryLevel, LevelFigures, string> {
  return new DataLoader<TerritoryLevel, LevelFigures, string>(
    async (keys) => {
      const territories = [...new Set(keys.map((k) => k.territory))];
      const levels = [...new Set(keys.map((k) => k.level))];
      const decoded = (await readKinds(db, [spec], { territories, levels })).get(spec.kind)!;
      return keys.map((k) => decoded.get(k.territory)?.get(k.level) ?? new Map<string, Figures>());
    },
    { cacheKeyFn: (k) => `${k.level}\u0001${k.territory}` },
  );
}

// ---- the totals every operator serves (PanierTotal: by PHASE, REGION or TERRITORY, optionally one phase, one axis) ----

export type TotalsGroup = 'PHASE' | 'REGION' | 'TERRITORY';

/**
 * The levels behind an operator's totals, each with the `measures` it keeps. A record counts in its territory, its
 * phase and its region (all phases, and its phase), and again per axis of its service (`axesOf`).
 */
export function totalsLevels(
  territoryOf: (row: Row) => string,
  axesOf: (row: Row) => readonly string[],
  measures: string[],
): Record<string, SummaryLevel> {
  const phaseRegion = (row: Row) => {
    const parsed = parseTerritoryId(territoryOf(row));
    return { phase: parsed?.phase ?? '', region: parsed?.regionCode ?? '' };
  };
  const level = (keys: (row: Row) => string[], perTerritory?: true): SummaryLevel => ({
    groups: keys,
    measures,
    ...(perTerritory ? { perTerritory } : {}),
  });
  const axes = (row: Row, prefix: string) => axesOf(row).map((a) => (prefix ? `${prefix}|${a}` : a));
  return {
    'total:TERRITORY': level(() => [''], true),
    'total:TERRITORY:axis': level((r) => axes(r, ''), true),
    'total:PHASE': level((r) => [phaseRegion(r).phase]),
    'total:PHASE:axis': level((r) => axes(r, phaseRegion(r).phase)),
    'total:REGION': level((r) => [phaseRegion(r).region]),
    'total:REGION:axis': level((r) => axes(r, phaseRegion(r).region)),
    'total:REGION:phase': level((r) => [`${phaseRegion(r).phase}|${phaseRegion(r).region}`]),
    'total:REGION:phase:axis': level((r) => axes(r, `${phaseRegion(r).phase}|${phaseRegion(r).region}`)),
  };
}

export interface TotalsArgs {
  by: TotalsGroup;
  phase?: string | null;
  axis?: string | null;
}

/** The level a total is read from (`readTotals`; `totalsOf` then keeps and keys its groups). */
export function totalsLevel(args: TotalsArgs): string {
  const withPhase = args.by === 'REGION' && args.phase;
  return `total:${args.by}${withPhase ? ':phase' : ''}${args.axis ? ':axis' : ''}`;
}

/** The groups of a total's level (`totalsLevel`) that the arguments select, by group key, sorted by key. */
export function totalsOf(groups: LevelFigures | undefined, args: TotalsArgs): { key: string; figures: Figures }[] {
  const withPhase = args.by === 'REGION' && args.phase;
  const out: { key: string; figures: Figures }[] = [];
  for (const [full, figures] of groups ?? new Map<string, Figures>()) {
    const parts = full.split('|');
    if (args.axis && parts.pop() !== args.axis) continue;
    if (withPhase && parts.shift() !== args.phase) continue;
    const key = parts.join('|');
    if (args.phase && args.by === 'PHASE' && key !== args.phase) continue;
    if (args.phase && args.by === 'TERRITORY' && key.split(':')[0] !== args.phase) continue;
    out.push({ key, figures });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Totals by group, read from the summaries: one statement, O(groups); sorted by group key. */
export async function readTotals<DB>(
  db: Kysely<DB>,
  spec: RecordSpec,
  args: TotalsArgs,
): Promise<{ key: string; figures: Figures }[]> {
  const level = totalsLevel(args);
  return totalsOf((await readLevels(db, spec, [level])).get(level), args);
}
