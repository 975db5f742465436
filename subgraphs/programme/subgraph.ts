// The programme subgraph: the programme's side of the graph (ANCT's delegation): the catalogue and facts, and the
// records the territories write (action sheets, contracts, governance), so the operators' short cache lifetime.
import type { Kysely } from 'kysely';
import type { SubgraphModule } from '../runtime/subgraph.ts';
import type { ProgrammeDB } from './db.ts';
import { dataVersion, load } from './load.ts';
import { createLoaders } from './loaders.ts';
import { migrations } from './migrations/index.ts';
import { RECORDS } from './records.ts';
import { resolvers, type ProgrammeContext } from './resolvers.ts';

export const programme: SubgraphModule<ProgrammeContext> = {
  name: 'programme',
  migrations,
  dataVersion,
  load: (trx) => load(trx as unknown as Kysely<ProgrammeDB>),
  resolvers,
  // Holds data the territories write (action sheets): the operators' 60 s, not the reference data's hour.
  cacheMaxAgeSeconds: 60,
  // Mutations and `npm run import -- programme <file.csv> --kind action-sheet|contract|governance`.
  records: RECORDS,
  context(database) {
    const db = database.db as unknown as Kysely<ProgrammeDB>;
    return { database, db, loaders: createLoaders(db) };
  },
};

export default programme;
