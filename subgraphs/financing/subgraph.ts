// The financing subgraph: Bpifrance's part of the panier de services (catalogue, sample financings,
// real departmental context: PGE and France Relance indicator), and the financings Bpifrance declares through the hub.
import type { Kysely } from 'kysely';
import type { SubgraphModule } from '../runtime/subgraph.ts';
import type { FinancingDB } from './db.ts';
import { dataVersion, load } from './load.ts';
import { createLoaders } from './loaders.ts';
import { migrations } from './migrations/index.ts';
import { financingRecord } from './records.ts';
import { resolvers, type FinancingContext } from './resolvers.ts';

export const financing: SubgraphModule<FinancingContext> = {
  name: 'financing',
  migrations,
  dataVersion,
  load: (trx) => load(trx as unknown as Kysely<FinancingDB>),
  resolvers,
  // Bpifrance's own financings: GraphQL mutations and `npm run import -- financing <file.csv>`.
  records: [financingRecord],
  context(database) {
    const db = database.db as unknown as Kysely<FinancingDB>;
    return { database, db, loaders: createLoaders(db) };
  },
};

export default financing;
