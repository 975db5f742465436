// The engineering subgraph: the Banque des Territoires' slice of the panier de services (catalogue from the
// programme's documents, per-territory sample records), and the records it declares through the hub.
import type { Kysely } from 'kysely';
import type { SubgraphModule } from '../runtime/subgraph.ts';
import type { EngineeringDB } from './db.ts';
import { dataVersion, load } from './load.ts';
import { createLoaders } from './loaders.ts';
import { migrations } from './migrations/index.ts';
import { RECORD_SPECS } from './records.ts';
import { resolvers, type EngineeringContext } from './resolvers.ts';

export const engineering: SubgraphModule<EngineeringContext> = {
  name: 'engineering',
  migrations,
  dataVersion,
  load: (trx) => load(trx as unknown as Kysely<EngineeringDB>),
  resolvers,
  // The operator's four record kinds: GraphQL mutations and `npm run import -- engineering <file.csv> --kind <kind>`.
  records: RECORD_SPECS,
  context(database) {
    const db = database.db as unknown as Kysely<EngineeringDB>;
    return { database, db, loaders: createLoaders(db) };
  },
};

export default engineering;
