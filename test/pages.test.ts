// The kit's record pages (runtime/loaders.ts pageLoader) against a plain model of them, on the dialect of the run:
// every page of every partition, first pages and pages after a cursor (the last row, past the end, between rows),
// ascending and descending orders, a filter, several kinds of one table; one statement per batch, whatever its filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKeyset } from '../subgraphs/runtime/cursors.ts';
import { openDatabase, type Database } from '../subgraphs/runtime/database.ts';
import { pageLoader, pageRequest, type PageArgs } from '../subgraphs/runtime/loaders.ts';
import type { RecordSpec } from '../subgraphs/runtime/records.ts';
import { POSTGRES_URL } from './support/harness.ts';
import { testSchema } from './support/schemas.ts';

interface Item {
  territory_id: string;
  reference: string;
  date: string;
  kind: string;
}
interface PagesDB {
  item: Item;
}

/** Partitions with 0 to 13 rows (p0 has none); dates repeat so that the reference breaks ties. */
const ITEMS: Item[] = ['p1', 'p2', 'p3', 'p4'].flatMap((territory, t) =>
  Array.from({ length: [1, 4, 13, 7][t]! }, (_, i) => ({
    territory_id: territory,
    reference: `${territory}-${String((i * 7) % 13).padStart(2, '0')}`,
    date: `2024-0${1 + (i % 3)}-01`,
    kind: i % 2 ? 'odd' : 'even',
  })),
);
const PARTITIONS = ['p0', 'p1', 'p2', 'p3', 'p4'];

const spec = (descending: boolean, kind = 'item'): RecordSpec => ({
  kind,
  table: 'item',
  key: 'reference',
  fields: [],
  toRow: (value) => value,
  territoryColumn: 'territory_id',
  order: [
    descending ? { column: 'date', type: 'string', descending: true } : { column: 'date', type: 'string' },
    { column: 'reference', type: 'string' },
  ],
  filters: { kind: { kind: 'equals', column: 'kind', type: 'string' } },
});

/** The page the kit must serve, computed in memory. */
function model(descending: boolean, partition: string, args: { first: number; after?: Item; kind?: string }) {
  const compare = (a: Item, b: Item) =>
    (descending ? b.date.localeCompare(a.date) : a.date.localeCompare(b.date)) ||
    a.reference.localeCompare(b.reference);
  const all = ITEMS.filter((i) => i.territory_id === partition && (!args.kind || i.kind === args.kind)).sort(compare);
  const after = args.after ? all.filter((i) => compare(i, args.after!) > 0) : all;
  const rows = after.slice(0, args.first);
  const last = rows.at(-1);
  return {
    totalCount: all.length,
    references: rows.map((r) => r.reference),
    hasNextPage: after.length > args.first,
    endCursor: last ? encodeKeyset([last.date, last.reference]) : null,
  };
}

let database: Database<PagesDB>;
beforeAll(async () => {
  database = await openDatabase<PagesDB>({
    name: 'pages_test',
    url: POSTGRES_URL ?? 'sqlite::memory:',
    schema: testSchema('pages'),
  });
  await database.db.schema
    .createTable('item')
    .addColumn('territory_id', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.primaryKey())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .execute();
  await database.db.insertInto('item').values(ITEMS).execute();
});
afterAll(async () => {
  await database?.close();
});

/** One request's pages (a fresh loader, as per request), with the statements they cost. */
async function pages(
  descending: boolean,
  requests: { partition: string; args: PageArgs; spec?: RecordSpec }[],
  specs: RecordSpec[] = [spec(descending)],
) {
  const loader = pageLoader<PagesDB, Item & Record<string, unknown>>(database.db, specs);
  const before = database.stats.statements;
  const answers = await Promise.all(
    requests.map((r) => loader.load(pageRequest(r.spec ?? specs[0]!, r.partition, r.args))),
  );
  return {
    statements: database.stats.statements - before,
    pages: answers.map((p) => ({
      totalCount: p.totalCount,
      references: p.rows.map((r) => r.reference),
      hasNextPage: p.hasNextPage,
      endCursor: p.endCursor,
    })),
  };
}

