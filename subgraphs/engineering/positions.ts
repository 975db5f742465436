// Pagination positions. Each territory owns a block of POSITION_STRIDE positions (its index in the
// ANCT lists × stride); inside it, its records are numbered in list order (kind, date, reference).
// Sample records get theirs from the generator; after any operator write the affected territories are
// renumbered in the write's transaction, so operator records sit in date order among the sample ones.
import { sql, type Kysely } from 'kysely';
import { loadPerimeters } from '../runtime/perimeters.ts';
import { RECORD_KINDS, type EngineeringDB } from './db.ts';

/** More records than any territory holds even at SCALE=100 (a few thousand); 332 blocks stay far below 2^31. */
export const POSITION_STRIDE = 100_000;

let bases: Map<string, number> | undefined;
/** First position of a territory's block. */
export function territoryBase(territoryId: string): number {
  bases ??= new Map(loadPerimeters().map((t, i) => [t.id, i * POSITION_STRIDE]));
  const base = bases.get(territoryId);
  if (base === undefined) throw new Error(`unknown territory ${territoryId}`);
  return base;
}

const kindRank = (alias: string) =>
  sql.raw(`case ${alias}.record_kind ${RECORD_KINDS.map((k, i) => `when '${k}' then ${i}`).join(' ')} end`);

/**
 * Renumbers the records of the given territories: two statements each, inside the caller's transaction.
 * Positions are first cleared (NULLs never collide in a UNIQUE column), then set to base + rank.
 */
export async function renumberTerritories(trx: Kysely<EngineeringDB>, territoryIds: Iterable<string>): Promise<void> {
  for (const territoryId of new Set(territoryIds)) {
    const base = territoryBase(territoryId);
    await trx
      .updateTable('engineering_record')
      .set({ position: null as never })
      .where('territory_id', '=', territoryId)
      .execute();
    const mine = kindRank('engineering_record');
    const other = kindRank('o');
    await trx
      .updateTable('engineering_record')
      .set({
        position: sql<number>`${base} + (select count(*) from engineering_record o
          where o.territory_id = engineering_record.territory_id
            and (${other} < ${mine}
              or (${other} = ${mine} and (o.date < engineering_record.date
                or (o.date = engineering_record.date and o.reference < engineering_record.reference)))))`,
      })
      .where('territory_id', '=', territoryId)
      .execute();
  }
}
