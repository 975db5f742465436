// Arguments of the record lists: validated once, then turned into the same SQL on both dialects.
import { sql, type SelectQueryBuilder } from 'kysely';
import { badInput, decodeCursor, notFound, pageSize } from '../runtime/errors.ts';
import { loadCatalogue, serviceById, type Axis } from './catalogue.ts';
import { STATUSES, type EngineeringDB, type RecordKind, type RecordStatus, type StudyKind } from './db.ts';

/** Years a record can carry: the programme's two phases. */
export const FIRST_YEAR = 2019;
export const LAST_YEAR = 2027;

export interface RecordListArgs {
  first?: number | null;
  after?: string | null;
  service?: string | null;
  axis?: Axis | null;
  year?: number | null;
  minAmountEur?: number | null;
  maxAmountEur?: number | null;
  status?: RecordStatus | null;
  kind?: StudyKind | null;
  green?: boolean | null;
}

/** A validated filter: plain data, so that it can key a DataLoader (JSON). */
export interface RecordFilter {
  recordKind: RecordKind;
  /** Services the records may belong to; empty = the filters exclude every record. */
  serviceIds: string[];
  year: number | null;
  minAmountEur: number | null;
  maxAmountEur: number | null;
  status: RecordStatus | null;
  studyKind: StudyKind | null;
  green: boolean | null;
  first: number;
  /** Records after this position (-1: from the start). */
  after: number;
}

function amount(name: string, value: number | null | undefined): number | null {
  if (value == null) return null;
  if (!Number.isFinite(value) || value < 0)
    throw badInput(name, `must be a non-negative amount in euros (got ${value})`);
  return value;
}

export function parseFilter(recordKind: RecordKind, args: RecordListArgs): RecordFilter {
  const first = pageSize(args.first);
  const after = decodeCursor(args.after);
  if (args.service != null && !serviceById(args.service)) {
    throw notFound(`service "${args.service.slice(0, 60)}" of the engineering catalogue`, 'service');
  }
  if (args.year != null && (args.year < FIRST_YEAR || args.year > LAST_YEAR)) {
    throw badInput('year', `must be between ${FIRST_YEAR} and ${LAST_YEAR} (got ${args.year})`);
  }
  const minAmountEur = amount('minAmountEur', args.minAmountEur);
  const maxAmountEur = amount('maxAmountEur', args.maxAmountEur);
  if (minAmountEur != null && maxAmountEur != null && minAmountEur > maxAmountEur) {
    throw badInput('maxAmountEur', `must be at least minAmountEur (${minAmountEur} > ${maxAmountEur})`);
  }
  if (args.status != null && !STATUSES.includes(args.status)) throw badInput('status', `unknown status ${args.status}`);
  // Each kind mobilises one service: service and axis filters narrow that set, possibly to nothing.
  const serviceIds = loadCatalogue()
    .filter((s) => s.recordKind === recordKind)
    .filter((s) => args.service == null || s.id === args.service)
    .filter((s) => args.axis == null || s.axes.includes(args.axis))
    .map((s) => s.id);
  return {
    recordKind,
    serviceIds,
    year: args.year ?? null,
    minAmountEur,
    maxAmountEur,
    status: args.status ?? null,
    studyKind: args.kind ?? null,
    green: args.green ?? null,
    first,
    after,
  };
}

/** The filter's conditions, except the cursor and the territory. */
export function applyFilter<O>(
  qb: SelectQueryBuilder<EngineeringDB, 'engineering_record', O>,
  f: RecordFilter,
): SelectQueryBuilder<EngineeringDB, 'engineering_record', O> {
  let q = qb.where('record_kind', '=', f.recordKind);
  q = f.serviceIds.length ? q.where('service_id', 'in', f.serviceIds) : q.where(sql<boolean>`1 = 0`);
  if (f.year != null) q = q.where('year', '=', f.year);
  if (f.minAmountEur != null) q = q.where('amount_eur', '>=', f.minAmountEur);
  if (f.maxAmountEur != null) q = q.where('amount_eur', '<=', f.maxAmountEur);
  if (f.status != null) q = q.where('status', '=', f.status);
  if (f.studyKind != null) q = q.where('study_kind', '=', f.studyKind);
  if (f.green != null) q = q.where('green', '=', f.green ? 1 : 0);
  return q;
}
