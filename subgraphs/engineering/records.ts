// The Banque des Territoires' four record kinds, each declared once for the record kit (runtime/records.ts): fields
// and their validation, ownership, reserved sample references, filters and order of the pages, sample hook. Shared by
// the mutations, the CSV import (`npm run import -- engineering <file.csv> --kind <kind>`) and the pages. The four
// kinds share one table (`record_kind` tells them apart); a reference belongs to one kind.
import { ACTION_SHEET_FIELD, ACTION_SHEET_LINK } from '../runtime/action-sheets.ts';
import type { Identity, OperatorCode } from '../runtime/auth.ts';
import { clientError } from '../runtime/errors.ts';
import type { FilterSpec } from '../runtime/filters.ts';
import { findTerritory, parseTerritoryId, PHASE_YEARS } from '../runtime/perimeters.ts';
import type { FieldProblem, FieldSpec, RecordSpec, Row } from '../runtime/records.ts';
import { totalsLevels, type SummarySpec } from '../runtime/summaries.ts';
import { loadCatalogue, serviceById, serviceOfKind } from './catalogue.ts';
import { STATUSES, STUDY_KINDS, type RecordKind } from './db.ts';
import { GREEN_VTE_AID_EUR, sampleOfKind, VTE_AID_EUR, vteAidAmount } from './sample.ts';

export const OWNER: OperatorCode = 'BANQUE_DES_TERRITOIRES';
export const WRITE_SCOPE = 'engineering:write';

/** Years a record can carry: the programme's two phases. */
export const FIRST_YEAR = 2019;
export const LAST_YEAR = 2027;

/** References of the generated sample (`BDT-ING-2023-8412-0001`): reserved, an operator cannot write them. */
export const SAMPLE_REFERENCE = /^BDT-(ING|CDP|VTE|PRT)-(2019|2023)-\d{4}-\d{4}$/;
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/;

/** Import `--kind` names, and the kind named in error messages. */
export const IMPORT_KIND: Record<RecordKind, string> = {
  ENGINEERING_SUPPORT: 'engineering-support',
  PROJECT_MANAGER_COFUNDING: 'project-manager-cofunding',
  VTE_AID: 'vte-aid',
  LOCAL_AUTHORITY_LOAN: 'local-authority-loan',
};

// ---- Fields shared by the four kinds ----

const reference: FieldSpec = {
  name: 'reference',
  type: 'string',
  required: true,
  maxLength: 64,
  pattern: REFERENCE,
  patternHint:
    'a reference of 3 to 64 letters, digits, ".", "_", "/" or "-" (the form BDT-<ING|CDP|VTE|PRT>-<2019|2023>-<code>-<n> is reserved for the sample)',
  description: "The Banque des Territoires' own reference, unique across the four kinds, e.g. `BDT-DECL-ING-2024-0001`",
};
const territoryId: FieldSpec = {
  name: 'territoryId',
  type: 'string',
  required: true,
  maxLength: 40,
  pattern: /^(2019-2022|2023-2027):ti-\d{4}$/,
  patternHint: 'a territory id <phase>:<ANCT code>, e.g. 2023-2027:ti-8412',
  description: 'Territory entity id `<phase>:<ANCT code>` on the ANCT lists, e.g. `2023-2027:ti-8412`',
};
const serviceId = (kind: RecordKind): FieldSpec => ({
  name: 'serviceId',
  column: 'service_id',
  type: 'string',
  required: false,
  maxLength: 80,
  description: `Service of the engineering catalogue (default and only accepted value: \`${serviceOfKind(kind).id}\`)`,
});
const status: FieldSpec = {
  name: 'status',
  type: { enum: STATUSES },
  required: true,
  description: 'UNDER_REVIEW (en instruction), COMMITTED (engagé), PAID (versé), CLOSED (soldé)',
};
const amount = (description: string, max: number, required = true): FieldSpec => ({
  name: 'amountEur',
  column: 'amount_eur',
  type: 'number',
  required,
  min: 0,
  max,
  description,
});
const dateField = (name: string, description: string): FieldSpec => ({
  name,
  column: 'date',
  type: 'date',
  required: true,
  min: FIRST_YEAR,
  max: LAST_YEAR,
  description: `${description} (YYYY-MM-DD), within the territory's phase: 2019-2022 or 2023-2027`,
});
const groupementFields = (prefix: string, who: string): FieldSpec[] => [
  {
    name: `${prefix}Siren`,
    column: 'beneficiary_siren',
    type: 'siren',
    required: true,
    description: `SIREN of ${who}: a groupement of the territory's ANCT perimeter`,
  },
  {
    name: `${prefix}Name`,
    column: 'beneficiary_name',
    type: 'string',
    required: false,
    maxLength: 200,
    description: `Name of ${who} (default: its name in the ANCT perimeter)`,
  },
];

