// All of the attractiveness subgraph's own SQL, as functions taking `db` (Kysely's example app), portable between
// SQLite and PostgreSQL: the root fields and the load call these; resolvers never write SQL. Record pages, writes and
// every figure over the records (the summary tables, kept by each write and import) are the kit's (runtime/).
import type { Kysely } from 'kysely';
import { insertMany } from '../runtime/database.ts';
import type { AttractivenessDB, RecordTable } from './db.ts';
import type { GeneratedRecords } from './sample.ts';

type Db = Kysely<AttractivenessDB>;

export function datasets(db: Db) {
  return db.selectFrom('dataset').selectAll().orderBy('id').execute();
}

/**
 * Replaces the sample records, inside the load's transaction. Records declared by Business France (origin
 * OPERATOR) are kept; a sample row whose reference an operator row already holds is not inserted (operator
 * references never use the sample pattern, so that only happens to a row forced in by hand).
 */
export async function replaceSample(db: Db, sample: GeneratedRecords): Promise<void> {
  const tables: [RecordTable, Record<string, unknown>[]][] = [
    ['investment_project', sample.investments],
    ['export_support', sample.exportSupports],
    ['site_promotion', sample.sitePromotions],
  ];
  for (const [table, rows] of tables) {
    await db.deleteFrom(table).where('origin', '=', 'SAMPLE').execute();
    const declared = await db.selectFrom(table).select('reference').where('origin', '=', 'OPERATOR').execute();
    const taken = new Set(declared.map((r) => r.reference));
    await insertMany(
      db,
      table,
      rows.filter((r) => !taken.has(String(r.reference))),
    );
  }
}
