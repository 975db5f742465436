// Bpifrance's part of the panier de services, and the datasets this subgraph serves.
import type { DatasetRow } from '../runtime/migrations.ts';
import { catalogueEntryDataset } from '../runtime/provenance.ts';

export type Axis = 'ATTRACT' | 'RECRUIT' | 'INNOVATE' | 'SIMPLIFY';
export const AXES: readonly Axis[] = ['ATTRACT', 'RECRUIT', 'INNOVATE', 'SIMPLIFY'];
export type Instrument = 'SUBSIDY' | 'REPAYABLE_ADVANCE' | 'LOAN' | 'GUARANTEE' | 'EQUITY';
export const INSTRUMENTS: readonly Instrument[] = ['SUBSIDY', 'REPAYABLE_ADVANCE', 'LOAN', 'GUARANTEE', 'EQUITY'];
export type Status = 'REQUESTED' | 'GRANTED' | 'PAID' | 'CANCELLED';
export const STATUSES: readonly Status[] = ['REQUESTED', 'GRANTED', 'PAID', 'CANCELLED'];
/** Statuses that count as a financing granted: summaries, mobilisations and totals sum these only. */
export const GRANTED_STATUSES: readonly Status[] = ['GRANTED', 'PAID'];

export const DATASET_IDS = {
  catalogue: 'bpifrance-panier-services',
  sample: 'bpifrance-financements-echantillon',
  declared: 'bpifrance-financements-declares',
  pge: 'pge-etat-bpifrance-departemental',
  barometre: 'barometre-france-relance-entreprises-industrielles',
} as const;

export const DATASETS: DatasetRow[] = [
  {
    id: DATASET_IDS.catalogue,
    title: "Panier de services Territoires d'industrie — offre Bpifrance",
    publisher: "Délégation aux Territoires d'industrie (ANCT / DGE) et Bpifrance",
    licence: 'Documents publics du programme',
    url: 'https://agence-cohesion-territoires.gouv.fr/territoires-dindustrie-44',
    date: '2020-12-15',
    nature: 'REAL',
    note:
      "Catalogue entries come from the programme's documents: the panier de services presentation (2019, Bpifrance among the operators), " +
      "the conventions de mobilisation of 5 March 2019 and the general assembly of 15 December 2020 (Fonds d'accélération: 400 M€ until 2022; " +
      "VTE aid of 4,000 €, 8,000 € for a VTE vert: recorded by Banque des Territoires, not here). Bpifrance's generic products (innovation aid, loans, guarantees, equity) are named as in its offer; no figures are attached to them.",
  },
  {
    id: DATASET_IDS.sample,
    title: 'Financements Bpifrance dans les Territoires d’industrie (données d’échantillon)',
    publisher: "Hub Territoires d'industrie (generated)",
    licence: 'Licence Ouverte / Etalab 2.0',
    url: null,
    date: '2025-12-31',
    nature: 'SAMPLE',
    note:
      'No open data lists Bpifrance financings by company and territory: these records are generated deterministically (seeded by the territory id), ' +
      "within the territory's phase years, for companies whose activities come from the territory's sample industrial profile. Never read them as real figures.",
  },
  {
    id: DATASET_IDS.declared,
    title: 'Financements Bpifrance déclarés par l’opérateur',
    publisher: 'Bpifrance',
    licence: 'Licence Ouverte / Etalab 2.0 (declared by the operator)',
    url: null,
    date: '2026-01-01',
    nature: 'REAL',
    note:
      'Declared by BPIFRANCE through the hub (GraphQL mutations createFinancing/updateFinancing/deleteFinancing, or CSV import, ' +
      'with a token of operator BPIFRANCE and scope financing:write); served as declared and kept across sample reloads (origin OPERATOR). ' +
      'The date is that of the declaration channel, not of each record: see the records’ own dates.',
  },
  {
    id: DATASET_IDS.pge,
    title: "Prêts garantis par l'État (PGE) par département et section NAF",
    publisher:
      "Ministère de l'Économie et des Finances / Bpifrance, republished by Etalab (dashboard-aides-entreprises)",
    licence: 'Licence Ouverte / Etalab 2.0',
    url: 'https://www.data.gouv.fr/fr/datasets/donnees-relatives-aux-prets-garantis-par-letat-dans-le-cadre-de-lepidemie-de-covid-19/',
    date: '2021-12-31',
    nature: 'REAL',
    note:
      'Cumulative number and amount of PGE at 2021-12-31, per department and NAF rév. 2 section (file pge-departemental-naf-latest.csv, commit d632041). ' +
      'The all-sections figures are the sum of the published section rows.',
  },
  {
    id: DATASET_IDS.barometre,
    title:
      "Baromètre des résultats de l'action publique — entreprises industrielles bénéficiaires des aides à l'investissement de France Relance",
    publisher: 'Gouvernement / DITP – Etalab',
    licence: 'Licence Ouverte 2.0',
    url: 'https://www.data.gouv.fr/fr/datasets/barometre-des-resultats-de-laction-publique/',
    date: '2022-12-31',
    nature: 'REAL',
    note:
      'Indicator nb-entreprises-industrielles-agricoles of barometre-resultats-synthese-departemental.csv (commit 825d445): latest cumulative value per department, ' +
      'as published. Includes the Fonds d’accélération des investissements industriels dans les territoires among other France Relance aids.',
  },
];

