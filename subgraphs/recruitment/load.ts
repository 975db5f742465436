// Loads the recruitment database: real France Travail series (communes → territories), BMO basins,
// Baromètre departmental indicators, and the sample actions.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { parse } from 'csv-parse/sync';
import { insertMany } from '../runtime/database.ts';
import { writeDatasets, type DatasetRow } from '../runtime/migrations.ts';
import { loadGeography, loadPerimeters } from '../runtime/perimeters.ts';
import { sampleScale } from '../runtime/sample.ts';
import { generateActions, GENERATOR_VERSION } from './actions.ts';
import { CATALOGUE_DATASET_ID } from './catalogue.ts';
import type { RecruitmentDB } from './db.ts';
import {
  BMO_FILE,
  communeSeries,
  JOB_SEEKERS_FILE,
  readBasins,
  territoryBasins,
  territorySeries,
} from './jobseekers.ts';
import { TABLES } from './migrations/001_recruitment_tables.ts';
import { HIRING_NEEDS_TABLES } from './migrations/003_hiring_needs.ts';
import { HIRING_NEEDS_DATASETS, HIRING_NEEDS_FILE, loadHiringNeeds } from './hiring-needs.ts';

export const BAROMETRE_FILE = new URL('./data/barometre-detail-recrutement.csv', import.meta.url);

export const DATASET_IDS = {
  communes: 'france-travail-demandeurs-emploi',
  territories: 'recruitment-demandeurs-emploi-territoires',
  basins: 'france-travail-bassins-bmo',
  barometre: 'barometre-resultats-recrutement',
  catalogue: CATALOGUE_DATASET_ID,
  actions: 'recruitment-actions-echantillon',
  operatorActions: 'recruitment-actions-france-travail',
} as const;

export const DATASETS: DatasetRow[] = [
  {
    id: DATASET_IDS.communes,
    title: "Demandeurs d'emploi inscrits à France Travail par commune de plus de 5 000 habitants, mensuel 2020-2024",
    publisher:
      'France Travail (ex-Pôle emploi), statistiques.francetravail.org, extract of the Data For Good ODIS project',
    licence: 'Licence Ouverte / Etalab 2.0 (France Travail open data; not restated in the ODIS repository)',
    url: 'https://statistiques.francetravail.org/stmt/defmexp',
    date: '2024-12-31',
    nature: 'REAL',
    note:
      'dataforgoodfr/13_odis exports_wdd/17-06-25/emploi_demandeur.csv (commit 4be56ad6). Values rounded to 10 by the publisher. ' +
      'Repeated copies of a commune series are counted once; distinct series given the same code (merged communes) are summed; ' +
      'the former-commune code 49069 is attributed to its current commune 49126 (COG 2026).',
  },
  {
    id: DATASET_IDS.territories,
    title: "Demandeurs d'emploi par Territoire d'industrie (somme des communes couvertes)",
    publisher: 'Hub Territoires d’industrie, from France Travail and ANCT data',
    licence: 'Licence Ouverte / Etalab 2.0',
    url: null,
    date: '2024-12-31',
    nature: 'DERIVED',
    note:
      'Monthly sum of the commune series over the communes of the territory perimeter that have one (communes > 5,000 inhabitants only): ' +
      'not the territory total. See coverage (communes and population covered, COG 2026 populations).',
  },
  {
    id: DATASET_IDS.basins,
    title: 'Bassins d’emploi de l’enquête Besoins en main-d’œuvre (BMO) par commune',
    publisher: 'France Travail (enquête BMO), seed of the Data For Good ODIS project',
    licence: 'Licence Ouverte / Etalab 2.0',
    url: 'https://www.francetravail.org/opendata/enquete-besoins-en-main-doeuvre.html',
    date: '2025-08-28',
    nature: 'REAL',
    note: 'dataforgoodfr/13_odis dbt_odis/seeds/bassin_emploi.csv (commit d593d58a): 404 basins. Paris, Lyon, Marseille are matched as whole communes.',
  },
  {
    id: DATASET_IDS.barometre,
    title:
      'Baromètre des résultats de l’action publique : recrutements de jeunes et contrats d’apprentissage par département',
    publisher: 'Gouvernement / DITP – Etalab',
    licence: 'Licence Ouverte / Etalab 2.0',
    url: 'https://www.data.gouv.fr/fr/datasets/barometre-des-resultats-de-laction-publique/',
    date: '2022-12-31',
    nature: 'REAL',
    note: 'etalab/barometre-resultats-donnees (commit 825d4454), departmental detail files, indicators nombre-recrutements-jeunes and nombre-contrats-apprentissage.',
  },
  {
    id: DATASET_IDS.catalogue,
    title: 'Panier de services Territoires d’industrie : offre de Pôle emploi / France Travail',
    publisher:
      'ANCT / Délégation aux Territoires d’industrie (convention de mobilisation du 5 mars 2019, assemblée générale du 15 décembre 2020)',
    licence: 'Licence Ouverte / Etalab 2.0',
    url: 'https://agence-cohesion-territoires.gouv.fr/territoires-dindustrie-44',
    date: '2020-12-15',
    nature: 'REAL',
    note: 'Service names and descriptions summarised by the hub from the programme documents.',
  },
  {
    id: DATASET_IDS.actions,
    title: 'Actions de recrutement menées dans les territoires (échantillon)',
    publisher: 'Hub Territoires d’industrie (generated)',
    licence: 'Licence Ouverte / Etalab 2.0',
    url: null,
    date: '2025-06-30',
    nature: 'SAMPLE',
    note:
      'Invented but plausible actions (job offers, job dating, training, Transitions collectives, prêt de main-d’œuvre, labour-market data), ' +
      'seeded by territory id; company names end with "(échantillon)". Never to be read as real figures.',
  },
  {
    id: DATASET_IDS.operatorActions,
    title: 'Actions de recrutement déclarées par France Travail',
    publisher: 'France Travail',
    licence: 'Licence Ouverte / Etalab 2.0 (declared by the operator)',
    url: null,
    date: '2025-06-30',
    nature: 'REAL',
    note:
      'Declared by FRANCE_TRAVAIL through the hub (GraphQL mutations or CSV import with a recruitment:write token); ' +
      'served as declared, kept across sample reloads (origin OPERATOR).',
  },
  ...HIRING_NEEDS_DATASETS,
];

