// The France Travail part of the panier de services, as named in the programme's documents
// (convention de mobilisation of 5 March 2019, general assembly of 15 December 2020), the statuses of
// an action, and the datasets the subgraph serves (every figure says where it comes from).
import type { DatasetRow } from '../runtime/migrations.ts';
import { HIRING_NEEDS_DATASETS } from './hiring-needs.ts';

export type Axis = 'ATTRACT' | 'RECRUIT' | 'INNOVATE' | 'SIMPLIFY';

export interface CatalogueService {
  id: string;
  slug: string;
  name: string;
  carrier: string | null;
  axes: Axis[];
  description: string;
  /** Short code used in action references (`FT-<code>-…`). */
  code: string;
  /** Titles of the sample actions of this service. */
  titles: string[];
}

export const CATALOGUE_DATASET_ID = 'recruitment-panier-services';

const service = (s: Omit<CatalogueService, 'id'>): CatalogueService => ({ ...s, id: `recruitment:${s.slug}` });

// What France Travail itself runs. The AMI Transitions collectives (Ministry of Labour) is a State tool of the
// programme catalogue (`state:transitions-collectives`, subgraphs/programme), not an entry of this slice.
export const CATALOGUE: CatalogueService[] = [
  service({
    slug: 'offres-emploi',
    code: 'OFF',
    name: "Accompagnement au recrutement et diffusion des offres d'emploi",
    carrier: null,
    axes: ['RECRUIT'],
    description:
      "Pôle emploi / France Travail aide les entreprises industrielles du territoire à définir leurs besoins, diffuse leurs offres d'emploi et présélectionne des candidats (convention de mobilisation du 5 mars 2019).",
    titles: [
      'Campagne de recrutement',
      'Recrutement par simulation (méthode MRS)',
      'Présélection de candidats',
      "Diffusion d'offres d'emploi industrielles",
    ],
  }),
  service({
    slug: 'job-dating',
    code: 'JOB',
    name: 'Job dating et rencontres emploi-industrie',
    carrier: null,
    axes: ['RECRUIT'],
    description:
      "Rencontres directes entre demandeurs d'emploi et industriels du territoire (job dating, salons, visites d'usines) pour pourvoir des postes et changer l'image de l'industrie.",
    titles: [
      'Job dating industrie',
      "Visite d'entreprise pour demandeurs d'emploi",
      "Salon de l'emploi industriel",
      'Semaine de l\u2019industrie : rencontres emploi',
    ],
  }),
  service({
    slug: 'formation',
    code: 'FOR',
    name: "Formation des demandeurs d'emploi aux métiers de l'industrie",
    carrier: null,
    axes: ['RECRUIT'],
    description:
      "Formations financées ou prescrites par Pôle emploi / France Travail avant embauche (préparation opérationnelle à l'emploi, actions de formation conventionnées) sur les métiers en tension du territoire.",
    titles: [
      "Préparation opérationnelle à l'emploi collective (POEC)",
      "Préparation opérationnelle à l'emploi individuelle (POEI)",
      'Action de formation conventionnée',
      'Formation préalable au recrutement',
    ],
  }),
  service({
    slug: 'pret-main-oeuvre',
    code: 'PMO',
    name: "Plateforme de prêt de main-d'œuvre",
    carrier: null,
    axes: ['RECRUIT'],
    description:
      "Plateformes territoriales de prêt de main-d'œuvre entre entreprises (mise à disposition temporaire de salariés), encouragées pendant la crise sanitaire pour préserver les compétences.",
    titles: [
      'Mise à disposition de salariés entre entreprises',
      "Animation d'une plateforme de prêt de main-d'œuvre",
      "Bourse d'échange de compétences",
    ],
  }),
  service({
    slug: 'donnees-marche-travail',
    code: 'DAT',
    name: 'Données et diagnostics du marché du travail',
    carrier: null,
    axes: ['RECRUIT'],
    description:
      "Statistiques et diagnostics emploi-compétences du bassin (demandeurs d'emploi, besoins en main-d'œuvre BMO, métiers en tension) fournis par Pôle emploi / France Travail aux binômes élu-industriel.",
    titles: [
      'Diagnostic territorial emploi-compétences',
      'Présentation des besoins en main-d\u2019œuvre (BMO)',
      'Tableau de bord des métiers en tension',
    ],
  }),
];

export const SERVICE_BY_ID = new Map(CATALOGUE.map((s) => [s.id, s]));

export const ACTION_STATUSES = ['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;

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
      'Invented but plausible actions (job offers, job dating, training, prêt de main-d’œuvre, labour-market data), ' +
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
