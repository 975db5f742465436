// Generates the sample records and loads them, with the provenance rows, into the attractiveness database.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import { writeDatasets } from '../runtime/migrations.ts';
import { loadGeography, loadPerimeters, PHASES } from '../runtime/perimeters.ts';
import { sampleScale } from '../runtime/sample.ts';
import { CATALOGUE_FILE, DATASETS } from './catalogue.ts';
import type { AttractivenessDB } from './db.ts';
import { generate, GENERATOR_VERSION } from './generate.ts';

/** Changes with the catalogue, the reference perimeters, the generator and SCALE. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(CATALOGUE_FILE));
  for (const phase of PHASES) hash.update(readFileSync(new URL(`../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)));
  hash.update(readFileSync(new URL('./generate.ts', import.meta.url)));
  hash.update(readFileSync(new URL('./countries.ts', import.meta.url)));
  hash.update(`${GENERATOR_VERSION}:scale=${sampleScale()}`);
  return `${hash.digest('hex').slice(0, 16)}-x${sampleScale()}`;
}

/** The records of the current SCALE (also used by tests to recompute figures independently of SQL). */
export function generateRecords() {
  const geo = loadGeography();
  return generate(loadPerimeters(), (code) => geo.communeByCode.get(code)?.name ?? code, sampleScale());
}

export async function load(trx: Kysely<any>): Promise<void> {
  const db = trx as Kysely<AttractivenessDB>;
  const records = generateRecords();
  for (const table of ['investment_project', 'export_support', 'site_promotion'] as const) await db.deleteFrom(table).execute();
  await insertMany(db, 'investment_project', records.investments as never);
  await insertMany(db, 'export_support', records.exportSupports as never);
  await insertMany(db, 'site_promotion', records.sitePromotions as never);
  await writeDatasets(trx, DATASETS);
}
