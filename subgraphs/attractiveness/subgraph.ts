// The attractiveness subgraph: Business France's part of the panier de services (foreign investment,
// international promotion of industrial sites, export support). The State's Sites industriels clés en main is in
// the programme catalogue (subgraphs/programme), not here.
import type { Kysely } from 'kysely';
import type { SubgraphModule } from '../runtime/subgraph.ts';
import type { AttractivenessDB } from './db.ts';
import { dataVersion, load } from './load.ts';
import { createLoaders } from './loaders.ts';
import { migrations } from './migrations/index.ts';
import { RECORD_SPECS } from './records.ts';
import { resolvers, type AttractivenessContext } from './resolvers.ts';

export const attractiveness: SubgraphModule<AttractivenessContext> = {
  name: 'attractiveness',
  migrations,
  dataVersion,
  load: (trx) => load(trx as unknown as Kysely<AttractivenessDB>),
  resolvers,
  // Business France's own records: written through the mutations or `npm run import -- attractiveness <file> --kind <kind>`.
  records: RECORD_SPECS,
  context(database) {
    const db = database.db as unknown as Kysely<AttractivenessDB>;
    return { database, db, loaders: createLoaders(db) };
  },
};

export default attractiveness;
