// The territory ids of both phases, read once from the runtime's reference perimeters (small CSVs):
// entity references are checked without touching the database or building the geography.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { PHASES, parseTerritoryId, territoryId, type PhaseId } from '../runtime/perimeters.ts';

let byPhase: Map<PhaseId, string[]> | undefined;

/** Territory ids of a phase, in ANCT code order. */
export function territoryIdsOf(phase: PhaseId): string[] {
  byPhase ??= new Map(PHASES.map((p) => {
    const rows = parse(readFileSync(new URL(`../runtime/reference/ti-${p}-groupements.csv`, import.meta.url)), { columns: true, skip_empty_lines: true }) as { id_ti: string }[];
    const codes = [...new Set(rows.map((r) => r.id_ti))].sort((a, b) => a.localeCompare(b));
    return [p, codes.map((code) => territoryId(p, code))];
  }));
  return byPhase.get(phase)!;
}

let known: Set<string> | undefined;
export function isKnownTerritory(id: string): boolean {
  const parsed = parseTerritoryId(id);
  if (!parsed) return false;
  known ??= new Set(PHASES.flatMap(territoryIdsOf));
  return known.has(id);
}
