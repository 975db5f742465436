// Per-request DataLoaders of the programme subgraph: one SQL statement per batch.
import type { Kysely } from 'kysely';
import { oneLoader } from '../runtime/loaders.ts';
import type { PanierServiceRow, ProgrammeDB, ProgrammeDocumentRow } from './db.ts';

export function createLoaders(db: Kysely<ProgrammeDB>) {
  return {
    service: oneLoader<string, PanierServiceRow>(
      (ids) => db.selectFrom('panier_service').selectAll().where('id', 'in', ids).execute(),
      (s) => s.id,
    ),
    document: oneLoader<string, ProgrammeDocumentRow>(
      (ids) => db.selectFrom('programme_document').selectAll().where('id', 'in', ids).execute(),
      (d) => d.id,
    ),
  };
}

export type ProgrammeLoaders = ReturnType<typeof createLoaders>;
