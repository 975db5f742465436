// Loads the sample records, with the provenance rows, into the attractiveness database.
// Only the SAMPLE rows are replaced: records declared by Business France (origin OPERATOR) survive reloads.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { writeDatasets } from '../runtime/migrations.ts';
import { PHASES } from '../runtime/perimeters.ts';
import { sampleScale } from '../runtime/sample.ts';
import { CATALOGUE_FILE, DATASETS } from './catalogue.ts';
import type { AttractivenessDB } from './db.ts';
import { replaceSample } from './repository.ts';
import { generateRecords, GENERATOR_VERSION } from './sample.ts';

/** Bump when the loader's output changes (part of dataVersion). */
const LOADER_VERSION = 'attractiveness-loader-v2-keyset';

/** Changes with the catalogue, the reference perimeters, the generator and SCALE. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(CATALOGUE_FILE));
  for (const phase of PHASES)
    hash.update(readFileSync(new URL(`../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)));
  hash.update(readFileSync(new URL('./sample.ts', import.meta.url)));
  hash.update(readFileSync(new URL('./countries.ts', import.meta.url)));
  hash.update(`${GENERATOR_VERSION}:${LOADER_VERSION}:scale=${sampleScale()}`);
  return `${hash.digest('hex').slice(0, 16)}-x${sampleScale()}`;
}

export async function load(trx: Kysely<AttractivenessDB>): Promise<void> {
  await replaceSample(trx, generateRecords(sampleScale()));
  await writeDatasets(trx, DATASETS);
}
