// The recruitment subgraph: what Pôle emploi / France Travail brings to the territories (axis recruter).
import type { Kysely } from 'kysely';
import type { SubgraphModule } from '../runtime/subgraph.ts';
import type { RecruitmentDB } from './db.ts';
import { dataVersion, load } from './load.ts';
import { createLoaders } from './loaders.ts';
import { migrations } from './migrations/index.ts';
import { actionRecord } from './records.ts';
import { resolvers, type RecruitmentContext } from './resolvers.ts';

export const recruitment: SubgraphModule<RecruitmentContext> = {
  name: 'recruitment',
  migrations,
  dataVersion,
  load: (trx) => load(trx as unknown as Kysely<RecruitmentDB>),
  resolvers,
  // France Travail's recruitment actions: mutations (owner FRANCE_TRAVAIL, scope recruitment:write) and
  // `npm run import -- recruitment <file.csv>`. No afterWrite: the aggregates (summary, services, totals) are the
  // kit's summary tables (records.ts `actionSummary`), kept by every write and import in its own transaction.
  records: [actionRecord],
  context(database) {
    const db = database.db as unknown as Kysely<RecruitmentDB>;
    return { database, db, loaders: createLoaders(db) };
  },
};

export default recruitment;
