// The record kinds Business France writes through the hub (GraphQL mutations and `npm run import`), declared once
// each for the record kit (runtime/records.ts): fields and their validation, ownership, reserved sample references,
// filters and order of the pages, sample hook. Shared by the mutations, the CSV import and the pages.
import { ACTION_SHEET_FIELD, ACTION_SHEET_LINK } from '../runtime/action-sheets.ts';
import { isKnownTerritory, parseTerritoryId, PHASE_YEARS } from '../runtime/perimeters.ts';
import {
  operatorOwnership,
  type FieldProblem,
  type FieldSpec,
  type OrderColumn,
  type RecordSpec,
  type Row,
} from '../runtime/records.ts';
import type { FilterSpec } from '../runtime/filters.ts';
import { totalsLevels, type Measure, type SummaryLevel, type SummarySpec } from '../runtime/summaries.ts';
import { CATALOGUE, OPERATOR, SERVICE_BY_ID, type RecordKind } from './catalogue.ts';
import { countryName } from './countries.ts';
import { generateRecords, SECTORS } from './sample.ts';

export const WRITE_SCOPE = 'attractiveness:write';
export const FIRST_YEAR = 2019;
export const LAST_YEAR = 2027;
export const INVESTMENT_STATUSES = ['DETECTED', 'IN_PROGRESS', 'DECIDED', 'ABANDONED'] as const;

/** References of the hub's generated records (`BF-IDE-2023-8412-0007`): reserved, operators use their own. */
export const SAMPLE_REFERENCE = /^BF-(IDE|EXP|SIT)-\d{4}-\d{4}-\d{4,}$/;

/** Business France writes its declared records; the sample (origin SAMPLE) is nobody's to write. */
const owner = operatorOwnership(OPERATOR, WRITE_SCOPE);

const reservedKey = (reference: string) =>
  SAMPLE_REFERENCE.test(reference)
    ? "uses the pattern reserved for the hub's sample records (BF-IDE|EXP|SIT-<phase>-<code>-<n>); use your own reference"
    : undefined;

/** Every list: most recent first, then reference (unique), walked with keyset cursors. */
const order: OrderColumn[] = [
  { column: 'date', type: 'string', descending: true },
  { column: 'reference', type: 'string' },
];

const COUNTRY_CODE = {
  pattern: /^[A-Z]{2}$/,
  patternHint: 'an ISO 3166-1 alpha-2 country code (2 capital letters, e.g. DE)',
};
const yearFilter: FilterSpec = { kind: 'equals', column: 'year', type: 'integer', min: FIRST_YEAR, max: LAST_YEAR };

/** Filters of the investment totals (not a page): validated and turned into SQL by the kit too. */
export const TOTALS_FILTERS: Record<string, FilterSpec> = { year: yearFilter };

/** The kit declarations the three kinds share (key, ownership, reserved references, partition and order). */
const shared = {
  key: 'reference',
  owner,
  reservedKey,
  territoryColumn: 'territory_id',
  order,
  checkIncomplete: true,
  // The action sheet named is checked with the programme subgraph before the write (runtime/action-sheets.ts).
  ...ACTION_SHEET_LINK,
} as const;

const common = (what: string): FieldSpec[] => [
  {
    name: 'reference',
    type: 'string',
    required: true,
    maxLength: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/,
    patternHint: 'a reference of 3 to 64 letters, digits, ".", "_", "/" or "-"',
    description: `natural key of the ${what} in Business France's systems, e.g. BFOP-IDE-2024-00017 (the pattern BF-IDE|EXP|SIT-<year>-<code>-<n> is reserved for the hub's sample)`,
  },
  {
    name: 'territoryId',
    type: 'string',
    required: true,
    maxLength: 20,
    description: 'territory entity id <phase>:<ANCT code>, e.g. 2023-2027:ti-8412',
  },
  {
    name: 'serviceId',
    type: 'string',
    required: true,
    maxLength: 80,
    description: `service of the attractiveness catalogue, e.g. ${CATALOGUE[0]!.id}`,
  },
];