describe('record pages (kit pageLoader)', () => {
  for (const descending of [false, true]) {
    const order = descending ? 'date descending' : 'date ascending';

    it(`first pages of every partition, ${order}: one statement for every filter, empty partitions counted 0`, async () => {
      const requests: { partition: string; args: { first: number; kind?: string } }[] = [
        ...PARTITIONS.map((partition) => ({ partition, args: { first: 3 } })),
        ...PARTITIONS.map((partition) => ({ partition, args: { first: 3, kind: 'odd' } })),
      ];
      const { statements, pages: answer } = await pages(descending, requests);
      expect(statements).toBe(1);
      expect(answer).toEqual(requests.map((r) => model(descending, r.partition, r.args)));
    });

    it(`walks every partition to its end with cursors, ${order}, each page one statement`, async () => {
      for (const first of [1, 2, 5, 20]) {
        for (const kind of [undefined, 'even']) {
          for (const partition of PARTITIONS) {
            const seen: string[] = [];
            let after: string | null = null;
            let last: Item | undefined;
            for (let step = 0; step < 20; step++) {
              const { statements, pages: answer } = await pages(descending, [
                { partition, args: { first, after, kind } },
              ]);
              expect(statements).toBe(1);
              const page = answer[0]!;
              expect([partition, first, kind, page]).toEqual([
                partition,
                first,
                kind,
                model(descending, partition, { first, after: last, kind }),
              ]);
              seen.push(...page.references);
              if (!page.hasNextPage) break;
              after = page.endCursor;
              last = ITEMS.find((i) => i.reference === page.references.at(-1));
            }
            expect(seen).toEqual(model(descending, partition, { first: 100, kind }).references);
          }
        }
      }
    });

    it(`after the last row or past every row, ${order}: an empty page that still has the total`, async () => {
      const rows = model(descending, 'p3', { first: 100 }).references.map((reference) =>
        ITEMS.find((i) => i.reference === reference)!,
      );
      const lastRow = rows.at(-1)!;
      const beyond: Item = { ...lastRow, date: descending ? '2000-01-01' : '2999-01-01' };
      for (const after of [lastRow, beyond]) {
        const cursor = encodeKeyset([after.date, after.reference]);
        // The same cursor for several partitions: one statement; p3 ends there, the others answer from the cursor on.
        const { statements, pages: answer } = await pages(
          descending,
          PARTITIONS.map((partition) => ({ partition, args: { first: 4, after: cursor } })),
        );
        expect(statements).toBe(1);
        expect(answer).toEqual(PARTITIONS.map((partition) => model(descending, partition, { first: 4, after })));
        expect(answer[3]).toEqual({ totalCount: 13, references: [], hasNextPage: false, endCursor: null });
      }
    });

    it(`a cursor between rows of another partition starts each partition at its place, ${order}`, async () => {
      const middle = ITEMS.find((i) => i.territory_id === 'p3' && i.date === '2024-02-01')!;
      const cursor = encodeKeyset([middle.date, middle.reference]);
      const { statements, pages: answer } = await pages(
        descending,
        PARTITIONS.flatMap((partition) => [
          { partition, args: { first: 2, after: cursor } },
          { partition, args: { first: 2, after: cursor, kind: 'odd' } },
        ]),
      );
      expect(statements).toBe(1);
      expect(answer).toEqual(
        PARTITIONS.flatMap((partition) => [
          model(descending, partition, { first: 2, after: middle }),
          model(descending, partition, { first: 2, after: middle, kind: 'odd' }),
        ]),
      );
    });
  }

  it('serves several record kinds of one table, each in its own order, from one loader in one statement', async () => {
    const even = spec(false, 'even-item');
    const odd = spec(true, 'odd-item');
    const middle = ITEMS.find((i) => i.territory_id === 'p3' && i.date === '2024-02-01')!;
    const cursor = encodeKeyset([middle.date, middle.reference]);
    const requests = PARTITIONS.flatMap((partition) => [
      { partition, spec: even, args: { first: 2, kind: 'even' } },
      { partition, spec: odd, args: { first: 3, kind: 'odd' } },
      { partition, spec: odd, args: { first: 3, kind: 'odd', after: cursor } },
    ]);
    const { statements, pages: answer } = await pages(false, requests, [even, odd]);
    expect(statements).toBe(1);
    expect(answer).toEqual(
      PARTITIONS.flatMap((partition) => [
        model(false, partition, { first: 2, kind: 'even' }),
        model(true, partition, { first: 3, kind: 'odd' }),
        model(true, partition, { first: 3, kind: 'odd', after: middle }),
      ]),
    );
    // A kind the loader was not built for is a programming error, not an empty page.
    const loader = pageLoader(database.db, [even]);
    await expect(loader.load(pageRequest(odd, 'p1', { first: 1 }))).rejects.toThrow(/no record kind odd-item/);
  });
});
