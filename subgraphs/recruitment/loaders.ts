// Per-request DataLoaders of the recruitment subgraph: one SQL statement per batch of territories.
import DataLoader from 'dataloader';
import { sql, type Kysely } from 'kysely';
import { manyLoader, oneLoader } from '../runtime/loaders.ts';
import type { DatasetRow } from '../runtime/migrations.ts';
import { hiringNeedsLoaders } from './hiring-needs.ts';
import type {
  DepartmentIndicatorRow,
  JobSeekerTerritoryRow,
  RecruitmentActionRecord,
  RecruitmentDB,
  RecruitmentTerritoryRow,
  TerritoryBasinRow,
} from './db.ts';

export interface ActionFilter {
  serviceIds: string[] | null;
  year: number | null;
  status: string | null;
  /** Page: position (ROW_NUMBER) after which to start, and page size. */
  after: number;
  first: number;
}
export interface ActionPage {
  total: number;
  rows: (RecruitmentActionRecord & { rn: number })[];
}
export interface SummaryRow {
  territory_id: string;
  records: number;
  services: number;
  participants: number | null;
}
export interface ServiceRow {
  territory_id: string;
  service_id: string;
  records: number;
  operator_records: number;
  participants: number | null;
  first_date: string;
  last_date: string;
}

export function createLoaders(db: Kysely<RecruitmentDB>) {
  return {
    ...hiringNeedsLoaders(db),
    territory: oneLoader<string, RecruitmentTerritoryRow>(
      (ids) => db.selectFrom('recruitment_territory').selectAll().where('id', 'in', ids).execute(),
      (t) => t.id,
    ),
    dataset: oneLoader<string, DatasetRow>(
      (ids) => db.selectFrom('dataset').selectAll().where('id', 'in', ids).execute(),
      (d) => d.id,
    ),
    summary: oneLoader<string, SummaryRow>(
      (ids) =>
        db
          .selectFrom('recruitment_action')
          .where('territory_id', 'in', ids)
          .groupBy('territory_id')
          .select((eb) => [
            'territory_id',
            eb.fn.countAll<number>().as('records'),
            eb.fn.count<number>('service_id').distinct().as('services'),
            eb.fn.sum<number>('participants').as('participants'),
          ])
          .execute(),
      (s) => s.territory_id,
    ),
    services: manyLoader<string, ServiceRow>(
      (ids) =>
        db
          .selectFrom('recruitment_action')
          .where('territory_id', 'in', ids)
          .groupBy(['territory_id', 'service_id'])
          .select((eb) => [
            'territory_id',
            'service_id',
            eb.fn.countAll<number>().as('records'),
            sql<number>`sum(case when origin = 'OPERATOR' then 1 else 0 end)`.as('operator_records'),
            eb.fn.sum<number>('participants').as('participants'),
            eb.fn.min<string>('date').as('first_date'),
            eb.fn.max<string>('date').as('last_date'),
          ])
          .orderBy('territory_id')
          .orderBy('service_id')
          .execute(),
      (s) => s.territory_id,
    ),
    jobSeekers: manyLoader<string, JobSeekerTerritoryRow>(
      (ids) =>
        db
          .selectFrom('job_seeker_territory')
          .selectAll()
          .where('territory_id', 'in', ids)
          .orderBy('territory_id')
          .orderBy('month')
          .execute(),
      (m) => m.territory_id,
    ),
    basins: manyLoader<string, TerritoryBasinRow>(
      (ids) =>
        db
          .selectFrom('territory_basin')
          .selectAll()
          .where('territory_id', 'in', ids)
          .orderBy('territory_id')
          .orderBy('commune_count', 'desc')
          .orderBy('basin_code')
          .execute(),
      (b) => b.territory_id,
    ),
    indicators: manyLoader<string, DepartmentIndicatorRow & { territory_id: string }>(
      (ids) =>
        db
          .selectFrom('territory_department as td')
          .innerJoin('department_indicator as di', 'di.department_code', 'td.department_code')
          .selectAll('di')
          .select('td.territory_id')
          .where('td.territory_id', 'in', ids)
          .orderBy('td.territory_id')
          .orderBy('di.department_code')
          .orderBy('di.indicator')
          .orderBy('di.date')
          .execute(),
      (r) => r.territory_id,
    ),
    actions: actionPageLoader(db),
  };
}

/**
 * Pages of actions keyed by territory id + serialized filter. Keys sharing a filter are fetched in ONE
 * statement: ROW_NUMBER() / COUNT(*) OVER (PARTITION BY territory_id) number each territory's matching
 * actions, and the outer query keeps the page window (plus row 1, which carries the total even when the
 * page is past the end).
 */
function actionPageLoader(db: Kysely<RecruitmentDB>) {
  return new DataLoader<string, ActionPage>(async (keys) => {
    const byFilter = new Map<string, string[]>();
    for (const key of keys) {
      const [id, filter] = splitKey(key);
      byFilter.set(filter, [...(byFilter.get(filter) ?? []), id]);
    }
    const pages = new Map<string, ActionPage>();
    await Promise.all(
      [...byFilter].map(async ([filterKey, ids]) => {
        const f = JSON.parse(filterKey) as ActionFilter;
        let inner = db
          .selectFrom('recruitment_action')
          .selectAll()
          .select([
            sql<number>`row_number() over (partition by territory_id order by date, reference)`.as('rn'),
            sql<number>`count(*) over (partition by territory_id)`.as('total'),
          ])
          .where('territory_id', 'in', ids);
        if (f.serviceIds) inner = inner.where('service_id', 'in', f.serviceIds.length ? f.serviceIds : ['']);
        if (f.year != null) inner = inner.where('year', '=', f.year);
        if (f.status != null) inner = inner.where('status', '=', f.status);
        const rows = await db
          .selectFrom(inner.as('a'))
          .selectAll()
          .where((eb) =>
            eb.or([eb.and([eb('rn', '>', f.after), eb('rn', '<=', f.after + f.first + 1)]), eb('rn', '=', 1)]),
          )
          .orderBy('territory_id')
          .orderBy('rn')
          .execute();
        for (const id of ids) pages.set(actionKey(id, filterKey), { total: 0, rows: [] });
        for (const row of rows) {
          const page = pages.get(actionKey(row.territory_id, filterKey))!;
          page.total = Number(row.total);
          const rn = Number(row.rn);
          if (rn > f.after) page.rows.push({ ...row, rn });
        }
      }),
    );
    return keys.map((key) => pages.get(key)!);
  });
}

export function actionKey(territoryId: string, filterKey: string): string {
  return `${territoryId}\u0000${filterKey}`;
}
function splitKey(key: string): [string, string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}

export type RecruitmentLoaders = ReturnType<typeof createLoaders>;
