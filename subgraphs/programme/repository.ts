// All of the programme subgraph's own SQL, as functions taking `db` (Kysely's example app): the loaders, the load and
// the record kinds' hooks call these; resolvers never write SQL. Record pages and writes are the kit's (runtime/).
import { sql, type Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import { splitList, type ActionSheetRow, type ProgrammeDB } from './db.ts';

type Rows = Record<string, unknown>[];

export interface ServiceFilters {
  axis?: string | null;
  operator?: string | null;
  /** Already normalised with `searchable`. */
  carrier?: string | null;
  audience?: string | null;
}

/** The panier de services, filtered, in catalogue order: one statement whatever the filters. */
export function services(db: Kysely<ProgrammeDB>, filters: ServiceFilters) {
  let query = db.selectFrom('panier_service').selectAll();
  if (filters.axis) query = query.where('axes', 'like', `%;${filters.axis};%`);
  if (filters.audience) query = query.where('audiences', 'like', `%;${filters.audience};%`);
  if (filters.operator != null) query = query.where('operator', '=', filters.operator);
  if (filters.carrier != null) {
    const pattern = `%${filters.carrier.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`search_carrier like ${pattern} escape '\\'`);
  }
  return query.orderBy('position').execute();
}

export const servicesByIds = (db: Kysely<ProgrammeDB>, ids: string[]) =>
  db.selectFrom('panier_service').selectAll().where('id', 'in', ids).execute();
export const documentsByIds = (db: Kysely<ProgrammeDB>, ids: string[]) =>
  db.selectFrom('programme_document').selectAll().where('id', 'in', ids).execute();
export const documents = (db: Kysely<ProgrammeDB>) =>
  db.selectFrom('programme_document').selectAll().orderBy('id').execute();
export const milestones = (db: Kysely<ProgrammeDB>) =>
  db.selectFrom('milestone').selectAll().orderBy('position').execute();
export const commitments = (db: Kysely<ProgrammeDB>) =>
  db.selectFrom('commitment').selectAll().orderBy('position').execute();
export const phases = (db: Kysely<ProgrammeDB>) =>
  db.selectFrom('programme_phase').selectAll().orderBy('position').execute();
export const datasets = (db: Kysely<ProgrammeDB>) => db.selectFrom('dataset').selectAll().orderBy('id').execute();

/** Action sheets by id (entity resolution, `actionSheet(id)`): one statement per batch. */
export const sheetsByIds = (db: Kysely<ProgrammeDB>, ids: string[]) =>
  db.selectFrom('action_sheet').selectAll().where('id', 'in', ids).execute();

export const contractsOf = (db: Kysely<ProgrammeDB>, territoryIds: string[]) =>
  db.selectFrom('contract').selectAll().where('territory_id', 'in', territoryIds).execute();

export const governancesOf = (db: Kysely<ProgrammeDB>, territoryIds: string[]) =>
  db.selectFrom('governance').selectAll().where('territory_id', 'in', territoryIds).execute();

const axisRows = (rows: Pick<ActionSheetRow, 'id' | 'axes'>[]) =>
  rows.flatMap((r) => splitList(r.axes).map((axis) => ({ sheet_id: r.id, axis })));

/**
 * Rebuilds the axis link rows of these sheets from `action_sheet.axes` (created, changed or deleted), inside the
 * write's transaction: 3 statements per 500 sheets.
 */
export async function refreshSheetAxes(trx: Kysely<ProgrammeDB>, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    await trx.deleteFrom('action_sheet_axis').where('sheet_id', 'in', chunk).execute();
    const current = await trx.selectFrom('action_sheet').select(['id', 'axes']).where('id', 'in', chunk).execute();
    await insertMany(trx, 'action_sheet_axis', axisRows(current));
  }
}

/** Replaces the sample sheets (origin SAMPLE) and their axes; declared sheets are kept. */
export async function replaceSampleSheets(trx: Kysely<ProgrammeDB>, rows: ActionSheetRow[]): Promise<void> {
  await trx
    .deleteFrom('action_sheet_axis')
    .where('sheet_id', 'in', (eb) => eb.selectFrom('action_sheet').select('id').where('origin', '=', 'SAMPLE'))
    .execute();
  await trx.deleteFrom('action_sheet').where('origin', '=', 'SAMPLE').execute();
  await insertMany(trx, 'action_sheet', rows);
  await insertMany(trx, 'action_sheet_axis', axisRows(rows));
}

/** Replaces the programme's reference data (catalogue and facts), inside the load's transaction. */
export async function replaceReferenceData(
  trx: Kysely<ProgrammeDB>,
  data: { documents: Rows; services: Rows; milestones: Rows; commitments: Rows; phases: Rows },
): Promise<void> {
  for (const table of ['programme_phase', 'commitment', 'milestone', 'panier_service', 'programme_document'] as const)
    await trx.deleteFrom(table).execute();
  await insertMany(trx, 'programme_document', data.documents);
  await insertMany(trx, 'panier_service', data.services);
  await insertMany(trx, 'milestone', data.milestones);
  await insertMany(trx, 'commitment', data.commitments);
  await insertMany(trx, 'programme_phase', data.phases);
}
