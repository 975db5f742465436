// Loads the reference perimeters and the geography they need into the territories database.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import { writeDatasets, type DatasetRow } from '../runtime/migrations.ts';
import { loadGeography, loadPerimeters, PHASES, type GeoGroupement } from '../runtime/perimeters.ts';
import { searchable, type DepartmentRow, type GroupementRow, type TerritoriesDB } from './db.ts';
import { GEOMETRY_FILE, readGeometries } from './geometry.ts';
import { phaseLinks } from './phase-links.ts';

export const DATASETS: DatasetRow[] = [
  {
    id: 'anct-perimetres-ti',
    title: "Périmètres officiels des Territoires d'industrie (2019-2022 et 2023-2027)",
    publisher: 'ANCT (Agence nationale de la cohésion des territoires)',
    licence: 'Licence Ouverte / Etalab 2.0',
    url: 'https://www.data.gouv.fr/fr/datasets/programme-territoires-dindustrie/',
    date: '2023-11-14',
    nature: 'REAL',
    note:
      'Groupement lists per territory from the anct-carto repositories (2019-2022: list of end 2022; 2023-2027: list of 2023-11-14). Copied in subgraphs/runtime/reference/. ' +
      'Polygons: ANCT’s GeoJSON files of both phases, copied in subgraphs/territories/data/ and simplified at request time (@turf/simplify).',
  },
  {
    id: 'cog-2026',
    title: 'Découpage administratif (communes, EPCI, EPT, départements, régions), COG 2026',
    publisher: 'INSEE / DGCL, packaged by Etalab (@etalab/decoupage-administratif 6.0.0)',
    licence: 'Licence Ouverte / Etalab 2.0',
    url: 'https://github.com/etalab/decoupage-administratif',
    date: '2026-01-01',
    nature: 'REAL',
    note: 'Populations are INSEE populations municipales; a territory population is the sum of its groupements.',
  },
];

/** Changes when the reference files change. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  for (const phase of PHASES)
    hash.update(readFileSync(new URL(`../runtime/reference/ti-${phase}-groupements.csv`, import.meta.url)));
  for (const phase of PHASES) hash.update(readFileSync(GEOMETRY_FILE(phase)));
  hash.update('loader-v4-territory-card');
  return hash.digest('hex').slice(0, 16);
}

export async function load(db: Kysely<TerritoriesDB>): Promise<void> {
  const geo = loadGeography();
  const territories = loadPerimeters();

  for (const table of [
    'phase_link',
    'territory_geometry',
    'territory_commune',
    'territory_department',
    'territory_groupement',
    'territory',
    'groupement_commune',
    'groupement',
    'commune',
    'department',
    'region',
  ] as const) {
    await db.deleteFrom(table).execute();
  }
  await insertMany(
    db,
    'region',
    geo.regions.map((r) => ({ code: r.code, name: r.name })),
  );
  await insertMany(
    db,
    'department',
    geo.departments.map((d) => ({ code: d.code, name: d.name, region_code: d.regionCode })),
  );
  await insertMany(
    db,
    'commune',
    geo.communes.map((c) => ({
      code: c.code,
      name: c.name,
      department_code: c.departmentCode,
      population: c.population,
    })),
  );

  const groupements = new Map(territories.flatMap((t) => t.groupements).map((g) => [g.siren, g]));
  const groupementRow = (g: GeoGroupement): GroupementRow => ({
    siren: g.siren,
    name: g.name,
    nature: g.nature,
    population: g.population,
    commune_count: g.communes.length,
  });
  await insertMany(
    db,
    'groupement',
    [...groupements.values()].map((g) => ({ ...groupementRow(g) })),
  );
  await insertMany(
    db,
    'groupement_commune',
    [...groupements.values()].flatMap((g) => g.communes.map((code) => ({ siren: g.siren, commune_code: code }))),
  );

  const regionName = new Map(geo.regions.map((r) => [r.code, r.name]));
  const departmentRow = new Map(
    geo.departments.map((d): [string, DepartmentRow] => [
      d.code,
      { code: d.code, name: d.name, region_code: d.regionCode },
    ]),
  );
  await insertMany(
    db,
    'territory',
    territories.map((t, position) => ({
      id: t.id,
      code: t.code,
      phase: t.phase,
      name: t.name,
      search_name: searchable(t.name),
      region_code: t.regionCode,
      population: t.population,
      commune_count: t.communeCodes.length,
      groupement_count: t.groupements.length,
      position,
      // The rows the tables below hold for the territory, as its page reads them (one read per batch).
      region_name: regionName.get(t.regionCode) ?? '',
      departments: JSON.stringify(t.departmentCodes.flatMap((code) => departmentRow.get(code) ?? [])),
      groupements: JSON.stringify(t.groupements.map(groupementRow)),
    })),
  );
  await insertMany(
    db,
    'territory_groupement',
    territories.flatMap((t) => t.groupements.map((g, position) => ({ territory_id: t.id, siren: g.siren, position }))),
  );
  await insertMany(
    db,
    'territory_department',
    territories.flatMap((t) => t.departmentCodes.map((code) => ({ territory_id: t.id, department_code: code }))),
  );
  await insertMany(
    db,
    'territory_commune',
    territories.flatMap((t) => t.communeCodes.map((code) => ({ territory_id: t.id, commune_code: code }))),
  );
  await insertMany(
    db,
    'territory_geometry',
    readGeometries(new Set(territories.map((t) => t.id))).map((g) => ({
      territory_id: g.territoryId,
      geojson: g.geojson,
    })),
  );
  await insertMany(
    db,
    'phase_link',
    // Spread: insertMany takes plain records.
    phaseLinks(territories, (code) => geo.communeByCode.get(code)?.population ?? 0).map((link) => ({ ...link })),
  );
  await writeDatasets(db, DATASETS);
}
