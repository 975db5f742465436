// The France Travail part of the panier de services, as named in the programme's documents
// (convention de mobilisation of 5 March 2019, general assembly of 15 December 2020).
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
    slug: 'transitions-collectives',
    code: 'TRC',
    name: 'AMI Transitions collectives',
    carrier: 'Ministère du Travail',
    axes: ['RECRUIT'],
    description:
      "Appel à manifestation d'intérêt « Transitions collectives » à destination des Territoires d'industrie : territoires pilotes qui innovent dans la reconversion de salariés aux emplois fragilisés vers les métiers porteurs du bassin.",
    titles: [
      'Plateforme territoriale Transitions collectives',
      'Parcours de reconversion Transco',
      'Identification des métiers porteurs (GPEC territoriale)',
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