const dateField = (what: string): FieldSpec => ({
  name: 'date',
  type: 'date',
  required: true,
  min: 2019,
  max: 2027,
  description: `${what}, YYYY-MM-DD, within the territory's phase (2019-2022 or 2023-2027)`,
});

function countryProblem(field: string, code: unknown, foreign: boolean): FieldProblem[] {
  if (code == null) return [];
  if (countryName(String(code)) === undefined)
    return [{ field, message: `"${String(code).slice(0, 10)}" is not an ISO 3166-1 alpha-2 country code (e.g. DE)` }];
  if (foreign && code === 'FR') return [{ field, message: 'a foreign investor cannot be French (FR)' }];
  return [];
}

/** Checks shared by the three kinds (a field absent from `value` already had a type error): territory, service of the right kind, date within the phase. */
function commonChecks(value: Row, kind: RecordKind): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const parsed = value.territoryId == null ? undefined : parseTerritoryId(String(value.territoryId));
  if (value.territoryId != null) {
    const territoryId = String(value.territoryId);
    if (!parsed)
      problems.push({
        field: 'territoryId',
        message: `"${territoryId.slice(0, 40)}" is not a territory id (<phase>:<ANCT code>, e.g. 2023-2027:ti-8412)`,
      });
    else if (!isKnownTerritory(territoryId))
      problems.push({
        field: 'territoryId',
        message: `unknown territory "${territoryId}": no such ANCT code in phase ${parsed.phase}`,
      });
  }
  if (value.serviceId != null) {
    const serviceId = String(value.serviceId);
    const service = SERVICE_BY_ID.get(serviceId);
    const expected = CATALOGUE.filter((s) => s.records === kind).map((s) => s.id);
    if (!service)
      problems.push({
        field: 'serviceId',
        message: `unknown service "${serviceId.slice(0, 80)}": not in the attractiveness catalogue (expected ${expected.join(' or ')})`,
      });
    else if (service.records !== kind)
      problems.push({
        field: 'serviceId',
        message: `"${serviceId}" has no records of this kind (expected ${expected.join(' or ')})`,
      });
  }
  if (parsed && typeof value.date === 'string') {
    const [from, to] = PHASE_YEARS[parsed.phase];
    const year = Number(value.date.slice(0, 4));
    if (year < from || year > to)
      problems.push({
        field: 'date',
        message: `${value.date} is outside the phase ${parsed.phase} of territory ${String(value.territoryId)} (${from}–${to})`,
      });
  }
  return problems;
}

/** Columns derived from the territory and the date, and the origin of operator records. */
function derived(value: Row): Row {
  const parsed = parseTerritoryId(String(value.territoryId))!;
  return {
    reference: value.reference,
    territory_id: value.territoryId,
    phase: parsed.phase,
    region_code: parsed.regionCode,
    service_id: value.serviceId,
    date: value.date,
    year: Number(String(value.date).slice(0, 4)),
    action_sheet_id: value.actionSheetId ?? null,
    origin: 'OPERATOR',
  };
}

// ---- summaries: the figures the kit keeps per group in every write's transaction (runtime/summaries.ts) ----
//
// The three kinds keep measures of the same names, so that a figure over several kinds is the sum of each kind's:
// counts and sums add up, first and last dates take the earliest and latest. Distinct counts do not add up in general;
// here they are read as follows:
// - a service's figures (territory × service): a service's records are all of its kind (`commonChecks` refuses
//   another kind's service, the sample follows the catalogue), so one kind holds the group and its count is exact;
// - the territories of a total (PanierTotal.territoryCount): the union of the kinds' territories, from the
//   per-territory level of the same total (`total:TERRITORY…`), never a sum;
// - the beneficiaries of a total (PanierTotal.beneficiaryCount): the sum of each kind's distinct beneficiaries. A
//   beneficiary is a foreign investor by name, a French company by SIREN or a site by "name, commune": different
//   things in different kinds, so the kinds' sets are disjoint and the sum is the distinct count. (The union query
//   the totals ran before counted a label appearing in two kinds once, e.g. an investor named "Parc des Forges,
//   Brou" and the site Parc des Forges in Brou; no such coincidence exists in the sample.)

const declared = (row: Row) => row.origin === 'OPERATOR';
const axesOf = (row: Row) => SERVICE_BY_ID.get(String(row.service_id))?.axes ?? [];

