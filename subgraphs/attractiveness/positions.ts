// Order of the record lists: per territory, most recent first (date descending, then reference).
// `position` = rank within the territory × STRIDE + index of the territory (reference perimeters order):
// unique across the table, increasing within a territory, and a write only renumbers the territories it
// touches (keyset pagination walks `position > cursor` per territory).
import { sql, type Kysely } from 'kysely';
import { loadPerimeters } from '../runtime/perimeters.ts';
import type { RecordTable } from './db.ts';

/** More than the 332 territories of both phases. */
export const STRIDE = 1000;

let indexes: Map<string, number> | undefined;
export function territoryIndex(id: string): number {
  indexes ??= new Map(loadPerimeters().map((t, index) => [t.id, index]));
  const index = indexes.get(id);
  if (index === undefined) throw new Error(`unknown territory "${id}"`);
  return index;
}

export interface Ordered {
  reference: string;
  territory_id: string;
  date: string;
}

export const byRecency = (a: Ordered, b: Ordered) =>
  a.date === b.date ? a.reference.localeCompare(b.reference) : a.date < b.date ? 1 : -1;

/** Position of every record, from its rank in its territory. */
export function assignPositions(rows: readonly Ordered[]): Map<string, number> {
  const byTerritory = new Map<string, Ordered[]>();
  for (const row of rows) {
    const list = byTerritory.get(row.territory_id);
    if (list) list.push(row);
    else byTerritory.set(row.territory_id, [row]);
  }
  const out = new Map<string, number>();
  for (const [territoryId, list] of byTerritory) {
    const index = territoryIndex(territoryId);
    list.sort(byRecency).forEach((row, rank) => out.set(row.reference, rank * STRIDE + index));
  }
  return out;
}

/** Sets positions by reference, 200 rows per statement. */
export async function setPositions(trx: Kysely<any>, table: RecordTable, positions: [string, number][]): Promise<void> {
  for (let i = 0; i < positions.length; i += 200) {
    const chunk = positions.slice(i, i + 200);
    const cases = sql.join(
      chunk.map(([reference, position]) => sql`when ${reference} then cast(${position} as integer)`),
      sql` `,
    );
    await sql`update ${sql.table(table)} set position = case reference ${cases} end where reference in (${sql.join(chunk.map(([r]) => r))})`.execute(
      trx,
    );
  }
}

/**
 * Recomputes the positions of the given territories' records (after a write, inside its transaction).
 * Changed rows first go to distinct negative positions, then flip: the unique constraint holds at every row.
 */
export async function renumber(trx: Kysely<any>, table: RecordTable, territoryIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(territoryIds)];
  const rows: (Ordered & { position: number | null })[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(
      ...((await trx
        .selectFrom(table)
        .select(['reference', 'territory_id', 'date', 'position'])
        .where('territory_id', 'in', ids.slice(i, i + 500))
        .execute()) as (Ordered & { position: number | null })[]),
    );
  }
  const target = assignPositions(rows);
  const changed = rows.filter((r) => r.position === null || Number(r.position) !== target.get(r.reference));
  if (!changed.length) return;
  await setPositions(
    trx,
    table,
    changed.map((r) => [r.reference, -1 - target.get(r.reference)!]),
  );
  await trx
    .updateTable(table)
    .set({ position: sql`-1 - position` })
    .where('position', '<', 0)
    .execute();
}
