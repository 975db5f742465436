// Per-request DataLoaders of the engineering subgraph: one SQL statement per batch of territories for the figures, two
// per page of a record kind (counts and rows, the kit's pageLoader), whatever the number of territories.
import type { Kysely } from 'kysely';
import { manyLoader, pageLoader } from '../runtime/loaders.ts';
import type { EngineeringDB, RecordRow } from './db.ts';
import { SPECS } from './records.ts';
import * as repository from './repository.ts';

export function createLoaders(db: Kysely<EngineeringDB>) {
  return {
    /** Figures per (territory, service): summary, services and per-kind totals all read this one statement. */
    servicesOfTerritory: manyLoader(
      (ids: string[]) => repository.serviceFigures(db, ids),
      (r) => r.territory_id,
    ),
    supports: pageLoader<EngineeringDB, RecordRow>(db, SPECS.ENGINEERING_SUPPORT),
    projectManagerCofundings: pageLoader<EngineeringDB, RecordRow>(db, SPECS.PROJECT_MANAGER_COFUNDING),
    vteAids: pageLoader<EngineeringDB, RecordRow>(db, SPECS.VTE_AID),
    loans: pageLoader<EngineeringDB, RecordRow>(db, SPECS.LOCAL_AUTHORITY_LOAN),
  };
}

export type EngineeringLoaders = ReturnType<typeof createLoaders>;
