// Loads the catalogue, the real departmental context (PGE, Baromètre) and the sample financings.
// Financings declared by Bpifrance (origin OPERATOR) survive the reload: only the sample is replaced.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import { writeDatasets } from '../runtime/migrations.ts';
import { loadPerimeters } from '../runtime/perimeters.ts';
import { sampleScale } from '../runtime/sample.ts';
import { DATASETS, SERVICES } from './catalogue.ts';
import type { CompanyRow, FinancingDB } from './db.ts';
import { GENERATOR_VERSION, generateTerritory, type SampleFinancing } from './generator.ts';
import { renumberTerritories } from './positions.ts';
import { BAROMETRE_FILE, PGE_FILE, readIndicators, readPge } from './sources.ts';

/** Bump when the loader's output changes (part of dataVersion). */
const LOADER_VERSION = 'financing-loader-v2-origin';

/** Changes with the source files, the catalogue, the generator and the scale. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(PGE_FILE)).update(readFileSync(BAROMETRE_FILE));
  for (const phase of ['2019-2022', '2023-2027'])
    hash.update(readFileSync(new URL(`../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)));
  hash
    .update(JSON.stringify(SERVICES))
    .update(JSON.stringify(DATASETS))
    .update(GENERATOR_VERSION)
    .update(LOADER_VERSION);
  return `scale-${sampleScale()}-${hash.digest('hex').slice(0, 16)}`;
}

/** All sample records, in a stable order (territories in perimeter order). */
export function generateAll(scale = sampleScale()): {
  companies: CompanyRow[];
  financings: (SampleFinancing & { position: number })[];
} {
  const taken = new Set<string>();
  const companies: CompanyRow[] = [];
  const financings: (SampleFinancing & { position: number })[] = [];
  for (const territory of loadPerimeters()) {
    const generated = generateTerritory(territory, scale, taken);
    companies.push(...generated.companies);
    for (const f of generated.financings) financings.push({ ...f, position: financings.length + 1 });
  }
  return { companies, financings };
}

export async function load(trx: Kysely<any>): Promise<void> {
  const db = trx as Kysely<FinancingDB>;
  await db.deleteFrom('financing').where('origin', '=', 'SAMPLE').execute();
  for (const table of [
    'company',
    'indicator_department',
    'pge_department',
    'service_axis',
    'territory_department',
    'territory',
  ] as const) {
    await db.deleteFrom(table).execute();
  }
  const territories = loadPerimeters();
  await insertMany(
    db,
    'territory',
    territories.map((t) => ({ id: t.id, phase: t.phase, region_code: t.regionCode })),
  );
  await insertMany(
    db,
    'territory_department',
    territories.flatMap((t) => t.departmentCodes.map((code) => ({ territory_id: t.id, department_code: code }))),
  );
  await insertMany(
    db,
    'service_axis',
    SERVICES.flatMap((s) => s.axes.map((axis) => ({ service_id: s.id, axis }))),
  );
  await insertMany(db, 'pge_department', readPge() as unknown as Record<string, unknown>[]);
  await insertMany(db, 'indicator_department', readIndicators() as unknown as Record<string, unknown>[]);
  const { companies, financings } = generateAll();
  await insertMany(db, 'company', companies as unknown as Record<string, unknown>[]);
  // Declared financings keep their rows: the sample goes after their positions, then their territories are renumbered.
  const declared = await db
    .selectFrom('financing')
    .select((eb) => eb.fn.max('position').as('max'))
    .executeTakeFirst();
  const offset = Number(declared?.max ?? 0);
  await insertMany(
    db,
    'financing',
    financings.map((f) => ({ ...f, position: f.position + offset, origin: 'SAMPLE' })),
  );
  const withDeclared = await db
    .selectFrom('financing')
    .select('territory_id')
    .distinct()
    .where('origin', '=', 'OPERATOR')
    .execute();
  await renumberTerritories(
    trx,
    withDeclared.map((r) => r.territory_id),
  );
  await writeDatasets(trx, DATASETS);
}
