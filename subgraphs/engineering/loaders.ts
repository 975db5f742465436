// Per-request DataLoaders of the engineering subgraph: one SQL statement per batch of territories.
import DataLoader from 'dataloader';
import { sql, type Kysely } from 'kysely';
import { manyLoader } from '../runtime/loaders.ts';
import type { EngineeringDB, RecordRow } from './db.ts';
import { applyFilter, type RecordFilter } from './filters.ts';

export interface ServiceFigures {
  territory_id: string;
  service_id: string;
  record_count: number;
  amount_eur: number;
  beneficiary_count: number;
  first_date: string;
  last_date: string;
  /** Records declared by the operator (the others are SAMPLE). */
  operator_count: number;
}

/** A list of the records of one territory under one filter. */
export interface ListKey {
  territoryId: string;
  filter: RecordFilter;
}

/**
 * Batches (territory, filter) keys: keys sharing a filter (the usual case, e.g. `_entities` over
 * 183 territories asking the same first page) become ONE statement over all their territories.
 */
function listLoader<V>(run: (territoryIds: string[], filter: RecordFilter) => Promise<Map<string, V>>, empty: () => V) {
  return new DataLoader<ListKey, V, string>(
    async (keys) => {
      const groups = new Map<string, { filter: RecordFilter; territoryIds: Set<string> }>();
      for (const { territoryId, filter } of keys) {
        const id = JSON.stringify(filter);
        const group = groups.get(id) ?? { filter, territoryIds: new Set<string>() };
        group.territoryIds.add(territoryId);
        groups.set(id, group);
      }
      const results = new Map<string, Map<string, V>>();
      await Promise.all(
        [...groups].map(async ([id, { filter, territoryIds }]) => {
          // A filter that excludes every service needs no statement at all.
          results.set(id, filter.serviceIds.length ? await run([...territoryIds], filter) : new Map());
        }),
      );
      return keys.map(({ territoryId, filter }) => results.get(JSON.stringify(filter))!.get(territoryId) ?? empty());
    },
    { cacheKeyFn: ({ territoryId, filter }) => `${territoryId}\u0000${JSON.stringify(filter)}` },
  );
}

export function createLoaders(db: Kysely<EngineeringDB>) {
  return {
    /** Figures per (territory, service): summary, services and per-kind totals all read this one statement. */
    servicesOfTerritory: manyLoader<string, ServiceFigures>(
      (ids) =>
        db
          .selectFrom('engineering_record')
          .select((eb) => [
            'territory_id',
            'service_id',
            eb.fn.countAll<number>().as('record_count'),
            eb.fn.sum<number>('amount_eur').as('amount_eur'),
            eb.fn.count<number>('beneficiary_siren').distinct().as('beneficiary_count'),
            eb.fn.min<string>('date').as('first_date'),
            eb.fn.max<string>('date').as('last_date'),
            eb.fn.sum<number>(sql`case when origin = 'OPERATOR' then 1 else 0 end`).as('operator_count'),
          ])
          .where('territory_id', 'in', ids)
          .groupBy(['territory_id', 'service_id'])
          .execute(),
      (row) => row.territory_id,
    ),

    /** First `first + 1` records after the cursor, per territory (the extra one tells hasNextPage). */
    recordPage: listLoader<RecordRow[]>(
      async (territoryIds, filter) => {
        const ranked = applyFilter(db.selectFrom('engineering_record'), filter)
          .selectAll()
          .select(sql<number>`row_number() over (partition by territory_id order by position)`.as('rn'))
          .where('territory_id', 'in', territoryIds)
          .where('position', '>', filter.after);
        const rows = await db
          .selectFrom(ranked.as('ranked'))
          .selectAll()
          .where('rn', '<=', filter.first + 1)
          .orderBy('position')
          .execute();
        const byTerritory = new Map<string, RecordRow[]>();
        for (const row of rows as unknown as RecordRow[]) {
          const list = byTerritory.get(row.territory_id);
          if (list) list.push(row);
          else byTerritory.set(row.territory_id, [row]);
        }
        return byTerritory;
      },
      () => [],
    ),

    /** Records matching the filter per territory, cursor ignored (totalCount). */
    recordCount: listLoader<number>(
      async (territoryIds, filter) => {
        const rows = await applyFilter(db.selectFrom('engineering_record'), filter)
          .select((eb) => ['territory_id', eb.fn.countAll<number>().as('n')])
          .where('territory_id', 'in', territoryIds)
          .groupBy('territory_id')
          .execute();
        return new Map(rows.map((r) => [r.territory_id, Number(r.n)]));
      },
      () => 0,
    ),
  };
}

export type EngineeringLoaders = ReturnType<typeof createLoaders>;
