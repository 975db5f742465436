// DataLoader shapes used by every subgraph: one SQL statement per batch of keys, the kit's record pages per
// (territory, filter) batched per request, and reference rows read once per process.
import DataLoader from 'dataloader';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { isPostgres } from './database.ts';
import { decodeKeyset, encodeKeyset, pageSize, type CursorValue } from './cursors.ts';
import { filterConditions, validateFilters, type FilterValues } from './filters.ts';
import type { RecordSpec, Row } from './records.ts';

/** One value (or null) per key: the batch function of `oneLoader`. */
export function oneBatch<K extends string | number, V>(
  fetch: (keys: K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader.BatchLoadFn<K, V | null> {
  return async (keys) => {
    const rows = await fetch([...keys]);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  };
}

/** One value (or null) per key. */
export function oneLoader<K extends string | number, V>(
  fetch: (keys: K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader(oneBatch(fetch, keyOf));
}

/** Rows grouped by key, each group in the rows' order. */
export function groupBy<K, V>(rows: V[], keyOf: (row: V) => K): Map<K, V[]> {
  const byKey = new Map<K, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  }
  return byKey;
}

/** A list of values per key (empty when none): the batch function of `manyLoader`. */
export function manyBatch<K extends string | number, V>(
  fetch: (keys: K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader.BatchLoadFn<K, V[]> {
  return async (keys) => {
    const byKey = groupBy(await fetch([...keys]), keyOf);
    return keys.map((key) => byKey.get(key) ?? []);
  };
}

/** A list of values per key (empty when none). */
export function manyLoader<K extends string | number, V>(
  fetch: (keys: K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader(manyBatch(fetch, keyOf));
}

/** The reference loaders of each database handle, which outlive requests (`referenceLoader`). */
const referenceLoaders = new WeakMap<object, Map<string, DataLoader<never, unknown>>>();

/**
 * A loader of reference rows kept for the life of the process instead of one request. Reference rows are published
 * data that `ensureLoaded` writes at start and nothing writes while the process serves (territories, departments,
 * their published series); a release with new data starts new processes. Each key is read once, in one statement per
 * batch of keys not yet read (across concurrent requests), then answered from memory until the next load in this
 * process (`forgetReferences`). Never for rows operators write (records, their summaries): those change. Only for
 * tables bounded by the programme's perimeters, so the memory is that of a few hundred rows. Kept values are frozen
 * (a resolver that changed one would change every later request's answer); each load gets a shallow copy.
 */
export function referenceLoader<K, V>(db: object, name: string, batch: DataLoader.BatchLoadFn<K, V>): DataLoader<K, V> {
  let loaders = referenceLoaders.get(db);
  if (!loaders) referenceLoaders.set(db, (loaders = new Map()));
  let loader = loaders.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new ReferenceLoader<K, V>(batch);
    loaders.set(name, loader as unknown as DataLoader<never, unknown>);
  }
  return loader;
}

/**
 * A DataLoader whose kept values, loaded or primed (a page's rows), are frozen, and which hands each caller its own
 * shallow copy: @apollo/subgraph writes `__typename` on the entities a resolver returns. A failed batch is not kept.
 */
class ReferenceLoader<K, V> extends DataLoader<K, V> {
  constructor(batch: DataLoader.BatchLoadFn<K, V>) {
    super(async (keys) => Array.from(await batch(keys), deepFreeze));
  }
  override prime(key: K, value: V | PromiseLike<V> | Error): this {
    return super.prime(key, value instanceof Error ? value : deepFreeze(value));
  }
  override load(key: K): Promise<V> {
    return super.load(key).then(shallowCopy);
  }
}

/** After a load in this process: reference rows are read from the database again. */
export function forgetReferences(db: object): void {
  referenceLoaders.delete(db);
}

function shallowCopy<T>(value: T): T {
  if (Array.isArray(value)) return [...value] as T;
  return value && typeof value === 'object' ? { ...value } : value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Arguments of a record page: size, cursor and the filters the record kind declares. */
export type PageArgs = { first?: number | null; after?: string | null } & Record<string, unknown>;

/** A validated page request; `kind`, `filters`, `first` and `after` are also the batching key. */
export interface PageRequest {
  /** The record kind (`RecordSpec.kind`) whose pages these are. */
  kind: string;
  /** The value of the pages' partition column: a territory id, or an action sheet id for a sheet's pages. */
  partition: string;
  first: number;
  after: CursorValue[] | null;
  filters: FilterValues;
}

export interface Page<R> {
  totalCount: number;
  rows: R[];
  hasNextPage: boolean;
  /** Cursor of the last row of the page (null when empty). */
  endCursor: string | null;
}

/** Validates a page's arguments against the spec (page size, cursor, filters): BAD_USER_INPUT naming the argument. */
export function pageRequest(spec: RecordSpec, partition: string, args: PageArgs): PageRequest {
  const order = orderOf(spec);
  return {
    kind: spec.kind,
    partition,
    first: pageSize(args.first),
    after: decodeKeyset(
      args.after,
      order.map((c) => c.type),
    ),
    filters: validateFilters(spec.filters ?? {}, args),
  };
}

function orderOf(spec: RecordSpec) {
  if (!spec.order?.length || !spec.territoryColumn)
    throw new Error(`record kind ${spec.kind} declares no order or territoryColumn: it has no pages`);
  return spec.order;
}

/**
 * One page group's part of the statement: its partitions with their counts (a CTE, `partitions`), and the select of
 * each partition's page, numbered in the kind's order (`rows`).
 */
function pageGroupQuery(
  spec: RecordSpec,
  part: string,
  request: PageRequest,
  ids: string[],
  group: number,
  postgres: boolean,
) {
  const order = orderOf(spec);
  const ref = (alias: string, column: string) => sql.ref(`${alias}.${column}`);
  const orderBy = (alias: string) =>
    sql.join(order.map((c) => (c.descending ? sql`${ref(alias, c.column)} desc` : ref(alias, c.column))));
  // Strictly after the cursor in the order: a row comparison when every column ascends, else column by column.
  const afterCursor = (values: CursorValue[]) =>
    order.some((c) => c.descending)
      ? sql`(${sql.join(
          order.map((c, i) =>
            sql.join(
              [
                ...order.slice(0, i).map((p, j) => sql`${ref('c', p.column)} = ${values[j]}`),
                sql`${ref('c', c.column)} ${sql.raw(c.descending ? '<' : '>')} ${values[i]}`,
              ],
              sql` and `,
            ),
          ),
          sql` or `,
        )})`
      : sql`(${sql.join(order.map((c) => ref('c', c.column)))}) > (${sql.join(values)})`;
  const table = sql.table(spec.table);
  const partitions = sql.ref(`kit_partitions_${group}`);
  const filters = filterConditions(spec.filters ?? {}, request.filters, 'c');
  const where = (partition: RawBuilder<unknown>, after: boolean) =>
    sql.join(
      [
        sql`${ref('c', part)} = ${partition}`,
        ...filters,
        ...(after && request.after ? [afterCursor(request.after)] : []),
      ],
      sql` and `,
    );
  const values = sql.join(ids.map((id) => sql`(${id})`));
  // Index-ordered: a page is the first rows after the cursor (LIMIT, through the (partition, order) index), not a
  // numbering of the whole partition, so that its cost does not grow with the partition's records; only the total
  // counts them. The partitions are materialised first, so that each total is counted once, not once per row.
  const page = (columns: RawBuilder<unknown>) =>
    sql`select ${columns} from ${table} as c where ${where(sql`k.kit_part`, true)} order by ${orderBy('c')} limit ${request.first + 1}`;
  const numbered = sql`t.*, k.kit_part, ${sql.lit(group)} as kit_group, k.kit_total, row_number() over (partition by k.kit_part order by ${orderBy('t')}) as kit_rn`;
  return {
    partitions: sql`${partitions} as materialized (select v.kit_part, (select count(*) from ${table} as c where ${where(sql`v.kit_part`, false)}) as kit_total from (${
      postgres
        ? sql`select kit_part from (values ${values}) as ids (kit_part)`
        : sql`select column1 as kit_part from (values ${values})`
    }) as v)`,
    // PostgreSQL reads each partition's page with a lateral join; SQLite, which has none, with a correlated IN on the
    // rowid (evaluated once per partition).
    rows: postgres
      ? sql`select ${numbered} from ${partitions} as k left join lateral (${page(sql`c.*`)}) as t on true`
      : sql`select ${numbered} from ${partitions} as k left join ${table} as t on t.rowid in (${page(sql`c.rowid`)})`,
  };
}

/**
 * Pages per (territory, kind, filter) for one request, of one record kind or of several kinds sharing a table (e.g.
 * engineering's four kinds): every page of a batch — any number of territories, kinds and distinct filters — costs
 * ONE statement, the groups' selects joined by `union all`: per group, its partitions with their counts (a materialised
 * CTE), each joined to its page read by the (partition, order) index with LIMIT (lateral on PostgreSQL, a correlated
 * IN on SQLite), so that a page costs its rows and its count, not a numbering of the partition.
 * Rows come in the spec's stable order; the cursor is the order's values of the last row (keyset).
 * `partition`: the column grouping the pages, the territory by default (`action_sheet_id` for a sheet's records).
 */
export function pageLoader<DB, R extends Row = Row>(
  db: Kysely<DB>,
  specs: RecordSpec | readonly RecordSpec[],
  partition?: string,
): DataLoader<PageRequest, Page<R>, string> {
  const list: readonly RecordSpec[] = Array.isArray(specs) ? specs : [specs as RecordSpec];
  const byKind = new Map(list.map((s) => [s.kind, s]));
  for (const spec of list) {
    orderOf(spec);
    if (spec.table !== list[0]!.table || spec.territoryColumn !== list[0]!.territoryColumn)
      throw new Error(`pageLoader: record kinds ${list.map((s) => s.kind).join(', ')} do not share one table`);
  }
  const part = partition ?? list[0]!.territoryColumn!;
  const groupOf = (k: PageRequest) => JSON.stringify([k.kind, k.first, k.after, k.filters]);
  return new DataLoader<PageRequest, Page<R>, string>(
    async (keys) => {
      const groups = new Map<string, { request: PageRequest; spec: RecordSpec; ids: Set<string> }>();
      for (const key of keys) {
        const spec = byKind.get(key.kind);
        if (!spec) throw new Error(`pageLoader: no record kind ${key.kind} here (${[...byKind.keys()].join(', ')})`);
        const group = groups.get(groupOf(key)) ?? { request: key, spec, ids: new Set<string>() };
        group.ids.add(key.partition);
        groups.set(groupOf(key), group);
      }
      const batch = [...groups.values()];
      const postgres = isPostgres(db);
      const queries = batch.map((g, i) => pageGroupQuery(g.spec, part, g.request, [...g.ids], i, postgres));
      const rows = await sql<
        R & { kit_group: number; kit_part: string; kit_rn: number; kit_total: number }
      >`with ${sql.join(queries.map((q) => q.partitions))} ${sql.join(
        queries.map((q) => q.rows),
        sql` union all `,
      )}`.execute(db);
      // Rows by group and partition, in page order (a union has no order of its own). A partition with no row on
      // its page still comes once, its record columns null, with its total.
      const found = new Map<string, { rn: number; row: R }[]>();
      const counts = new Map<string, number>();
      for (const { kit_group: group, kit_part: partition, kit_rn: rn, kit_total: total, ...row } of rows.rows) {
        const at = `${Number(group)}|${String(partition)}`;
        counts.set(at, Number(total));
        // The row of a partition with an empty page: its record columns, the partition's own included, are null.
        if (row[part] === null || row[part] === undefined) continue;
        const bucket = found.get(at) ?? [];
        bucket.push({ rn: Number(rn), row: row as unknown as R });
        found.set(at, bucket);
      }
      const pages = new Map<string, Page<R>>();
      batch.forEach(({ request, spec, ids }, group) => {
        for (const id of ids) {
          const after = (found.get(`${group}|${id}`) ?? []).sort((a, b) => a.rn - b.rn).map((f) => f.row);
          const pageRows = after.slice(0, request.first);
          const last = pageRows[pageRows.length - 1];
          pages.set(`${id}|${groupOf(request)}`, {
            totalCount: counts.get(`${group}|${id}`) ?? 0,
            rows: pageRows,
            hasNextPage: after.length > request.first,
            endCursor: last ? encodeKeyset(orderOf(spec).map((c) => last[c.column] as CursorValue)) : null,
          });
        }
      });
      return keys.map((k) => pages.get(`${k.partition}|${groupOf(k)}`)!);
    },
    { cacheKeyFn: (k) => `${k.partition}|${groupOf(k)}` },
  );
}
