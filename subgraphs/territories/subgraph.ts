// The territories subgraph: reference data of the programme (ANCT perimeters, COG geography).
import type { Kysely } from 'kysely';
import type { SubgraphModule } from '../runtime/subgraph.ts';
import type { TerritoriesDB } from './db.ts';
import { dataVersion, load } from './load.ts';
import { createLoaders } from './loaders.ts';
import { migrations } from './migrations/index.ts';
import { resolvers, type TerritoriesContext } from './resolvers.ts';

export const territories: SubgraphModule<TerritoriesContext> = {
  name: 'territories',
  migrations,
  dataVersion,
  load: (trx) => load(trx as unknown as Kysely<TerritoriesDB>),
  resolvers,
  // Official perimeters and geography change a few times a year.
  cacheMaxAgeSeconds: 3600,
  context(database) {
    const db = database.db as unknown as Kysely<TerritoriesDB>;
    return { database, db, loaders: createLoaders(db) };
  },
};

export default territories;
