// Loads the engineering database: catalogue provenance and the generated sample records.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import { writeDatasets } from '../runtime/migrations.ts';
import { PHASES } from '../runtime/perimeters.ts';
import { sampleScale } from '../runtime/sample.ts';
import { CATALOGUE_FILE, DATASETS } from './catalogue.ts';
import type { EngineeringDB } from './db.ts';
import { renumberTerritories } from './positions.ts';
import { generateRecords, GENERATOR_VERSION } from './sample.ts';

/** Changes with the catalogue, the perimeters, the generator and SCALE. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(CATALOGUE_FILE));
  for (const phase of PHASES)
    hash.update(readFileSync(new URL(`../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)));
  hash.update(JSON.stringify(DATASETS));
  hash.update(GENERATOR_VERSION);
  return `${hash.digest('hex').slice(0, 16)}-scale${sampleScale()}`;
}

/**
 * Replaces the SAMPLE records only: records written by the operator (origin OPERATOR) are kept, their
 * positions cleared while the sample is inserted, then their territories renumbered.
 */
export async function load(trx: Kysely<any>): Promise<void> {
  const db = trx as Kysely<EngineeringDB>;
  await db.deleteFrom('engineering_record').where('origin', '=', 'SAMPLE').execute();
  await db
    .updateTable('engineering_record')
    .set({ position: null as never })
    .where('origin', '=', 'OPERATOR')
    .execute();
  await insertMany(db, 'engineering_record', generateRecords(sampleScale()) as unknown as Record<string, unknown>[]);
  const operatorTerritories = await db
    .selectFrom('engineering_record')
    .select('territory_id')
    .distinct()
    .where('origin', '=', 'OPERATOR')
    .execute();
  await renumberTerritories(
    db,
    operatorTerritories.map((r) => r.territory_id),
  );
  await writeDatasets(trx, DATASETS);
}
