// Generates the sample records and loads them, with the provenance rows, into the attractiveness database.
// Only the SAMPLE rows are replaced: records declared by Business France (origin OPERATOR) survive reloads.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import { writeDatasets } from '../runtime/migrations.ts';
import { loadGeography, loadPerimeters, PHASES } from '../runtime/perimeters.ts';
import { sampleScale } from '../runtime/sample.ts';
import { CATALOGUE_FILE, DATASETS } from './catalogue.ts';
import type { AttractivenessDB, RecordTable } from './db.ts';
import { generate, GENERATOR_VERSION } from './generate.ts';
import { assignPositions, setPositions, type Ordered } from './positions.ts';

/** Changes with the catalogue, the reference perimeters, the generator and SCALE. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(CATALOGUE_FILE));
  for (const phase of PHASES)
    hash.update(readFileSync(new URL(`../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)));
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

/** Replaces a table's SAMPLE rows; OPERATOR rows stay and every row gets its position in the merged order. */
async function replaceSample(
  db: Kysely<AttractivenessDB>,
  table: RecordTable,
  sample: (Ordered & { position: number })[],
): Promise<void> {
  await db.deleteFrom(table).where('origin', '=', 'SAMPLE').execute();
  const declared = (await db
    .selectFrom(table)
    .select(['reference', 'territory_id', 'date'])
    .where('origin', '=', 'OPERATOR')
    .execute()) as Ordered[];
  const taken = new Set(declared.map((r) => r.reference));
  // Operator references never use the sample pattern (records.ts), so nothing is dropped unless a row was forced in by hand.
  const kept = sample.filter((r) => !taken.has(r.reference));
  const positions = assignPositions([...kept, ...declared]);
  if (declared.length)
    await db
      .updateTable(table)
      .set({ position: null as never })
      .where('origin', '=', 'OPERATOR')
      .execute();
  await insertMany(
    db,
    table,
    kept.map((r) => ({ ...r, position: positions.get(r.reference)! })),
  );
  await setPositions(
    db,
    table,
    declared.map((r) => [r.reference, positions.get(r.reference)!]),
  );
}

export async function load(trx: Kysely<any>): Promise<void> {
  const db = trx as Kysely<AttractivenessDB>;
  const records = generateRecords();
  await replaceSample(db, 'investment_project', records.investments);
  await replaceSample(db, 'export_support', records.exportSupports);
  await replaceSample(db, 'site_promotion', records.sitePromotions);
  await writeDatasets(trx, DATASETS);
}
