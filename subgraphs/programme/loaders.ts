// Per-request DataLoaders of the programme subgraph: one SQL statement per batch of keys (the pages of action sheets
// too, whatever their filters: rows and counts, from the kit's pageLoader), whatever the number of territories.
import type { Kysely } from 'kysely';
import { oneLoader, pageLoader } from '../runtime/loaders.ts';
import type {
  ActionSheetRow,
  ContractRow,
  GovernanceRow,
  PanierServiceRow,
  ProgrammeDB,
  ProgrammeDocumentRow,
} from './db.ts';
import { actionSheetRecord } from './records.ts';
import * as repository from './repository.ts';

export function createLoaders(db: Kysely<ProgrammeDB>) {
  return {
    service: oneLoader<string, PanierServiceRow>(
      (ids) => repository.servicesByIds(db, ids),
      (s) => s.id,
    ),
    document: oneLoader<string, ProgrammeDocumentRow>(
      (ids) => repository.documentsByIds(db, ids),
      (d) => d.id,
    ),
    /** Sheets by id: entity resolution (`_entities`, the operators' check) and `actionSheet(id)`. */
    sheet: oneLoader<string, ActionSheetRow>(
      (ids) => repository.sheetsByIds(db, ids),
      (s) => s.id,
    ),
    sheets: pageLoader<ProgrammeDB, ActionSheetRow & Record<string, unknown>>(db, actionSheetRecord),
    contract: oneLoader<string, ContractRow>(
      (ids) => repository.contractsOf(db, ids),
      (c) => c.territory_id,
    ),
    governance: oneLoader<string, GovernanceRow>(
      (ids) => repository.governancesOf(db, ids),
      (g) => g.territory_id,
    ),
  };
}

export type ProgrammeLoaders = ReturnType<typeof createLoaders>;