// ---- Checks and rows ----

/**
 * Referential checks common to the kinds: territory, service, date within the phase, groupement. A field absent
 * from `value` already had a type error: the checks that need it are skipped (the kit reports every problem at once).
 */
function commonProblems(kind: RecordKind, value: Row, dateName: string, sirenName: string | null): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const id = value.territoryId == null ? undefined : String(value.territoryId);
  const parsed = id === undefined ? undefined : parseTerritoryId(id);
  const territory = parsed && id ? findTerritory(id) : undefined;
  if (id !== undefined && !parsed)
    problems.push({ field: 'territoryId', message: `"${id.slice(0, 40)}" is not a territory id <phase>:<ANCT code>` });
  else if (parsed && !territory)
    problems.push({
      field: 'territoryId',
      message: `unknown territory ${id}: not on the ANCT list of the phase ${parsed.phase}`,
    });
  if (value.serviceId != null) {
    const service = serviceById(String(value.serviceId));
    const expected = serviceOfKind(kind).id;
    if (!service)
      problems.push({
        field: 'serviceId',
        message: `unknown service "${String(value.serviceId).slice(0, 60)}": not in the engineering catalogue (expected ${expected})`,
      });
    else if (service.id !== expected)
      problems.push({
        field: 'serviceId',
        message: `the service ${service.id} takes no ${IMPORT_KIND[kind]} records (expected ${expected})`,
      });
  }
  if (parsed && value[dateName] != null) {
    const year = Number(String(value[dateName]).slice(0, 4));
    const [from, to] = PHASE_YEARS[parsed.phase];
    if (year < from || year > to)
      problems.push({
        field: dateName,
        message: `${String(value[dateName])} is outside the phase ${parsed.phase} of the territory (${from}–${to})`,
      });
  }
  if (territory && sirenName && value[sirenName] != null) {
    const siren = String(value[sirenName]);
    if (!territory.groupements.some((g) => g.siren === siren)) {
      const known = territory.groupements
        .slice(0, 6)
        .map((g) => `${g.siren} ${g.name}`)
        .join(', ');
      problems.push({
        field: sirenName,
        message: `${siren} is not a groupement of ${id} (its ANCT perimeter: ${known}${territory.groupements.length > 6 ? ', …' : ''})`,
      });
    }
  }
  return problems;
}

const EMPTY_KIND_COLUMNS = {
  title: null,
  study_kind: null,
  cofunding_rate: null,
  months: null,
  naf: null,
  green: null,
  purpose: null,
  duration_years: null,
};

/** The database row of a validated value: every column, the other kinds' ones null. */
function baseRow(
  kind: RecordKind,
  value: Row,
  dateName: string,
  sirenName: string,
  nameName: string,
  amountEur: number,
) {
  const id = String(value.territoryId);
  const parsed = parseTerritoryId(id);
  const siren = String(value[sirenName]);
  const date = String(value[dateName]);
  const perimeterName = findTerritory(id)?.groupements.find((g) => g.siren === siren)?.name;
  return {
    reference: String(value.reference),
    territory_id: id,
    phase: parsed?.phase ?? '',
    region_code: parsed?.regionCode ?? '',
    record_kind: kind,
    service_id: value.serviceId == null ? serviceOfKind(kind).id : String(value.serviceId),
    amount_eur: amountEur,
    date,
    year: Number(date.slice(0, 4)),
    status: String(value.status),
    beneficiary_siren: siren,
    beneficiary_name: value[nameName] == null ? (perimeterName ?? '') : String(value[nameName]),
    ...EMPTY_KIND_COLUMNS,
    action_sheet_id: value.actionSheetId == null ? null : String(value.actionSheetId),
    origin: 'OPERATOR',
  };
}

