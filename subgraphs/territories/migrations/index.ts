import type { Migration } from 'kysely';
import { referenceTables } from './001_reference_tables.ts';
import { territoryGeometry } from './002_territory_geometry.ts';
import { phaseLink } from './003_phase_link.ts';
import { territoryCard } from './004_territory_card.ts';

/** Versioned migrations of the territories subgraph, applied in name order. */
export const migrations: Record<string, Migration> = {
  '001_reference_tables': referenceTables,
  '002_territory_geometry': territoryGeometry,
  '003_phase_link': phaseLink,
  '004_territory_card': territoryCard,
};
