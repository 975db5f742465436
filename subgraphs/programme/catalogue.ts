// The programme's own data, read from data/*.csv: the panier de services across operators and the State,
// the documents it cites, and the programme's facts (milestones, commitments, phases).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { DatasetRow } from '../runtime/migrations.ts';

export const DATASET_IDS = {
  catalogue: 'programme-panier-services',
  facts: 'programme-faits',
  sheetsSample: 'programme-fiches-actions-echantillon',
  declared: 'programme-declarations-territoires',
  contracts: 'programme-contrats-gouvernance',
} as const;

export const DATASETS: DatasetRow[] = [
  {
    id: DATASET_IDS.catalogue,
    title: "Panier de services Territoires d'industrie — catalogue de tous les opérateurs et des outils de l'État",
    publisher: "Délégation aux Territoires d'industrie (ANCT / DGE), the operators, compiled by the hub",
    licence:
      'Documents publics du programme; fields as in the Aides-territoires aid schema (Licence Ouverte / Etalab 2.0)',
    url: 'https://agence-cohesion-territoires.gouv.fr/territoires-dindustrie-44',
    date: '2020-12-15',
    nature: 'REAL',
    note:
      'subgraphs/programme/data/catalogue.csv: each entry names its source document (seeds/000 to 004) with the passage that names it, ' +
      'or `operator-offer` when the programme documents do not name the service (an operator’s general offer). Operator entries keep the ids of the ' +
      "operators' catalogues; State tools (state:…) belong to no operator.",
  },
  {
    id: DATASET_IDS.facts,
    title: "Faits du programme Territoires d'industrie : jalons, engagements annoncés, phases",
    publisher: "Délégation aux Territoires d'industrie (ANCT / DGE), CGET, Gouvernement",
    licence:
      'Documents publics du programme (quoted); territory counts of 2019-2022 and 2023-2027 from ANCT open data (Licence Ouverte / Etalab 2.0)',
    url: 'https://agence-cohesion-territoires.gouv.fr/territoires-dindustrie-44',
    date: '2023-11-14',
    nature: 'REAL',
    note: 'subgraphs/programme/data/{milestones,commitments,stages,documents}.csv: every fact carries its document and the French passage it comes from.',
  },
  {
    id: DATASET_IDS.sheetsSample,
    title: "Fiches actions des Territoires d'industrie — échantillon généré par le hub",
    publisher: 'Territoires d’industrie federation hub (generated)',
    licence: 'Generated sample data, no licence needed',
    url: null,
    date: '2025-12-31',
    nature: 'SAMPLE',
    note:
      'No open data lists the fiches actions. subgraphs/programme/sample.ts generates them deterministically: ids and axes from ' +
      'runtime/action-sheets.ts (7.5 sheets per territory on average in 2019-2022, the programme announced 1,000+ actions; 4 in 2023-2027), ' +
      "titles following the axis and the territory's sample industrial profile, holders (real EPCI names and SIRENs, invented companies, " +
      'associations and chambers marked « (échantillon) »), partners, dates and statuses as of 2025-12-31, budgets. Never to be read as real actions.',
  },
  {
    id: DATASET_IDS.declared,
    title: "Fiches actions, contrats et gouvernance déclarés par les Territoires d'industrie et l'ANCT",
    publisher: "Each territory's team (token with its `territory` claim), or ANCT",
    licence: 'Declared through the hub by the territory or ANCT',
    url: null,
    date: '2026-01-01',
    nature: 'REAL',
    note: 'Written with the programme subgraph’s mutations or CSV import; survives sample reloads.',
  },
  {
    id: DATASET_IDS.contracts,
    title:
      'Parties des contrats et copilotage régional, déduits des documents du programme et des périmètres officiels',
    publisher:
      "Délégation aux Territoires d'industrie (seeds/004), ANCT (périmètres), INSEE / geo.api.gouv.fr (Régions, EPCI)",
    licence: 'Documents publics du programme; ANCT and geography open data (Licence Ouverte / Etalab 2.0)',
    url: 'https://agence-cohesion-territoires.gouv.fr/territoires-dindustrie-44',
    date: '2023-11-14',
    nature: 'DERIVED',
    note:
      'seeds/004 names the parties of every contract (« Intercommunalité(s), État, Collectivités (Conseil régional…) ») and gives the ' +
      'coordination to the Conseils régionaux: the hub lists the State, the Région of the territory and its EPCIs (names and SIRENs of the ' +
      "official perimeters) for every territory. Signature dates and the contract's kind are in no open data: null until the territory declares them.",
  },
];

export const AXES = ['ATTRACT', 'RECRUIT', 'INNOVATE', 'SIMPLIFY'] as const;
export const OPERATORS = ['BPIFRANCE', 'FRANCE_TRAVAIL', 'BUSINESS_FRANCE', 'BANQUE_DES_TERRITOIRES'] as const;
/** Aides-territoires' `targeted_audiences` and `aid_types` choices (aids-schema-schema.json), in our enum spelling. */
export const AUDIENCES = [
  'COMMUNE',
  'EPCI',
  'DEPARTMENT',
  'REGION',
  'SPECIAL',
  'ASSOCIATION',
  'PRIVATE_PERSON',
  'FARMER',
  'PRIVATE_SECTOR',
  'PUBLIC_CIES',
  'PUBLIC_ORG',
  'RESEARCHER',
] as const;
export const AID_TYPES = ['GRANT', 'LOAN', 'RECOVERABLE_ADVANCE', 'TECHNICAL', 'FINANCIAL', 'LEGAL', 'OTHER'] as const;
const CARRIER_KINDS = ['OPERATOR', 'STATE', 'MINISTRY', 'OTHER'] as const;
const RECURRENCES = ['ONEOFF', 'ONGOING', 'RECURRING'] as const;
const UNITS = ['EUR', 'ENGAGEMENTS', 'ACTIONS'] as const;
const DOCUMENT_KINDS = ['PROGRAMME_DOCUMENT', 'OPEN_DATA', 'OPERATOR_OFFER'] as const;

