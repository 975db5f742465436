// Both phases joined: the territories of 2019-2022 and 2023-2027 that share groupements (EPCI, EPT or commune
// SIRENs), with the population living in the shared groupements. Computed once per load from the ANCT perimeters
// and the COG 2026 commune populations, stored both ways in `phase_link`.
import type { PerimeterTerritory } from '../runtime/perimeters.ts';
import type { PhaseLinkRow } from './db.ts';

/** Population of a set of communes, each counted once (a commune in two shared groupements is one population). */
function populationOf(communes: Iterable<string>, population: (code: string) => number): number {
  let sum = 0;
  for (const code of new Set(communes)) sum += population(code);
  return sum;
}

/** Every pair of territories of different phases sharing at least one groupement, in both directions. */
export function phaseLinks(
  territories: readonly PerimeterTerritory[],
  communePopulation: (code: string) => number,
): PhaseLinkRow[] {
  const bySiren = new Map<string, PerimeterTerritory[]>();
  for (const t of territories)
    for (const g of t.groupements) bySiren.set(g.siren, [...(bySiren.get(g.siren) ?? []), t]);
  const ownPopulation = new Map(territories.map((t) => [t.id, populationOf(t.communeCodes, communePopulation)]));

  const rows: PhaseLinkRow[] = [];
  for (const t of territories) {
    const shared = new Map<string, { other: PerimeterTerritory; sirens: Set<string> }>();
    for (const g of t.groupements) {
      for (const other of bySiren.get(g.siren) ?? []) {
        if (other.phase === t.phase) continue;
        const link = shared.get(other.id) ?? { other, sirens: new Set<string>() };
        link.sirens.add(g.siren);
        shared.set(other.id, link);
      }
    }
    const links = [...shared.values()].map(({ other, sirens }) => {
      const communes = t.groupements.filter((g) => sirens.has(g.siren)).flatMap((g) => g.communes);
      const population = populationOf(communes, communePopulation);
      return {
        territory_id: t.id,
        other_id: other.id,
        shared_sirens: [...sirens].sort().join(';'),
        shared_population: population,
        population_share: share(population, ownPopulation.get(t.id)!),
        other_population_share: share(population, ownPopulation.get(other.id)!),
      };
    });
    links.sort((a, b) => b.shared_population - a.shared_population || a.other_id.localeCompare(b.other_id));
    links.forEach((link, position) => rows.push({ ...link, position }));
  }
  return rows;
}

/** A share in [0, 1]; 0 for a territory without population (never in the official lists, kept total). */
const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