export const datasetById = new Map(DATASETS.map((d) => [d.id, d]));

export interface CatalogueService {
  id: string;
  name: string;
  carrier: string | null;
  axes: Axis[];
  description: string;
  /** Instruments the sample generator may use, with their weights. */
  instruments: [Instrument, number][];
  /** Amount range in euros (log-uniform), or fixed amounts. */
  amount: { min: number; max: number; step: number } | { fixed: number[] };
  /** Sample records per territory at SCALE=1, before the ±50 % spread. */
  base: number;
  /** Years the service existed, within the territory's phase years. */
  fromYear: number;
  toYear: number;
}

export const SERVICES: CatalogueService[] = [
  {
    id: 'financing:fonds-acceleration',
    name: "Fonds d'accélération des investissements industriels dans les territoires",
    carrier: 'État (France Relance), appel à projets régionalisé opéré par Bpifrance',
    axes: ['INNOVATE', 'ATTRACT'],
    description:
      "Fonds de France Relance doté de 400 M€ d'ici 2022 : finance les projets industriels des Territoires d'industrie " +
      '(créations et extensions de sites, modernisation, nouveaux équipements), via un appel à projets régionalisé.',
    instruments: [
      ['SUBSIDY', 0.8],
      ['REPAYABLE_ADVANCE', 0.2],
    ],
    amount: { min: 50_000, max: 2_500_000, step: 1000 },
    base: 4,
    fromYear: 2020,
    toYear: 2022,
  },
  {
    id: 'financing:aide-innovation',
    name: "Aides à l'innovation",
    carrier: null,
    axes: ['INNOVATE'],
    description:
      "Subventions et avances remboursables de Bpifrance pour les projets d'innovation des PME et ETI industrielles.",
    instruments: [
      ['SUBSIDY', 0.4],
      ['REPAYABLE_ADVANCE', 0.6],
    ],
    amount: { min: 30_000, max: 1_500_000, step: 1000 },
    base: 3,
    fromYear: 2019,
    toYear: 2027,
  },
  {
    id: 'financing:pret-developpement',
    name: 'Prêts de développement (dont Prêt Industrie)',
    carrier: null,
    axes: ['ATTRACT', 'INNOVATE'],
    description:
      'Prêts sans garantie de Bpifrance finançant les investissements immatériels, le besoin en fonds de roulement et la modernisation des sites industriels.',
    instruments: [['LOAN', 1]],
    amount: { min: 100_000, max: 5_000_000, step: 10_000 },
    base: 3,
    fromYear: 2019,
    toYear: 2027,
  },
  {
    id: 'financing:garantie',
    name: 'Garantie des financements bancaires',
    carrier: null,
    axes: ['ATTRACT'],
    description:
      "Garantie par Bpifrance d'une partie des prêts bancaires accordés aux entreprises pour leurs projets de création, d'extension ou de transmission.",
    instruments: [['GUARANTEE', 1]],
    amount: { min: 50_000, max: 2_000_000, step: 5000 },
    base: 2,
    fromYear: 2019,
    toYear: 2027,
  },
  {
    id: 'financing:fonds-propres',
    name: 'Investissement en fonds propres',
    carrier: null,
    axes: ['INNOVATE', 'ATTRACT'],
    description:
      'Prises de participation minoritaires de Bpifrance (directes ou via des fonds partenaires) au capital des PME et ETI industrielles.',
    instruments: [['EQUITY', 1]],
    amount: { min: 500_000, max: 10_000_000, step: 50_000 },
    base: 0.6,
    fromYear: 2019,
    toYear: 2027,
  },
];
// No VTE entry: the VTE hiring aid (4,000 €, financed by the State and the Banque des Territoires) is recorded once,
// by Banque des Territoires (engineering:aide-recrutement-vte), so that no euro is counted in two slices.

export const serviceById = new Map(SERVICES.map((s) => [s.id, s]));

/** GraphQL shape of a catalogue entry. */
export function serviceNode(service: CatalogueService) {
  return {
    id: service.id,
    name: service.name,
    operator: 'BPIFRANCE',
    carrier: service.carrier,
    axes: service.axes,
    description: service.description,
    dataset: catalogueEntryDataset(service.id, datasetById.get(DATASET_IDS.catalogue)!, 'financing', 'Bpifrance'),
  };
}
