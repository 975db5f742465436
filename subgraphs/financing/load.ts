// Loads the catalogue, the real departmental context (PGE, Baromètre) and the sample financings.
// Financings declared by Bpifrance (origin OPERATOR) survive the reload: only the sample is replaced.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { writeDatasets } from '../runtime/migrations.ts';
import { loadPerimeters } from '../runtime/perimeters.ts';
import { sampleScale } from '../runtime/sample.ts';
import { DATASETS, SERVICES } from './catalogue.ts';
import type { FinancingDB, NewFinancing } from './db.ts';
import { financingRecord } from './records.ts';
import { replaceData } from './repository.ts';
import { SAMPLE_VERSION } from './sample.ts';
import { BAROMETRE_FILE, PGE_FILE, readIndicators, readPge } from './sources.ts';

/** Bump when the loader's output changes (part of dataVersion). */
const LOADER_VERSION = 'financing-loader-v4-department-context';

/** Changes with the source files, the catalogue, the sample generator and the scale. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(PGE_FILE)).update(readFileSync(BAROMETRE_FILE));
  for (const phase of ['2019-2022', '2023-2027'])
    hash.update(readFileSync(new URL(`../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)));
  hash.update(JSON.stringify(SERVICES)).update(JSON.stringify(DATASETS)).update(SAMPLE_VERSION).update(LOADER_VERSION);
  return `scale-${sampleScale()}-${hash.digest('hex').slice(0, 16)}`;
}

export async function load(trx: Kysely<FinancingDB>): Promise<void> {
  await replaceData(trx, {
    territories: loadPerimeters(),
    services: SERVICES,
    pge: readPge(),
    indicators: readIndicators(),
    sample: financingRecord.sample!(sampleScale()) as NewFinancing[],
  });
  await writeDatasets(trx, DATASETS);
}