/** Measures every kind keeps; `beneficiary` is what a record reaches (investor, company, site). */
const commonMeasures = (beneficiary: string | ((row: Row) => unknown)): Record<string, Measure> => ({
  records: { kind: 'count' },
  declared: { kind: 'count', when: declared },
  beneficiaries: { kind: 'distinct', column: beneficiary },
  firstDate: { kind: 'first', column: 'date' },
  lastDate: { kind: 'last', column: 'date' },
});

/** Levels every kind keeps: per territory and service (summary, services), and the totals by phase, region, territory. */
const commonLevels = (extra: string[] = []): Record<string, SummaryLevel> => ({
  service: {
    groups: (r) => [String(r.service_id)],
    perTerritory: true,
    measures: ['records', 'declared', 'beneficiaries', 'firstDate', 'lastDate', ...extra],
  },
  ...totalsLevels((r) => String(r.territory_id), axesOf, ['records', 'declared', 'beneficiaries', ...extra]),
});

/** The investment totals' filters (validated): one status or, null, every status but ABANDONED; one year or all. */
export interface InvestmentFilter {
  status: string | null;
  year: number | null;
}

/** A group key's "any" part: every status but ABANDONED, every year, every phase. */
export const ANY = '*';

/** Whether a project of this status and year is counted by the filter. */
export const inFilter = (f: InvestmentFilter, status: string, year: number) =>
  (f.status === null ? status !== 'ABANDONED' : status === f.status) && (f.year === null || year === f.year);

/** The group key of a filter in the levels of distinct counts: `<status or *>|<year or *>`. */
export const filterKey = (f: InvestmentFilter) => `${f.status ?? ANY}|${f.year ?? ANY}`;

/** The filters a project is counted by: its status or the default (unless ABANDONED), its year or any year. */
const filterKeysOf = (row: Row) => {
  const statuses = row.status === 'ABANDONED' ? [String(row.status)] : [String(row.status), ANY];
  return statuses.flatMap((s) => [`${s}|${String(row.year)}`, `${s}|${ANY}`]);
};
const phaseOf = (row: Row) => parseTerritoryId(String(row.territory_id))?.phase ?? '';

/**
 * The levels of the investment totals (InvestmentTotals of a territory with its breakdowns, investmentsByCountry),
 * filtered by status and year. Counts and sums are kept per status and year (`DECIDED|2024`) and added up over the
 * groups a filter selects; a distinct count cannot be added up, so it is kept per filter (`DECIDED|*`, `*|2024`, …:
 * the four a project is counted by).
 */
export const INVESTMENT_LEVELS = {
  /** A territory's projects per `<status>|<year>`. */
  territory: 'investments',
  /** A territory's projects per `<status>|<year>|country|<code>` and `<status>|<year>|sector|<sector>`. */
  breakdown: 'investments-by',
  /** A territory's distinct investors per filter (`filterKey`). */
  investors: 'investors',
  /** Projects of all territories per `<phase>|<status>|<year>|<country>`. */
  country: 'investments-country',
  /** Distinct territories per `<phase or *>|<filterKey>|<country>`. */
  countryTerritories: 'investments-country-territories',
} as const;

const FIGURES = ['records', 'declared', 'jobsCreated', 'jobsSaved', 'amount'];
const statusYear = (row: Row) => `${String(row.status)}|${String(row.year)}`;
const investmentLevels: Record<string, SummaryLevel> = {
  [INVESTMENT_LEVELS.territory]: { perTerritory: true, measures: FIGURES, groups: (r) => [statusYear(r)] },
  [INVESTMENT_LEVELS.breakdown]: {
    perTerritory: true,
    measures: FIGURES,
    groups: (r) => [
      `${statusYear(r)}|country|${String(r.investor_country)}`,
      `${statusYear(r)}|sector|${String(r.sector)}`,
    ],
  },
  [INVESTMENT_LEVELS.investors]: { perTerritory: true, measures: ['beneficiaries'], groups: filterKeysOf },
  [INVESTMENT_LEVELS.country]: {
    measures: FIGURES,
    groups: (r) => [`${phaseOf(r)}|${statusYear(r)}|${String(r.investor_country)}`],
  },
  [INVESTMENT_LEVELS.countryTerritories]: {
    measures: ['territories'],
    groups: (r) =>
      [phaseOf(r), ANY].flatMap((p) => filterKeysOf(r).map((k) => `${p}|${k}|${String(r.investor_country)}`)),
  },
};

