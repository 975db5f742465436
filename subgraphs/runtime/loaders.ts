// DataLoader shapes used by every subgraph: one SQL statement per batch of keys.
import DataLoader from 'dataloader';

/** One value (or null) per key. */
export function oneLoader<K extends string | number, V>(
  fetch: (keys: K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetch([...keys]);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
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

/** A list of values per key (empty when none). */
export function manyLoader<K extends string | number, V>(
  fetch: (keys: K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const byKey = groupBy(await fetch([...keys]), keyOf);
    return keys.map((key) => byKey.get(key) ?? []);
  });
}