const num = (v: unknown) => (v == null ? null : Number(v));

/**
 * The figures kept per group by the kit (runtime/summaries.ts), in every write's and import's transaction: per
 * territory and service (the slice's summary, services and per-kind totals: a kind is one service), and the totals by
 * phase, region and territory. The four kinds share one table and these summaries (`name`): a group's figures are over
 * all its records whatever their kind, so distinct beneficiaries and territories across kinds are exact, not summed.
 */
export const engineeringSummary: SummarySpec = {
  name: 'engineering-record',
  version: 'engineering-summary-v1',
  measures: {
    records: { kind: 'count' },
    declared: { kind: 'count', when: (r) => r.origin === 'OPERATOR' },
    amount: { kind: 'sum', column: 'amount_eur' },
    beneficiaries: { kind: 'distinct', column: 'beneficiary_siren' },
    territories: { kind: 'distinct', column: 'territory_id' },
    firstDate: { kind: 'first', column: 'date' },
    lastDate: { kind: 'last', column: 'date' },
  },
  levels: {
    service: {
      groups: (r) => [String(r.service_id)],
      perTerritory: true,
      measures: ['records', 'declared', 'amount', 'beneficiaries', 'firstDate', 'lastDate'],
    },
    ...totalsLevels(
      (r) => String(r.territory_id),
      (r) => serviceById(String(r.service_id))?.axes ?? [],
      ['records', 'declared', 'amount', 'beneficiaries', 'territories'],
    ),
  },
};

/**
 * What the four kinds share in the kit: one table, ownership (the operator's declared records of this kind; the
 * sample is nobody's to write), the reserved sample references, the pages' partition, order and filters, the sample.
 */
function kindSpec(kind: RecordKind): Omit<RecordSpec, 'kind' | 'fields' | 'check' | 'toRow'> {
  return {
    table: 'engineering_record',
    key: 'reference',
    owner: {
      scope: WRITE_SCOPE,
      writers: OWNER,
      mayWrite: (identity: Identity) => identity.operator === OWNER,
      owns: (identity: Identity, row: Row) => {
        // A reference belongs to one kind: another kind's record is a CONFLICT (its own mutations change it), not a
        // question of ownership. Checked on the stored row, in the write's transaction (locked on PostgreSQL).
        if (row.record_kind !== kind)
          throw clientError(
            'CONFLICT',
            `"${String(row.reference)}" is a ${IMPORT_KIND[row.record_kind as RecordKind] ?? String(row.record_kind)} record, not a ${IMPORT_KIND[kind]}; use its own mutations`,
            { field: 'reference' },
          );
        return identity.operator === OWNER && row.origin === 'OPERATOR';
      },
    },
    reservedKey: (reference) =>
      SAMPLE_REFERENCE.test(reference)
        ? `has the form BDT-<ING|CDP|VTE|PRT>-<2019|2023>-<code>-<n>, reserved for the sample generated by the hub: only records declared by ${OWNER} can be written`
        : undefined,
    territoryColumn: 'territory_id',
    // Pages of a territory: oldest first, then by reference (unique), walked with keyset cursors.
    order: [
      { column: 'date', type: 'string' },
      { column: 'reference', type: 'string' },
    ],
    filters: {
      // The kind's own rows of the shared table: set by the resolver on every page, not a GraphQL argument.
      recordKind: { kind: 'equals', column: 'record_kind', type: 'string', values: () => [kind] },
      service: { kind: 'equals', column: 'service_id', type: 'string', values: () => loadCatalogue().map((s) => s.id) },
      axis: { kind: 'via', column: 'service_id', table: 'service_axis', key: 'service_id', match: 'axis' },
      year: { kind: 'equals', column: 'year', type: 'integer', min: FIRST_YEAR, max: LAST_YEAR },
      minAmountEur: { kind: 'min', column: 'amount_eur' },
      maxAmountEur: { kind: 'max', column: 'amount_eur', atLeast: 'minAmountEur' },
      status: { kind: 'equals', column: 'status', type: 'string', values: () => STATUSES },
      ...KIND_FILTERS[kind],
    },
    sample: (scale) => sampleOfKind(kind, scale),
    summary: engineeringSummary,
    checkIncomplete: true,
    // The action sheet named is checked with the programme subgraph before the write (runtime/action-sheets.ts).
    ...ACTION_SHEET_LINK,
  };
}

