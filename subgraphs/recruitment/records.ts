// The recruitment action, declared once for the record kit (runtime/records.ts): fields and their validation,
// ownership, reserved sample references, filters and order of the pages, sample hook. Shared by the mutations,
// the CSV import (`npm run import -- recruitment <file.csv>`) and the pages. The job-seeker series, BMO basins,
// hiring needs and Baromètre indicators are published open data and are not writable.
import { ACTION_SHEET_FIELD, ACTION_SHEET_LINK } from '../runtime/action-sheets.ts';
import { operatorOwnership, type FieldProblem, type RecordSpec, type Row } from '../runtime/records.ts';
import { isKnownTerritory, parseTerritoryId, PHASE_YEARS } from '../runtime/perimeters.ts';
import { totalsLevels, type SummarySpec } from '../runtime/summaries.ts';
import { ACTION_STATUSES, CATALOGUE, SERVICE_BY_ID } from './catalogue.ts';
import type { NewRecruitmentAction } from './db.ts';
import { sampleActions } from './sample.ts';

/** The operator owning these records and the scope its tokens need. */
export const OWNER = 'FRANCE_TRAVAIL' as const;
export const WRITE_SCOPE = 'recruitment:write';

/** References of the generated sample (`FT-2023-8412-JOB-0007`): reserved, so declared actions never collide with them. */
export const SAMPLE_REFERENCE = /^FT-\d{4}-\d{4}-[A-Z]{3}-\d{4,}$/;

const serviceIds = CATALOGUE.map((s) => s.id);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Referential and cross-field checks; a field absent from `v` already had a type error (checkIncomplete). */
function check(v: Row): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (v.territoryId != null) {
    const territoryId = String(v.territoryId);
    const parsed = parseTerritoryId(territoryId);
    if (!parsed) {
      problems.push({
        field: 'territoryId',
        message: `"${territoryId.slice(0, 40)}" is not a territory id (<phase>:ti-<4 digits>, e.g. 2023-2027:ti-8412)`,
      });
    } else if (!isKnownTerritory(territoryId)) {
      problems.push({
        field: 'territoryId',
        message: `"${territoryId}" is not a territory of phase ${parsed.phase} (ANCT reference lists)`,
      });
    } else if (v.date != null) {
      const year = Number(String(v.date).slice(0, 4));
      const [from, to] = PHASE_YEARS[parsed.phase];
      if (year < from || year > to)
        problems.push({
          field: 'date',
          message: `${v.date} is outside phase ${parsed.phase} of territory ${territoryId} (${from}–${to})`,
        });
    }
  }
  const participants = v.participants == null ? undefined : Number(v.participants);
  const hires = v.hires == null ? undefined : Number(v.hires);
  if (hires !== undefined && participants !== undefined && hires > participants)
    problems.push({
      field: 'hires',
      message: `${hires} hires for ${participants} participants: hires cannot exceed participants`,
    });
  if (v.status === 'PLANNED' && hires !== undefined && hires > 0)
    problems.push({ field: 'hires', message: 'a PLANNED action has no hires yet (0)' });
  const hasSiren = v.employerSiren != null;
  const hasName = v.employerName != null;
  if (hasSiren !== hasName) {
    problems.push({
      field: hasSiren ? 'employerName' : 'employerSiren',
      message: 'employerSiren and employerName go together: give both or neither',
    });
  }
  return problems;
}

/**
 * The figures kept per group by the kit (runtime/summaries.ts), in every write's and import's transaction: the
 * territory's summary, its services, and the totals by phase, region and territory. Every action counts, whatever
 * its status; `declared` (origin OPERATOR) gives each aggregate its provenance.
 */
export const actionSummary: SummarySpec = {
  version: 'recruitment-action-summary-v1',
  measures: {
    records: { kind: 'count' },
    declared: { kind: 'count', when: (r) => r.origin === 'OPERATOR' },
    participants: { kind: 'sum', column: 'participants' },
    services: { kind: 'distinct', column: 'service_id' },
    territories: { kind: 'distinct', column: 'territory_id' },
    firstDate: { kind: 'first', column: 'date' },
    lastDate: { kind: 'last', column: 'date' },
  },
  levels: {
    territory: { groups: () => [''], perTerritory: true, measures: ['records', 'declared', 'services'] },
    service: {
      groups: (r) => [String(r.service_id)],
      perTerritory: true,
      measures: ['records', 'declared', 'participants', 'firstDate', 'lastDate'],
    },
    ...totalsLevels(
      (r) => String(r.territory_id),
      (r) => SERVICE_BY_ID.get(String(r.service_id))?.axes ?? [],
      ['records', 'declared', 'participants', 'territories'],
    ),
  },
};

