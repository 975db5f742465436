// All of the engineering subgraph's own SQL, as functions taking `db` (Kysely's example app): the loaders and the
// load call these; resolvers never write SQL. Record pages and writes are the kit's (runtime/).
import { sql, type Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import type { Axis, CatalogueService } from './catalogue.ts';
import type { EngineeringDB, NewRecord } from './db.ts';

export interface ServiceFigures {
  territory_id: string;
  service_id: string;
  record_count: number;
  amount_eur: number;
  beneficiary_count: number;
  first_date: string;
  last_date: string;
  /** Records declared by the operator (the others are SAMPLE). */
  operator_count: number;
}

/** Figures per (territory, service): the slice's summary, services and per-kind totals all read this one statement. */
export function serviceFigures(db: Kysely<EngineeringDB>, ids: string[]): Promise<ServiceFigures[]> {
  return db
    .selectFrom('engineering_record')
    .select((eb) => [
      'territory_id',
      'service_id',
      eb.fn.countAll<number>().as('record_count'),
      eb.fn.sum<number>('amount_eur').as('amount_eur'),
      eb.fn.count<number>('beneficiary_siren').distinct().as('beneficiary_count'),
      eb.fn.min<string>('date').as('first_date'),
      eb.fn.max<string>('date').as('last_date'),
      eb.fn.sum<number>(sql`case when origin = 'OPERATOR' then 1 else 0 end`).as('operator_count'),
    ])
    .where('territory_id', 'in', ids)
    .groupBy(['territory_id', 'service_id'])
    .execute();
}

const GROUP_COLUMN = { PHASE: 'phase', REGION: 'region_code', TERRITORY: 'territory_id' } as const;
export type TotalsGroup = keyof typeof GROUP_COLUMN;

/** Records summed per phase, region or territory; `axis`: only the services on it (service_axis). */
export function totals(
  db: Kysely<EngineeringDB>,
  args: { by: TotalsGroup; phase?: string | null; axis?: Axis | null },
) {
  const column = GROUP_COLUMN[args.by];
  let query = db.selectFrom('engineering_record');
  if (args.phase) query = query.where('phase', '=', args.phase);
  if (args.axis) {
    const axis = args.axis;
    query = query.where('service_id', 'in', (eb) =>
      eb.selectFrom('service_axis').select('service_id').where('axis', '=', axis),
    );
  }
  return query
    .select((eb) => [
      eb.ref(column).as('key'),
      eb.fn.count<number>('territory_id').distinct().as('territory_count'),
      eb.fn.countAll<number>().as('record_count'),
      eb.fn.sum<number>('amount_eur').as('amount_eur'),
      eb.fn.count<number>('beneficiary_siren').distinct().as('beneficiary_count'),
    ])
    .groupBy(column)
    .orderBy(column)
    .execute();
}

/** The territories of a phase holding at least one record. */
export async function territoriesWithRecords(db: Kysely<EngineeringDB>, phase: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('engineering_record')
    .select('territory_id')
    .distinct()
    .where('phase', '=', phase)
    .execute();
  return new Set(rows.map((r) => r.territory_id));
}

/**
 * Replaces the catalogue's axes and the sample, inside the load's transaction. Declared records (origin OPERATOR)
 * are kept: only SAMPLE rows are deleted and re-inserted.
 */
export async function replaceData(
  trx: Kysely<EngineeringDB>,
  data: { services: CatalogueService[]; sample: NewRecord[] },
): Promise<void> {
  await trx.deleteFrom('engineering_record').where('origin', '=', 'SAMPLE').execute();
  await trx.deleteFrom('service_axis').execute();
  await insertMany(
    trx,
    'service_axis',
    data.services.flatMap((s) => s.axes.map((axis) => ({ service_id: s.id, axis }))),
  );
  await insertMany(trx, 'engineering_record', data.sample);
}
