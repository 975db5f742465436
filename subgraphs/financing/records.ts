// The financing record kind, declared once for the record kit (runtime/records.ts): fields and their
// validation, ownership, reserved sample references, filters and order of the pages, sample hook.
// Shared by the mutations, the CSV import and the pages, so every path applies the same rules.
import { ACTION_SHEET_FIELD, ACTION_SHEET_LINK } from '../runtime/action-sheets.ts';
import { operatorOwnership, type FieldProblem, type RecordSpec, type Row } from '../runtime/records.ts';
import { isKnownTerritory, parseTerritoryId, PHASE_YEARS } from '../runtime/perimeters.ts';
import { totalsLevels, type SummarySpec } from '../runtime/summaries.ts';
import { GRANTED_STATUSES, INSTRUMENTS, SERVICES, STATUSES, serviceById } from './catalogue.ts';
import { generateAll } from './sample.ts';

/** The operator owning these records, and the scope a token needs to write them. */
export const OWNER = 'BPIFRANCE' as const;
export const WRITE_SCOPE = 'financing:write';

/** References of the generated sample (`BPI-FIN-2023-8412-0007`): reserved, operators cannot write them. */
export const SAMPLE_REFERENCE = /^BPI-FIN-\d{4}-\d{4}-\d+$/;

/** Referential and cross-field checks; a field absent from `value` already had a type error. */
function check(value: Row): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (value.territoryId == null) return problems;
  const territoryId = String(value.territoryId);
  const parsed = parseTerritoryId(territoryId);
  const phase = parsed && isKnownTerritory(territoryId) ? parsed.phase : undefined;
  if (!parsed)
    problems.push({
      field: 'territoryId',
      message: `"${territoryId.slice(0, 40)}" is not a territory id (<phase>:<ANCT code>, e.g. 2023-2027:ti-8412)`,
    });
  else if (!phase)
    problems.push({
      field: 'territoryId',
      message: `"${territoryId}" is not a territory of phase ${parsed.phase} (unknown ANCT code ${parsed.code})`,
    });
  if (phase && value.date != null) {
    const [from, to] = PHASE_YEARS[phase];
    const year = Number(String(value.date).slice(0, 4));
    if (year < from || year > to)
      problems.push({
        field: 'date',
        message: `${value.date} is outside the years of phase ${phase} (${from}–${to}) of territory ${territoryId}`,
      });
  }
  return problems;
}

const granted = (row: Row) => (GRANTED_STATUSES as readonly unknown[]).includes(row.status);
const declared = (row: Row) => row.origin === 'OPERATOR';

/**
 * The figures kept per group by the kit (runtime/summaries.ts), in every write's transaction: the territory's summary,
 * its totals per service and per instrument (all statuses, split), and the totals by phase, region and territory.
 */
export const financingSummary: SummarySpec = {
  version: 'financing-summary-v1',
  measures: {
    records: { kind: 'count' },
    declared: { kind: 'count', when: declared },
    granted: { kind: 'count', when: granted },
    declaredGranted: { kind: 'count', when: (r) => granted(r) && declared(r) },
    requestedAmount: { kind: 'sum', column: 'amount_eur', when: (r) => r.status === 'REQUESTED' },
    grantedAmount: { kind: 'sum', column: 'amount_eur', when: granted },
    paidAmount: { kind: 'sum', column: 'amount_eur', when: (r) => r.status === 'PAID' },
    beneficiaries: { kind: 'distinct', column: 'siren', when: granted },
    services: { kind: 'distinct', column: 'service_id', when: granted },
    territories: { kind: 'distinct', column: 'territory_id', when: granted },
    firstDate: { kind: 'first', column: 'date', when: granted },
    lastDate: { kind: 'last', column: 'date', when: granted },
  },
  levels: {
    territory: {
      groups: () => [''],
      perTerritory: true,
      measures: ['records', 'declared', 'granted', 'grantedAmount', 'services'],
    },
    service: {
      groups: (r) => [String(r.service_id)],
      perTerritory: true,
      measures: [
        'records',
        'declared',
        'granted',
        'declaredGranted',
        'requestedAmount',
        'grantedAmount',
        'paidAmount',
        'beneficiaries',
        'firstDate',
        'lastDate',
      ],
    },
    instrument: {
      groups: (r) => [String(r.instrument)],
      perTerritory: true,
      measures: ['records', 'declared', 'granted', 'requestedAmount', 'grantedAmount', 'paidAmount', 'beneficiaries'],
    },
    ...totalsLevels(
      (r) => String(r.territory_id),
      (r) => serviceById.get(String(r.service_id))?.axes ?? [],
      ['records', 'declared', 'granted', 'grantedAmount', 'beneficiaries', 'territories'],
    ),
  },
};

