import type { Migration } from 'kysely';
import { recruitmentTables } from './001_recruitment_tables.ts';
import { actionOrigin } from './002_action_origin.ts';
import { hiringNeeds } from './003_hiring_needs.ts';
import { recruitmentKeyset } from './004_recruitment_keyset.ts';
import { retiredServices } from './005_retired_services.ts';
import { recruitmentActionSheet } from './006_recruitment_action_sheet.ts';
import { territoryCard } from './007_territory_card.ts';

/** Versioned migrations of the recruitment subgraph, applied in name order. */
export const migrations: Record<string, Migration> = {
  '001_recruitment_tables': recruitmentTables,
  '002_action_origin': actionOrigin,
  '003_hiring_needs': hiringNeeds,
  '004_recruitment_keyset': recruitmentKeyset,
  '005_retired_services': retiredServices,
  '006_recruitment_action_sheet': recruitmentActionSheet,
  '007_territory_card': territoryCard,
};
