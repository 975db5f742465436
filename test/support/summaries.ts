// The oracle of the kit's summary tables: recomputes every group of a record kind from all its records, from scratch,
// with plain maps and sets (none of the incremental path's deltas, members or upserts), and compares with what the
// tables hold. Used after random writes and imports, and after concurrent writes (no lost update).
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { KitDB, RecordSpec, Row } from '../../subgraphs/runtime/records.ts';
import { summaryKind } from '../../subgraphs/runtime/summaries.ts';

interface Stored {
  level: string;
  scope: string;
  group_key: string;
  measure: string;
  value: number;
}

/** What the summary tables should hold for these records: `level|scope|group|measure` → stored value. */
export function recompute(spec: RecordSpec, rows: Row[]): Map<string, number> {
  const summary = spec.summary!;
  const numbers = new Map<string, number>();
  const sets = new Map<string, Set<string>>();
  for (const row of rows)
    for (const [level, def] of Object.entries(summary.levels)) {
      const scope = def.perTerritory ? String(row[spec.territoryColumn!]) : '';
      for (const group of def.groups(row))
        for (const [name, m] of Object.entries(summary.measures)) {
          if ((def.measures && !def.measures.includes(name)) || (m.when && !m.when(row))) continue;
          const id = [level, scope, group, name].join('|');
          if (m.kind === 'count') numbers.set(id, (numbers.get(id) ?? 0) + 1);
          else if (m.kind === 'sum')
            numbers.set(id, (numbers.get(id) ?? 0) + Math.round(Number(row[m.column] ?? 0) * 100));
          else {
            // A column, or a value the measure computes from the row.
            const value = typeof m.column === 'function' ? m.column(row) : row[m.column];
            if (value !== null && value !== undefined && value !== '')
              sets.set(id, (sets.get(id) ?? new Set()).add(String(value)));
          }
        }
    }
  for (const [id, set] of sets) {
    const kind = summary.measures[id.split('|').pop()!]!.kind;
    const values = [...set].sort();
    numbers.set(
      id,
      kind === 'distinct'
        ? set.size
        : Number((kind === 'first' ? values[0]! : values[values.length - 1]!).replace(/-/g, '')),
    );
  }
  for (const [id, value] of numbers) if (value === 0) numbers.delete(id);
  return numbers;
}

/** The kind's summary tables equal a full recomputation from its records (every level, group and measure). */
export async function expectSummariesMatchRecords(db: Kysely<KitDB>, spec: RecordSpec): Promise<number> {
  const rows = (await db.selectFrom(spec.table).selectAll().execute()) as Row[];
  const expected = recompute(spec, rows);
  const stored = (await (db as unknown as Kysely<{ kit_summary: Stored & { kind: string } }>)
    .selectFrom('kit_summary')
    .select(['level', 'scope', 'group_key', 'measure', 'value'])
    .where('kind', '=', summaryKind(spec))
    .execute()) as Stored[];
  const actual = new Map(stored.map((s) => [[s.level, s.scope, s.group_key, s.measure].join('|'), Number(s.value)]));
  // Compare as sorted lists, so that a failure names the groups that differ.
  const differences = [...new Set([...expected.keys(), ...actual.keys()])]
    .filter((id) => expected.get(id) !== actual.get(id))
    .sort()
    .map((id) => `${id}: stored ${actual.get(id) ?? 'nothing'}, recomputed ${expected.get(id) ?? 'nothing'}`);
  expect(differences.slice(0, 20), `${differences.length} group(s) of ${summaryKind(spec)} differ`).toEqual([]);
  return expected.size;
}