/** Filters of one kind only: the study kind, the VTE vert (stored 0/1; the resolver passes the Boolean as 1/0). */
const KIND_FILTERS: Record<RecordKind, Record<string, FilterSpec>> = {
  ENGINEERING_SUPPORT: { kind: { kind: 'equals', column: 'study_kind', type: 'string', values: () => STUDY_KINDS } },
  PROJECT_MANAGER_COFUNDING: {},
  VTE_AID: { green: { kind: 'equals', column: 'green', type: 'integer', min: 0, max: 1 } },
  LOCAL_AUTHORITY_LOAN: {},
};

// ---- The four kinds ----

export const engineeringSupportSpec: RecordSpec = {
  kind: IMPORT_KIND.ENGINEERING_SUPPORT,
  ...kindSpec('ENGINEERING_SUPPORT'),
  fields: [
    reference,
    territoryId,
    serviceId('ENGINEERING_SUPPORT'),
    {
      name: 'kind',
      column: 'study_kind',
      type: { enum: STUDY_KINDS },
      required: true,
      description: 'STRATEGIC_STUDY, SECTOR_STUDY or INVESTMENT_PROJECT_STUDY',
    },
    {
      name: 'title',
      type: 'string',
      required: true,
      maxLength: 300,
      description: 'Title of the study, in French (at most 300 characters)',
    },
    ...groupementFields('beneficiary', 'the groupement that commissions the study'),
    amount("Banque des Territoires' contribution in euros, 0 to 2,000,000", 2_000_000),
    {
      name: 'cofundingRate',
      column: 'cofunding_rate',
      type: 'number',
      required: true,
      min: 0.01,
      max: 1,
      description: "Share of the study's cost financed, 0.01 to 1 (0.5 = 50 %)",
    },
    dateField('date', 'Decision date'),
    status,
    ACTION_SHEET_FIELD,
  ],
  check: (value) => commonProblems('ENGINEERING_SUPPORT', value, 'date', 'beneficiarySiren'),
  toRow: (value) => ({
    ...baseRow('ENGINEERING_SUPPORT', value, 'date', 'beneficiarySiren', 'beneficiaryName', Number(value.amountEur)),
    title: value.title == null ? null : String(value.title),
    study_kind: value.kind == null ? null : String(value.kind),
    cofunding_rate: num(value.cofundingRate),
  }),
};

export const projectManagerCofundingSpec: RecordSpec = {
  kind: IMPORT_KIND.PROJECT_MANAGER_COFUNDING,
  ...kindSpec('PROJECT_MANAGER_COFUNDING'),
  fields: [
    reference,
    territoryId,
    serviceId('PROJECT_MANAGER_COFUNDING'),
    ...groupementFields('employer', 'the groupement that employs the project manager'),
    amount('Cofunding granted for the whole period, in euros, 0 to 500,000', 500_000),
    dateField('startDate', 'Start of the cofunded period'),
    {
      name: 'months',
      type: 'integer',
      required: true,
      min: 1,
      max: 72,
      description: 'Length of the cofunded period in months, 1 to 72',
    },
    status,
    ACTION_SHEET_FIELD,
  ],
  check: (value) => commonProblems('PROJECT_MANAGER_COFUNDING', value, 'startDate', 'employerSiren'),
  toRow: (value) => ({
    ...baseRow(
      'PROJECT_MANAGER_COFUNDING',
      value,
      'startDate',
      'employerSiren',
      'employerName',
      Number(value.amountEur),
    ),
    months: num(value.months),
  }),
};

/**
 * The VTE aid follows the real rule (assemblée générale du 15 décembre 2020): 4 000 € per VTE,
 * 8 000 € for a VTE « vert ». The amount may be omitted (derived from `green`); given, it must match.
 */
