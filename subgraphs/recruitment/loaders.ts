// Per-request DataLoaders of the recruitment subgraph: one SQL statement per batch of territories (two for a
// page of actions: counts and rows, from the kit's pageLoader), whatever the number of territories.
import type { Kysely } from 'kysely';
import { manyLoader, oneLoader, pageLoader } from '../runtime/loaders.ts';
import type { RecruitmentAction, RecruitmentDB } from './db.ts';
import { actionRecord } from './records.ts';
import * as repository from './repository.ts';

export function createLoaders(db: Kysely<RecruitmentDB>) {
  const byTerritory = <R extends { territory_id: string }>(
    fetch: (db: Kysely<RecruitmentDB>, ids: string[]) => Promise<R[]>,
  ) =>
    manyLoader(
      (ids: string[]) => fetch(db, ids),
      (r) => r.territory_id,
    );
  return {
    territory: oneLoader(
      (ids: string[]) => repository.territories(db, ids),
      (t) => t.id,
    ),
    dataset: oneLoader(
      (ids: string[]) => repository.datasets(db, ids),
      (d) => d.id,
    ),
    summary: oneLoader(
      (ids: string[]) => repository.summaries(db, ids),
      (s) => s.territory_id,
    ),
    services: byTerritory(repository.serviceTotals),
    jobSeekers: byTerritory(repository.jobSeekers),
    basins: byTerritory(repository.basins),
    indicators: byTerritory(repository.indicators),
    hiringGroups: byTerritory(repository.hiringGroups),
    hiringOccupations: byTerritory(repository.hiringOccupations),
    hiringCoverage: oneLoader(
      (ids: string[]) => repository.hiringCoverage(db, ids),
      (c) => c.territory_id,
    ),
    actions: pageLoader<RecruitmentDB, RecruitmentAction>(db, actionRecord),
  };
}

export type RecruitmentLoaders = ReturnType<typeof createLoaders>;