/** Foreign investment projects: the common figures, amounts invested and jobs, and the levels of the investment totals. */
export const investmentSummary: SummarySpec = {
  version: 'attractiveness-investment-summary-v1',
  measures: {
    ...commonMeasures('investor_name'),
    amount: { kind: 'sum', column: 'investment_eur' },
    jobsCreated: { kind: 'sum', column: 'jobs_created' },
    jobsSaved: { kind: 'sum', column: 'jobs_saved' },
    territories: { kind: 'distinct', column: 'territory_id' },
  },
  levels: { ...commonLevels(['amount']), ...investmentLevels },
};
/** Export supports: the common figures; a beneficiary is a company (SIREN). */
export const exportSummary: SummarySpec = {
  version: 'attractiveness-export-summary-v1',
  measures: commonMeasures('company_siren'),
  levels: commonLevels(),
};
/** Site promotions: the common figures; a beneficiary is a site, "name, commune" (as the union query named it). */
export const siteSummary: SummarySpec = {
  version: 'attractiveness-site-summary-v1',
  measures: commonMeasures((r) => `${String(r.site_name)}, ${String(r.commune_name)}`),
  levels: commonLevels(),
};

export const investmentProjectSpec: RecordSpec = {
  ...shared,
  kind: 'investment-project',
  table: 'investment_project',
  filters: {
    country: { kind: 'equals', column: 'investor_country', type: 'string', ...COUNTRY_CODE },
    sector: { kind: 'equals', column: 'sector', type: 'string', values: () => SECTORS },
    kind: { kind: 'equals', column: 'kind', type: 'string' },
    status: { kind: 'equals', column: 'status', type: 'string' },
    year: yearFilter,
    minJobs: { kind: 'min', column: 'jobs' },
    minAmountEur: { kind: 'min', column: 'investment_eur' },
    maxAmountEur: { kind: 'max', column: 'investment_eur', atLeast: 'minAmountEur' },
  },
  sample: (scale) => generateRecords(scale).investments,
  summary: investmentSummary,
  fields: [
    ...common('project'),
    {
      name: 'investorName',
      type: 'string',
      required: true,
      maxLength: 200,
      description: 'name of the foreign investor (company)',
    },
    {
      name: 'investorCountry',
      type: 'string',
      required: true,
      maxLength: 2,
      description: "ISO 3166-1 alpha-2 code of the investor's head office, not FR, e.g. DE",
    },
    { name: 'sector', type: { enum: SECTORS }, required: true, description: 'industrial sector' },
    {
      name: 'naf',
      type: 'string',
      required: true,
      pattern: /^\d{2}\.\d{2}[A-Z]$/,
      patternHint: 'a NAF rév. 2 code such as 22.29A',
      description: 'NAF rév. 2 code of the activity, e.g. 22.29A',
    },
    {
      name: 'kind',
      type: { enum: ['CREATION', 'EXTENSION', 'TAKEOVER'] },
      required: true,
      description: 'creation, extension or takeover of a site',
    },
    {
      name: 'jobsCreated',
      type: 'integer',
      required: true,
      min: 0,
      max: 100_000,
      description: 'jobs created announced',
    },
    {
      name: 'jobsSaved',
      type: 'integer',
      required: false,
      min: 0,
      max: 100_000,
      description: 'jobs saved (extensions, takeovers); empty = 0',
    },
    {
      name: 'investmentEur',
      type: 'integer',
      required: true,
      min: 0,
      max: 100_000_000_000,
      description: 'amount invested, whole euros',
    },
    dateField('date of the last status change'),
    { name: 'status', type: { enum: INVESTMENT_STATUSES }, required: true, description: 'where the project stands' },
    ACTION_SHEET_FIELD,
  ],
  check: (v) => [...commonChecks(v, 'investment'), ...countryProblem('investorCountry', v.investorCountry, true)],
  toRow: (v) => ({
    ...derived(v),
    investor_name: v.investorName,
    investor_country: v.investorCountry,
    sector: v.sector,
    naf: v.naf,
    kind: v.kind,
    jobs_created: v.jobsCreated,
    jobs_saved: v.jobsSaved ?? 0,
    jobs: Number(v.jobsCreated) + Number(v.jobsSaved ?? 0),
    investment_eur: v.investmentEur,
    status: v.status,
  }),
};