/** One recruitment action (GraphQL `RecruitmentActionInput`, CSV row of `import-samples/`). */
export const actionRecord: RecordSpec = {
  kind: 'action',
  table: 'recruitment_action',
  key: 'reference',
  // France Travail writes its declared actions; the sample (origin SAMPLE) is nobody's to write.
  owner: operatorOwnership(OWNER, WRITE_SCOPE),
  reservedKey: (reference) =>
    SAMPLE_REFERENCE.test(reference)
      ? "has the form FT-<phase>-<code>-<service>-<n> reserved for the hub's sample actions; use your own reference"
      : undefined,
  territoryColumn: 'territory_id',
  // Pages of a territory: by date, then reference (unique), walked with keyset cursors.
  order: [
    { column: 'date', type: 'string' },
    { column: 'reference', type: 'string' },
  ],
  filters: {
    service: { kind: 'equals', column: 'service_id', type: 'string', values: () => serviceIds },
    axis: { kind: 'via', column: 'service_id', table: 'service_axis', key: 'service_id', match: 'axis' },
    year: { kind: 'equals', column: 'year', type: 'integer', min: 2019, max: 2027 },
    status: { kind: 'equals', column: 'status', type: 'string', values: () => ACTION_STATUSES },
  },
  sample: (scale) => sampleActions(scale),
  summary: actionSummary,
  fields: [
    {
      name: 'reference',
      type: 'string',
      required: true,
      maxLength: 64,
      pattern: /^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/,
      patternHint: '3 to 64 letters, digits, ".", "_", "/" or "-" (starting with a letter or digit)',
      description:
        "France Travail's own reference of the action, unique (natural key): 3 to 64 letters, digits, . _ / -, e.g. FT-DECL-2024-0001 (the sample's form FT-<phase>-<code>-<service>-<n> is reserved)",
    },
    {
      name: 'territoryId',
      type: 'string',
      required: true,
      maxLength: 20,
      pattern: /^(2019-2022|2023-2027):ti-\d{4}$/,
      patternHint: 'a territory id <phase>:ti-<4 digits> (phase 2019-2022 or 2023-2027), e.g. 2023-2027:ti-8412',
      description: 'Territory entity id <phase>:<ANCT code>, e.g. 2023-2027:ti-8412 (must exist in the ANCT lists)',
    },
    {
      name: 'serviceId',
      type: 'string',
      required: true,
      pattern: new RegExp(`^(${serviceIds.map(escape).join('|')})$`),
      patternHint: `a service of France Travail's catalogue (${serviceIds.join(', ')})`,
      description: `Service of France Travail's catalogue: ${serviceIds.join(', ')}`,
    },
    {
      name: 'title',
      type: 'string',
      required: true,
      maxLength: 200,
      description: 'Title of the action, in French (at most 200 characters)',
    },
    {
      name: 'date',
      type: 'date',
      required: true,
      min: 2019,
      max: 2027,
      description: 'Start date YYYY-MM-DD, within the phase of the territory (2019-2022 or 2023-2027)',
    },
    { name: 'status', type: { enum: ACTION_STATUSES }, required: true, description: 'Status of the action' },
    {
      name: 'participants',
      type: 'integer',
      required: true,
      min: 0,
      max: 100_000,
      description: 'Job seekers or employees taking part, 0 to 100000 (0 when planned or cancelled)',
    },
    {
      name: 'hires',
      type: 'integer',
      required: true,
      min: 0,
      max: 100_000,
      description: 'Hires (or reconversions) that followed, 0 to participants (0 when PLANNED)',
    },
    {
      name: 'companies',
      type: 'integer',
      required: true,
      min: 0,
      max: 10_000,
      description: 'Companies involved, 0 to 10000',
    },
    {
      name: 'nafCode',
      type: 'string',
      required: true,
      pattern: /^\d{2}\.\d{2}[A-Z]$/,
      patternHint: 'a NAF rév. 2 code such as 25.62B',
      description: 'NAF code (rév. 2) of the industrial activity concerned, e.g. 25.62B',
    },
    {
      name: 'sector',
      type: 'string',
      required: true,
      maxLength: 100,
      description: 'Industrial sector concerned, e.g. Travail des métaux',
    },
    {
      name: 'employerSiren',
      type: 'siren',
      required: false,
      description:
        'SIREN (9 digits, valid checksum) of the hiring (or lending) company when the action concerns one company; with employerName',
    },
    {
      name: 'employerName',
      type: 'string',
      required: false,
      maxLength: 200,
      description: 'Name of that company (at most 200 characters); with employerSiren',
    },
    ACTION_SHEET_FIELD,
  ],
  check,
  checkIncomplete: true,
  // The action sheet named is checked with the programme subgraph before the write (runtime/action-sheets.ts).
  ...ACTION_SHEET_LINK,
  toRow: (v): NewRecruitmentAction & Row => ({
    reference: String(v.reference),
    territory_id: String(v.territoryId),
    service_id: String(v.serviceId),
    title: String(v.title),
    date: String(v.date),
    year: Number(String(v.date).slice(0, 4)),
    status: String(v.status),
    participants: Number(v.participants),
    hires: Number(v.hires),
    companies: Number(v.companies),
    naf_code: String(v.nafCode),
    sector: String(v.sector),
    employer_siren: (v.employerSiren as string | null | undefined) ?? null,
    employer_name: (v.employerName as string | null | undefined) ?? null,
    action_sheet_id: (v.actionSheetId as string | null | undefined) ?? null,
    origin: 'OPERATOR',
  }),
};
