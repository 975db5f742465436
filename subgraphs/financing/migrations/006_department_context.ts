import type { Kysely, Migration } from 'kysely';

/**
 * Issue 13: each department's real context (PGE totals of all sections and of section C, the Baromètre indicator),
 * computed once at load from `pge_department` and `indicator_department`, so that a batch of territories' departments
 * is one join and a batch of departments one read. One row per department covered by either source.
 */
export const departmentContext: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('department_context')
      .addColumn('department_code', 'text', (c) => c.primaryKey())
      .addColumn('pge_loan_count', 'integer')
      .addColumn('pge_amount_eur', 'double precision')
      .addColumn('pge_c_loan_count', 'integer')
      .addColumn('pge_c_amount_eur', 'double precision')
      .addColumn('pge_date', 'text')
      .addColumn('indicator_id', 'text')
      .addColumn('indicator_label', 'text')
      .addColumn('indicator_value', 'double precision')
      .addColumn('indicator_date', 'text')
      .addColumn('indicator_initial_value', 'double precision')
      .addColumn('indicator_initial_date', 'text')
      .addColumn('indicator_unit', 'text')
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('department_context').ifExists().execute();
  },
};
