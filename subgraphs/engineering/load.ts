// Loads the engineering database: the catalogue's axes and provenance, and the generated sample records.
// Records declared by the Banque des Territoires (origin OPERATOR) survive the reload: only the sample is replaced.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { writeDatasets } from '../runtime/migrations.ts';
import { PHASES } from '../runtime/perimeters.ts';
import { sampleScale } from '../runtime/sample.ts';
import { CATALOGUE_FILE, DATASETS, loadCatalogue } from './catalogue.ts';
import type { EngineeringDB, NewRecord } from './db.ts';
import { RECORD_SPECS } from './records.ts';
import { replaceData } from './repository.ts';
import { SAMPLE_VERSION } from './sample.ts';

/** Bump when the loader's output changes (part of dataVersion). */
const LOADER_VERSION = 'engineering-loader-v2-keyset';

/** Changes with the catalogue, the perimeters, the generator and SCALE. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(CATALOGUE_FILE));
  for (const phase of PHASES)
    hash.update(readFileSync(new URL(`../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)));
  hash.update(JSON.stringify(DATASETS)).update(SAMPLE_VERSION).update(LOADER_VERSION);
  return `${hash.digest('hex').slice(0, 16)}-scale${sampleScale()}`;
}

export async function load(trx: Kysely<EngineeringDB>): Promise<void> {
  const scale = sampleScale();
  await replaceData(trx, {
    services: loadCatalogue(),
    sample: RECORD_SPECS.flatMap((spec) => spec.sample!(scale)) as NewRecord[],
  });
  await writeDatasets(trx, DATASETS);
}
