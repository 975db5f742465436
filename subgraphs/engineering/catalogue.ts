// The catalogue of the Banque des Territoires (panier de services), read from data/catalogue.csv:
// every entry quotes the programme's documents (data/seeds/), so the catalogue is REAL.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { DatasetRow } from '../runtime/migrations.ts';
import type { RecordKind } from './db.ts';

export const AXES = ['ATTRACT', 'RECRUIT', 'INNOVATE', 'SIMPLIFY'] as const;
export type Axis = (typeof AXES)[number];

export const CATALOGUE_FILE = new URL('./data/catalogue.csv', import.meta.url);

export const DATASET_CATALOGUE = 'banque-des-territoires-panier-services';
export const DATASET_SAMPLE = 'banque-des-territoires-echantillon';
export const DATASET_PERIMETERS = 'anct-perimetres-ti';
export const DATASET_OPERATOR = 'banque-des-territoires-declarations';

export const DATASETS: DatasetRow[] = [
  {
    id: DATASET_CATALOGUE,
    title: "Panier de services de la Banque des Territoires pour les Territoires d'industrie (catalogue)",
    publisher: "Délégation aux Territoires d'industrie (CGET / ANCT), Banque des Territoires",
    licence: 'Licence Ouverte / Etalab 2.0',
    url: 'https://agence-cohesion-territoires.gouv.fr/territoires-dindustrie-44',
    date: '2020-12-15',
    nature: 'REAL',
    note: "Catalogue entries taken from the programme's documents (comité de pilotage du 7 janvier 2019, assemblées générales du 5 mars 2019 et du 15 décembre 2020): names, carriers and amounts quoted in subgraphs/engineering/data/catalogue.csv. The loan offer is named in the hub's issue, not in these documents.",
  },
  {
    id: DATASET_SAMPLE,
    title: 'Interventions de la Banque des Territoires par territoire (échantillon généré)',
    publisher: "Hub Territoires d'industrie (generated)",
    licence: 'Licence Ouverte / Etalab 2.0',
    url: null,
    date: '2025-12-31',
    nature: 'SAMPLE',
    note: 'No open data lists these interventions: engineering studies, project-manager cofundings, VTE aids and loans are generated deterministically per territory (seeded by the territory id, scaled by SCALE). Beneficiary groupements are real (ANCT perimeters); companies are invented "(échantillon)". VTE aid amounts follow the real rule: 4 000 € per VTE, 8 000 € for a VTE vert. Never read these figures as real.',
  },
  {
    id: DATASET_OPERATOR,
    title: 'Interventions déclarées par la Banque des Territoires (études, chefs de projet, VTE, prêts)',
    publisher: 'Banque des Territoires (Caisse des Dépôts)',
    licence: 'Licence Ouverte / Etalab 2.0 (declared by the operator)',
    url: null,
    date: '2026-11-22',
    nature: 'REAL',
    note: 'Records declared by BANQUE_DES_TERRITOIRES through the hub (GraphQL mutations with a token of the operator and the scope engineering:write, or `npm run import -- engineering`). The hub validates them (territory on the ANCT lists, groupement of its perimeter, catalogue service, amounts, the VTE rule) but does not audit them; the operator is responsible for their content. Kept across sample reloads. The date is the opening of the write channel.',
  },
  {
    id: DATASET_PERIMETERS,
    title: "Périmètres officiels des Territoires d'industrie (2019-2022 et 2023-2027)",
    publisher: 'ANCT (Agence nationale de la cohésion des territoires)',
    licence: 'Licence Ouverte / Etalab 2.0',
    url: 'https://www.data.gouv.fr/fr/datasets/programme-territoires-dindustrie/',
    date: '2023-11-14',
    nature: 'REAL',
    note: 'The groupements (EPCI SIREN and name) that receive the studies, project-manager cofundings and loans are taken from these perimeters (subgraphs/runtime/reference/).',
  },
];

export interface CatalogueService {
  /** `engineering:<slug>`. */
  id: string;
  slug: string;
  name: string;
  operator: 'BANQUE_DES_TERRITOIRES';
  carrier: string | null;
  axes: Axis[];
  description: string;
  /** The record kind that mobilises the service in a territory; null when the hub holds no records for it. */
  recordKind: RecordKind | null;
  financial: boolean;
  source: string;
  sourceQuote: string;
  datasetId: string;
}

export const serviceId = (slug: string) => `engineering:${slug}`;

let catalogue: CatalogueService[] | undefined;
export function loadCatalogue(): CatalogueService[] {
  return (catalogue ??= (
    parse(readFileSync(CATALOGUE_FILE), { columns: true, skip_empty_lines: true }) as Record<string, string>[]
  ).map((row) => ({
    id: serviceId(row.slug!),
    slug: row.slug!,
    name: row.name!,
    operator: 'BANQUE_DES_TERRITOIRES' as const,
    carrier: row.carrier || null,
    axes: (row.axes ? row.axes.split(';') : []) as Axis[],
    description: row.description!,
    recordKind: (row.record_kind || null) as RecordKind | null,
    financial: row.financial === '1',
    source: row.source!,
    sourceQuote: row.source_quote!,
    datasetId: DATASET_CATALOGUE,
  })));
}

export function serviceById(id: string): CatalogueService | undefined {
  return loadCatalogue().find((s) => s.id === id);
}

/** The service a record kind belongs to (one each). */
export function serviceOfKind(kind: RecordKind): CatalogueService {
  const service = loadCatalogue().find((s) => s.recordKind === kind);
  if (!service) throw new Error(`${CATALOGUE_FILE.pathname}: no service for record kind ${kind}`);
  return service;
}

export function datasetById(id: string): DatasetRow {
  const dataset = DATASETS.find((d) => d.id === id);
  if (!dataset) throw new Error(`unknown dataset ${id}`);
  return dataset;
}