export const vteAidSpec: RecordSpec = {
  kind: IMPORT_KIND.VTE_AID,
  ...kindSpec('VTE_AID'),
  fields: [
    reference,
    territoryId,
    serviceId('VTE_AID'),
    {
      name: 'companySiren',
      column: 'beneficiary_siren',
      type: 'siren',
      required: true,
      description: 'SIREN of the SME or ETI that hires the VTE (9 digits, valid checksum)',
    },
    {
      name: 'companyName',
      column: 'beneficiary_name',
      type: 'string',
      required: true,
      maxLength: 200,
      description: 'Name of the company',
    },
    {
      name: 'naf',
      type: 'string',
      required: true,
      maxLength: 6,
      pattern: /^\d{2}\.\d{2}[A-Z]$/,
      patternHint: 'a NAF rév. 2 code such as 25.62B',
      description: "NAF rév. 2 code of the company's activity, e.g. `25.62B`",
    },
    {
      name: 'green',
      type: 'boolean',
      required: true,
      description: 'VTE « vert » (a job of the ecological transition): true or false',
    },
    amount(
      `${VTE_AID_EUR} (or ${GREEN_VTE_AID_EUR} for a VTE vert); may be omitted, it is then derived from green`,
      GREEN_VTE_AID_EUR,
      false,
    ),
    dateField('hireDate', 'Hiring date'),
    status,
    ACTION_SHEET_FIELD,
  ],
  check: (value) => {
    const problems = commonProblems('VTE_AID', value, 'hireDate', null);
    const expected = vteAidAmount(value.green === true);
    if (value.green != null && value.amountEur != null && Number(value.amountEur) !== expected) {
      problems.push({
        field: 'amountEur',
        message: `the VTE aid is ${VTE_AID_EUR} € per VTE and ${GREEN_VTE_AID_EUR} € for a VTE vert: expected ${expected} for green=${value.green === true} (got ${value.amountEur})`,
      });
    }
    return problems;
  },
  toRow: (value) => {
    const green = value.green === true || value.green === 1;
    return {
      ...baseRow(
        'VTE_AID',
        value,
        'hireDate',
        'companySiren',
        'companyName',
        value.amountEur == null ? vteAidAmount(green) : Number(value.amountEur),
      ),
      naf: value.naf == null ? null : String(value.naf),
      green: green ? 1 : 0,
    };
  },
};

export const localAuthorityLoanSpec: RecordSpec = {
  kind: IMPORT_KIND.LOCAL_AUTHORITY_LOAN,
  ...kindSpec('LOCAL_AUTHORITY_LOAN'),
  fields: [
    reference,
    territoryId,
    serviceId('LOCAL_AUTHORITY_LOAN'),
    ...groupementFields('borrower', 'the borrowing groupement'),
    {
      name: 'purpose',
      type: 'string',
      required: true,
      maxLength: 300,
      description: 'What the loan finances, in French (at most 300 characters)',
    },
    amount('Principal in euros, 0 to 500,000,000', 500_000_000),
    {
      name: 'durationYears',
      column: 'duration_years',
      type: 'integer',
      required: true,
      min: 1,
      max: 60,
      description: 'Duration in years, 1 to 60',
    },
    dateField('date', 'Signature date'),
    status,
    ACTION_SHEET_FIELD,
  ],
  check: (value) => commonProblems('LOCAL_AUTHORITY_LOAN', value, 'date', 'borrowerSiren'),
  toRow: (value) => ({
    ...baseRow('LOCAL_AUTHORITY_LOAN', value, 'date', 'borrowerSiren', 'borrowerName', Number(value.amountEur)),
    purpose: value.purpose == null ? null : String(value.purpose),
    duration_years: num(value.durationYears),
  }),
};

export const SPECS: Record<RecordKind, RecordSpec> = {
  ENGINEERING_SUPPORT: engineeringSupportSpec,
  PROJECT_MANAGER_COFUNDING: projectManagerCofundingSpec,
  VTE_AID: vteAidSpec,
  LOCAL_AUTHORITY_LOAN: localAuthorityLoanSpec,
};
export const RECORD_SPECS: RecordSpec[] = Object.values(SPECS);
/** The four kinds' shared summaries, read through any of them (the kit's readers take a record kind). */
export const SUMMARIES: RecordSpec = engineeringSupportSpec;