export const financingRecord: RecordSpec = {
  kind: 'financing',
  table: 'financing',
  key: 'reference',
  // Bpifrance writes its declared financings; the sample (origin SAMPLE) is nobody's to write.
  owner: operatorOwnership(OWNER, WRITE_SCOPE),
  reservedKey: (reference) =>
    SAMPLE_REFERENCE.test(reference)
      ? 'has the form of the generated sample references (BPI-FIN-<phase>-<code>-<n>), reserved to them; use your own reference'
      : undefined,
  territoryColumn: 'territory_id',
  // Pages of a territory: by date, then reference (unique), walked with keyset cursors.
  order: [
    { column: 'date', type: 'string' },
    { column: 'reference', type: 'string' },
  ],
  filters: {
    service: { kind: 'equals', column: 'service_id', type: 'string', values: () => SERVICES.map((s) => s.id) },
    instrument: { kind: 'equals', column: 'instrument', type: 'string', values: () => INSTRUMENTS },
    axis: { kind: 'via', column: 'service_id', table: 'service_axis', key: 'service_id', match: 'axis' },
    year: { kind: 'equals', column: 'year', type: 'integer', min: 2019, max: 2027 },
    minAmountEur: { kind: 'min', column: 'amount_eur' },
    maxAmountEur: { kind: 'max', column: 'amount_eur', atLeast: 'minAmountEur' },
    status: { kind: 'equals', column: 'status', type: 'string', values: () => STATUSES },
  },
  sample: (scale) => generateAll(scale).financings,
  summary: financingSummary,
  fields: [
    {
      name: 'reference',
      type: 'string',
      required: true,
      maxLength: 40,
      pattern: /^[A-Za-z0-9][A-Za-z0-9._\/-]{2,39}$/,
      patternHint: '3 to 40 letters, digits, ".", "_", "/" or "-", starting with a letter or digit',
      description:
        "Bpifrance's own reference of the financing file, natural key (3 to 40 letters, digits, . _ / -; not of the sample form BPI-FIN-…)",
    },
    {
      name: 'territoryId',
      type: 'string',
      required: true,
      maxLength: 20,
      description: "Territoire d'industrie, entity id <phase>:<ANCT code>, e.g. 2023-2027:ti-8412",
    },
    {
      name: 'companySiren',
      column: 'siren',
      type: 'siren',
      required: true,
      description: 'SIREN of the company financed (9 digits, valid checksum)',
    },
    {
      name: 'companyName',
      type: 'string',
      required: true,
      maxLength: 200,
      description: 'Company name (raison sociale)',
    },
    {
      name: 'companyNaf',
      type: 'string',
      required: true,
      maxLength: 6,
      pattern: /^\d{2}\.\d{2}[A-Z]$/,
      patternHint: 'a NAF rév. 2 code such as 25.62B',
      description: 'Main activity of the company, NAF rév. 2 code (e.g. 25.62B)',
    },
    {
      name: 'serviceId',
      type: { enum: SERVICES.map((s) => s.id) },
      required: true,
      description:
        "Service of Bpifrance's catalogue (financingCatalogue), e.g. financing:aide-innovation; other operators' services are refused",
    },
    { name: 'instrument', type: { enum: INSTRUMENTS }, required: true, description: 'Financial instrument' },
    {
      name: 'amountEur',
      type: 'number',
      required: true,
      min: 0,
      max: 1_000_000_000,
      description: 'Amount in euros (≥ 0; decimal point or comma)',
    },
    {
      name: 'date',
      type: 'date',
      required: true,
      min: 2019,
      max: 2027,
      description:
        "Date of the request or decision, YYYY-MM-DD, within the territory's phase years (2019-2022 or 2023-2027)",
    },
    {
      name: 'status',
      type: { enum: STATUSES },
      required: true,
      description: 'Where the file stands (GRANTED and PAID count as granted)',
    },
    ACTION_SHEET_FIELD,
  ],
  check,
  checkIncomplete: true,
  // The action sheet named is checked with the programme subgraph before the write (runtime/action-sheets.ts).
  ...ACTION_SHEET_LINK,
  toRow: (v) => ({
    reference: v.reference,
    territory_id: v.territoryId,
    siren: v.companySiren,
    company_name: v.companyName,
    company_naf: v.companyNaf,
    service_id: v.serviceId,
    instrument: v.instrument,
    amount_eur: v.amountEur,
    date: v.date,
    year: Number(String(v.date).slice(0, 4)),
    status: v.status,
    action_sheet_id: v.actionSheetId ?? null,
    origin: 'OPERATOR',
  }),
};