/** Changes with the source files, the generator and the scale factor. */
export function dataVersion(): string {
  const hash = createHash('sha256');
  for (const file of [JOB_SEEKERS_FILE, BMO_FILE, BAROMETRE_FILE, HIRING_NEEDS_FILE]) hash.update(readFileSync(file));
  hash.update(`loader-v3|${GENERATOR_VERSION}|scale=${sampleScale()}`);
  return `${hash.digest('hex').slice(0, 16)}-x${sampleScale()}`;
}

export async function load(trx: Kysely<any>): Promise<void> {
  const db = trx as Kysely<RecruitmentDB>;
  const geo = loadGeography();
  const territories = loadPerimeters();
  const scale = sampleScale();
  // Actions declared by the operator (origin OPERATOR) survive the reload: only the sample is replaced.
  for (const table of TABLES) {
    if (table === 'recruitment_action') await db.deleteFrom(table).where('origin', '=', 'SAMPLE').execute();
    else await db.deleteFrom(table).execute();
  }

  const series = communeSeries(readFileSync(JOB_SEEKERS_FILE), (code) => geo.communeByCode.has(code));
  const populationOf = (code: string) => geo.communeByCode.get(code)?.population ?? 0;
  const basins = readBasins(readFileSync(BMO_FILE));

  const territoryRows = [];
  const monthlyRows = [];
  const basinRows = [];
  for (const [position, t] of territories.entries()) {
    const js = territorySeries(t, series, populationOf);
    territoryRows.push({
      id: t.id,
      phase: t.phase,
      code: t.code,
      region_code: t.regionCode,
      position,
      // Denominator of the coverage: the same COG 2026 commune populations as the numerator (the
      // groupements' own published populations can be a little older and smaller).
      population: t.communeCodes.reduce((sum, code) => sum + populationOf(code), 0),
      commune_count: t.communeCodes.length,
      communes_with_data: js.communesWithData,
      population_covered: js.populationCovered,
    });
    for (const [month, value] of js.months) monthlyRows.push({ territory_id: t.id, month, value });
    for (const b of territoryBasins(t.communeCodes, basins)) {
      basinRows.push({ territory_id: t.id, basin_code: b.code, basin_name: b.name, commune_count: b.communeCount });
    }
  }
  await insertMany(db, 'recruitment_territory', territoryRows);
  await insertMany(
    db,
    'territory_department',
    territories.flatMap((t) => t.departmentCodes.map((code) => ({ territory_id: t.id, department_code: code }))),
  );
  await insertMany(
    db,
    'job_seeker_commune',
    [...series].flatMap(([code, months]) =>
      [...months].map(([month, value]) => ({ commune_code: code, month, value })),
    ),
  );
  await insertMany(db, 'job_seeker_territory', monthlyRows);
  await insertMany(db, 'territory_basin', basinRows);

  const barometre = parse(readFileSync(BAROMETRE_FILE), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  await insertMany(
    db,
    'department_indicator',
    barometre.map((r) => ({
      department_code: r.code_departement!,
      department_name: r.libelle_departement!,
      indicator: r.id_indicateur!,
      date: r.date!,
      value: Number(r.valeur),
      unit: r.unite!,
    })),
  );

  const communeName = (code: string) => geo.communeByCode.get(code)?.name ?? code;
  await insertMany(
    db,
    'recruitment_action',
    territories.flatMap((t) => generateActions(t, scale, communeName)).map((a) => ({ ...a, origin: 'SAMPLE' })),
  );
  for (const table of HIRING_NEEDS_TABLES) await db.deleteFrom(table as never).execute();
  await loadHiringNeeds(db, territories, basins, populationOf);
  await writeDatasets(trx, DATASETS);
}
