// Pagination order of a territory's financings (date, then reference): the `position` column, which the
// keyset cursors carry. Writes and imports renumber the territories they touch, inside their transaction.
import { sql, type Kysely } from 'kysely';
import type { FinancingDB } from './db.ts';

const CHUNK = 500;

/**
 * Gives the financings of these territories fresh positions, in (date, reference) order, above every position in
 * the table: positions stay unique at every statement (no temporary collision on either dialect), without touching
 * other territories. Cursors handed out before the write for these territories become stale, as with any change.
 */
export async function renumberTerritories(trx: Kysely<any>, territoryIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(territoryIds)].sort();
  if (!ids.length) return;
  const db = trx as Kysely<FinancingDB>;
  const max = await db
    .selectFrom('financing')
    .select((eb) => eb.fn.max('position').as('max'))
    .executeTakeFirst();
  let next = Number(max?.max ?? 0) + 1;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('financing')
      .select('reference')
      .where('territory_id', 'in', ids.slice(i, i + CHUNK))
      .orderBy('territory_id')
      .orderBy('date')
      .orderBy('reference')
      .execute();
    for (let j = 0; j < rows.length; j += CHUNK) {
      const refs = rows.slice(j, j + CHUNK).map((r) => r.reference);
      const cases = refs.map((reference) => sql`when ${reference} then ${sql.lit(next++)}`);
      await db
        .updateTable('financing')
        .set({ position: sql<number>`case reference ${sql.join(cases, sql` `)} end` })
        .where('reference', 'in', refs)
        .execute();
    }
  }
}

/** afterWrite / afterImport hook: renumber the territories of the rows written (before and after an update). */
export async function afterFinancingWrite(trx: Kysely<any>, rows: Record<string, unknown>[]): Promise<void> {
  await renumberTerritories(
    trx,
    rows.map((r) => String(r.territory_id)),
  );
}