export interface CatalogueEntry {
  id: string;
  position: number;
  name: string;
  operator: string | null;
  carrier: string;
  carrierKind: string;
  axes: string[];
  description: string;
  audiences: string[];
  aidTypes: string[];
  startDate: string | null;
  submissionDeadline: string | null;
  recurrence: string | null;
  amountRule: string | null;
  inFranceRelance: boolean | null;
  officialUrl: string | null;
  source: string;
  sourceQuote: string | null;
  alsoListedAs: string[];
}

export interface ProgrammeData {
  catalogue: CatalogueEntry[];
  documents: { id: string; title: string; date: string; publisher: string; kind: string; note: string | null }[];
  milestones: { date: string; event: string; document: string; quote: string }[];
  commitments: {
    id: string;
    label: string;
    value: number;
    unit: string;
    atLeast: boolean;
    announcedOn: string;
    document: string;
    quote: string;
  }[];
  stages: {
    id: string;
    name: string;
    start: string;
    end: string;
    phase: string;
    territoryCount: number;
    document: string;
    quote: string;
  }[];
}

export const DATA_FILES = ['catalogue', 'documents', 'milestones', 'commitments', 'stages'] as const;
const fileUrl = (name: string) => new URL(`./data/${name}.csv`, import.meta.url);

function rows(name: string): Record<string, string>[] {
  return parse(readFileSync(fileUrl(name)), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** Splits a `;` list and checks every value against its enum, so a typo in a data file fails the load, naming it. */
function list(file: string, id: string, column: string, value: string, allowed: readonly string[]) {
  const values = value
    .split(';')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => v.toUpperCase());
  for (const v of values)
    if (!allowed.includes(v))
      throw new Error(`data/${file}.csv, ${id}: ${column} "${v}" is not one of ${allowed.join(', ')}`);
  return values;
}
const orNull = (v: string | undefined) => (v ? v : null);

/** Reads and checks every data file: unknown enum values, unknown documents and bad dates are load errors. */
export function readProgrammeData(): ProgrammeData {
  const documents = rows('documents').map((r) => ({
    id: r.id!,
    title: r.title!,
    date: r.date!,
    publisher: r.publisher!,
    kind: list('documents', r.id!, 'kind', r.kind!, DOCUMENT_KINDS)[0]!,
    note: orNull(r.note),
  }));
  const documentIds = new Set(documents.map((d) => d.id));
  const checkDocument = (file: string, id: string, document: string) => {
    if (!documentIds.has(document)) throw new Error(`data/${file}.csv, ${id}: unknown document "${document}"`);
    return document;
  };
  const catalogue = rows('catalogue').map((r, position): CatalogueEntry => {
    const id = r.id!;
    if (!/^(financing|recruitment|attractiveness|engineering|state):[a-z0-9-]+$/.test(id))
      throw new Error(`data/catalogue.csv: bad id "${id}"`);
    const operator = orNull(r.operator);
    if (operator) list('catalogue', id, 'operator', operator, OPERATORS);
    if (!operator !== id.startsWith('state:'))
      throw new Error(`data/catalogue.csv, ${id}: State tools (state:…) have no operator, operator entries have one`);
    return {
      id,
      position,
      name: r.name!,
      operator,
      carrier: r.carrier!,
      carrierKind: list('catalogue', id, 'carrier_kind', r.carrier_kind!, CARRIER_KINDS)[0]!,
      axes: list('catalogue', id, 'axes', r.axes!, AXES),
      description: r.description!,
      audiences: list('catalogue', id, 'audiences', r.audiences!, AUDIENCES),
      aidTypes: list('catalogue', id, 'aid_types', r.aid_types!, AID_TYPES),
      startDate: orNull(r.start_date),
      submissionDeadline: orNull(r.submission_deadline),
      recurrence: r.recurrence ? list('catalogue', id, 'recurrence', r.recurrence, RECURRENCES)[0]! : null,
      amountRule: orNull(r.amount_rule),
      inFranceRelance: r.in_france_relance ? r.in_france_relance === 'true' : null,
      officialUrl: orNull(r.official_url),
      source: checkDocument('catalogue', id, r.source!),
      sourceQuote: orNull(r.source_quote),
      alsoListedAs: (r.also_listed_as ?? '').split(';').filter(Boolean),
    };
  });
  const milestones = rows('milestones').map((r) => ({
    date: r.date!,
    event: r.event!,
    document: checkDocument('milestones', r.date!, r.document!),
    quote: r.quote!,
  }));
  const commitments = rows('commitments').map((r) => ({
    id: r.id!,
    label: r.label!,
    value: Number(r.value),
    unit: list('commitments', r.id!, 'unit', r.unit!, UNITS)[0]!,
    atLeast: r.at_least === 'true',
    announcedOn: r.announced_on!,
    document: checkDocument('commitments', r.id!, r.document!),
    quote: r.quote!,
  }));
  const stages = rows('stages').map((r) => ({
    id: r.id!,
    name: r.name!,
    start: r.period_start!,
    end: r.period_end!,
    phase: r.phase!,
    territoryCount: Number(r.territory_count),
    document: checkDocument('stages', r.id!, r.document!),
    quote: r.quote!,
  }));
  return { catalogue, documents, milestones, commitments, stages };
}

/** The data files' bytes: `dataVersion` hashes them. */
export function dataFiles(): Buffer[] {
  return DATA_FILES.map((name) => readFileSync(fileUrl(name)));
}