export const exportSupportSpec: RecordSpec = {
  ...shared,
  kind: 'export-support',
  table: 'export_support',
  filters: {
    offer: { kind: 'equals', column: 'offer', type: 'string' },
    targetCountry: { kind: 'equals', column: 'target_country', type: 'string', ...COUNTRY_CODE },
    status: { kind: 'equals', column: 'status', type: 'string' },
    year: yearFilter,
  },
  sample: (scale) => generateRecords(scale).exportSupports,
  summary: exportSummary,
  fields: [
    ...common('action'),
    {
      name: 'companySiren',
      type: 'siren',
      required: true,
      description: 'SIREN of the supported company (9 digits, valid checksum)',
    },
    {
      name: 'companyName',
      type: 'string',
      required: true,
      maxLength: 200,
      description: 'name of the supported company',
    },
    {
      name: 'naf',
      type: 'string',
      required: true,
      pattern: /^\d{2}\.\d{2}[A-Z]$/,
      patternHint: 'a NAF rév. 2 code such as 22.29A',
      description: "NAF rév. 2 code of the company's activity",
    },
    {
      name: 'offer',
      type: { enum: ['PROSPECTION_MISSION', 'TRADE_FAIR', 'VIE', 'MARKET_STUDY'] },
      required: true,
      description: 'kind of support (Team France Export offer)',
    },
    {
      name: 'targetCountry',
      type: 'string',
      required: true,
      maxLength: 2,
      description: 'ISO 3166-1 alpha-2 code of the target market, not FR',
    },
    dateField('date of the action'),
    {
      name: 'status',
      type: { enum: ['PLANNED', 'COMPLETED', 'CANCELLED'] },
      required: true,
      description: 'where the action stands',
    },
    ACTION_SHEET_FIELD,
  ],
  check: (v) => [...commonChecks(v, 'export'), ...countryProblem('targetCountry', v.targetCountry, true)],
  toRow: (v) => ({
    ...derived(v),
    company_siren: v.companySiren,
    company_name: v.companyName,
    naf: v.naf,
    offer: v.offer,
    target_country: v.targetCountry,
    status: v.status,
  }),
};

export const sitePromotionSpec: RecordSpec = {
  ...shared,
  kind: 'site-promotion',
  table: 'site_promotion',
  filters: {
    service: {
      kind: 'equals',
      column: 'service_id',
      type: 'string',
      values: () => CATALOGUE.filter((s) => s.records === 'site').map((s) => s.id),
    },
    year: yearFilter,
    minHectares: { kind: 'min', column: 'hectares' },
  },
  sample: (scale) => generateRecords(scale).sitePromotions,
  summary: siteSummary,
  fields: [
    ...common('promotion'),
    { name: 'siteName', type: 'string', required: true, maxLength: 200, description: 'name of the industrial site' },
    { name: 'communeName', type: 'string', required: true, maxLength: 100, description: 'commune of the site' },
    {
      name: 'hectares',
      type: 'number',
      required: true,
      min: 0,
      max: 10_000,
      description: 'area available, hectares (decimal point or comma)',
    },
    dateField('date of the promotion'),
    {
      name: 'event',
      type: 'string',
      required: true,
      maxLength: 200,
      description: 'event or channel (trade fair, investors’ summit, mission…)',
    },
    ACTION_SHEET_FIELD,
  ],
  check: (v) => commonChecks(v, 'site'),
  toRow: (v) => ({
    ...derived(v),
    site_name: v.siteName,
    commune_name: v.communeName,
    hectares: v.hectares,
    event: v.event,
  }),
};

export const RECORD_SPECS = [investmentProjectSpec, exportSupportSpec, sitePromotionSpec];
