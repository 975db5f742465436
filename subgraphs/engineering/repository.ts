// All of the engineering subgraph's own SQL, as functions taking `db` (Kysely's example app): the loaders and the
// load call these; resolvers never write SQL. Record pages and writes are the kit's (runtime/).
import type { Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import type { CatalogueService } from './catalogue.ts';
import type { EngineeringDB, NewRecord } from './db.ts';

/**
 * Replaces the catalogue's axes and the sample, inside the load's transaction. Declared records (origin OPERATOR)
 * are kept: only SAMPLE rows are deleted and re-inserted.
 */
export async function replaceData(
  trx: Kysely<EngineeringDB>,
  data: { services: CatalogueService[]; sample: NewRecord[] },
): Promise<void> {
  await trx.deleteFrom('engineering_record').where('origin', '=', 'SAMPLE').execute();
  await trx.deleteFrom('service_axis').execute();
  await insertMany(
    trx,
    'service_axis',
    data.services.flatMap((s) => s.axes.map((axis) => ({ service_id: s.id, axis }))),
  );
  await insertMany(trx, 'engineering_record', data.sample);
}
