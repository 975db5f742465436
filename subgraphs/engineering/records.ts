// The Banque des Territoires' own records, writable through the mutations and the CSV import
// (`npm run import -- engineering <file.csv> --kind <kind>`): one RecordSpec per record kind.
// Field names are the GraphQL input fields and the CSV headers.
import { GraphQLError } from 'graphql';
import type { Kysely } from 'kysely';
import type { OperatorCode } from '../runtime/auth.ts';
import { findTerritory, parseTerritoryId, PHASE_YEARS } from '../runtime/perimeters.ts';
import type { FieldProblem, FieldSpec, RecordSpec } from '../runtime/records.ts';
import type { WriteOptions } from '../runtime/writes.ts';
import { serviceById, serviceOfKind } from './catalogue.ts';
import { STATUSES, STUDY_KINDS, type EngineeringDB, type RecordKind, type RecordRow } from './db.ts';
import { FIRST_YEAR, LAST_YEAR } from './filters.ts';
import { renumberTerritories } from './positions.ts';
import { GREEN_VTE_AID_EUR, VTE_AID_EUR, vteAidAmount } from './sample.ts';

export const OWNER: OperatorCode = 'BANQUE_DES_TERRITOIRES';
export const WRITE_SCOPE = 'engineering:write';

/** References of the generated sample (`BDT-ING-2023-8412-0001`): reserved, an operator cannot write them. */
export const SAMPLE_REFERENCE = /^BDT-(ING|CDP|VTE|PRT)-(2019|2023)-\d{4}-\d{4}$/;
const REFERENCE = /^(?!BDT-(ING|CDP|VTE|PRT)-(2019|2023)-\d{4}-\d{4}$)[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/;

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

/** Referential checks common to the kinds: territory, service, date within the phase, groupement. */
function commonProblems(
  kind: RecordKind,
  value: Record<string, unknown>,
  dateName: string,
  sirenName: string | null,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const id = String(value.territoryId);
  const parsed = parseTerritoryId(id);
  const territory = parsed ? findTerritory(id) : undefined;
  if (!parsed)
    problems.push({ field: 'territoryId', message: `"${id.slice(0, 40)}" is not a territory id <phase>:<ANCT code>` });
  else if (!territory)
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
  if (parsed) {
    const year = Number(String(value[dateName]).slice(0, 4));
    const [from, to] = PHASE_YEARS[parsed.phase];
    if (year < from || year > to)
      problems.push({
        field: dateName,
        message: `${value[dateName]} is outside the phase ${parsed.phase} of the territory (${from}–${to})`,
      });
  }
  if (territory && sirenName) {
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

/** The database row of a validated value (every column but `position`, set when the territory is renumbered). */
function baseRow(
  kind: RecordKind,
  value: Record<string, unknown>,
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
    origin: 'OPERATOR',
  };
}

const num = (v: unknown) => (v == null ? null : Number(v));

// ---- The four kinds ----

export const engineeringSupportSpec: RecordSpec = {
  kind: IMPORT_KIND.ENGINEERING_SUPPORT,
  table: 'engineering_record',
  key: 'reference',
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
  table: 'engineering_record',
  key: 'reference',
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
  table: 'engineering_record',
  key: 'reference',
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
  ],
  check: (value) => {
    const problems = commonProblems('VTE_AID', value, 'hireDate', null);
    const expected = vteAidAmount(value.green === true);
    if (value.amountEur != null && Number(value.amountEur) !== expected) {
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
  table: 'engineering_record',
  key: 'reference',
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

// ---- Guards and derived data ----

/**
 * The stored record a mutation on `kind` may touch: undefined when none; an error when the reference is a
 * sample record (never writable) or a record of another kind (its own mutations change it).
 */
export async function ownRecord(
  db: Kysely<EngineeringDB>,
  kind: RecordKind,
  key: string,
): Promise<RecordRow | undefined> {
  const row = (await db
    .selectFrom('engineering_record')
    .selectAll()
    .where('reference', '=', key)
    .executeTakeFirst()) as RecordRow | undefined;
  if (!row) return undefined;
  if (row.origin !== 'OPERATOR') {
    throw new GraphQLError(
      `"${key}" is a SAMPLE record generated by the hub; only records declared by ${OWNER} can be changed`,
      {
        extensions: { code: 'FORBIDDEN', field: 'reference' },
      },
    );
  }
  if (row.record_kind !== kind) {
    throw new GraphQLError(
      `"${key}" is a ${IMPORT_KIND[row.record_kind]} record, not a ${IMPORT_KIND[kind]}; use its own mutations`,
      {
        extensions: { code: 'CONFLICT', field: 'reference' },
      },
    );
  }
  return row;
}

/**
 * Runs in the write's (or the import's) transaction: checks the rows written are the operator's records of
 * this kind (a failure rolls everything back), then renumbers their territories' positions. The summaries,
 * services and totals are computed from the records at query time: nothing else to refresh.
 */
export function afterWriteOf(kind: RecordKind) {
  return async (trx: Kysely<any>, rows: Record<string, unknown>[]): Promise<void> => {
    for (const row of rows) {
      if (row.record_kind !== kind || row.origin !== 'OPERATOR') {
        throw new GraphQLError(
          `"${String(row.reference)}" is not a ${IMPORT_KIND[kind]} record of ${OWNER}; nothing was written`,
          {
            extensions: { code: 'CONFLICT', field: 'reference' },
          },
        );
      }
    }
    await renumberTerritories(
      trx as Kysely<EngineeringDB>,
      rows.map((r) => String(r.territory_id)),
    );
  };
}

export const writeOptions = (kind: RecordKind): WriteOptions => ({
  owner: OWNER,
  scope: WRITE_SCOPE,
  afterWrite: afterWriteOf(kind),
});

/** `afterImport` of the subgraph module, per import kind. */
export const AFTER_IMPORT: Record<string, (trx: Kysely<any>, rows: Record<string, unknown>[]) => Promise<void>> =
  Object.fromEntries((Object.keys(SPECS) as RecordKind[]).map((kind) => [IMPORT_KIND[kind], afterWriteOf(kind)]));
