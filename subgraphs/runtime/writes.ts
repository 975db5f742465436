// Mutations on operator records: the owner's token, field-by-field validation, one transaction.
import { GraphQLError } from 'graphql';
import type { Kysely } from 'kysely';
import { requireWriter, type Identity, type OperatorCode } from './auth.ts';
import { columnOf, deleteRecord, upsertRecords, validateRecord, validationError, type RecordSpec } from './records.ts';
import type { SubgraphContext } from './subgraph.ts';

export interface WriteOptions {
  /** The operator owning these records, and the scope a token needs, e.g. `financing:write`. */
  owner: OperatorCode;
  scope: string;
  /** Refreshes anything derived from the records (aggregates) for the given keys' rows, in the same transaction. */
  afterWrite?: (trx: Kysely<any>, rows: Record<string, unknown>[]) => Promise<void>;
}

async function writer(ctx: SubgraphContext, options: WriteOptions): Promise<Identity> {
  return requireWriter(await ctx.identity?.(), options.owner, options.scope);
}

function keyColumn(spec: RecordSpec): string {
  return columnOf(spec.fields.find((f) => f.name === spec.key)!);
}

async function readRow(db: Kysely<any>, spec: RecordSpec, key: string): Promise<Record<string, unknown> | undefined> {
  return db.selectFrom(spec.table).selectAll().where(keyColumn(spec), '=', key).executeTakeFirst() as Promise<
    Record<string, unknown> | undefined
  >;
}

/** A stored row as the input fields it came from (for merging an update). */
function rowToInput(spec: RecordSpec, row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    spec.fields.map((f) => {
      const value = row[columnOf(f)];
      return [f.name, f.type === 'boolean' && value !== null && value !== undefined ? Boolean(value) : value];
    }),
  );
}

/**
 * Creates a record. Idempotent by natural key: sending the same record again returns it unchanged;
 * sending different values for an existing key is a CONFLICT (use the update mutation).
 */
export async function createRecord(
  ctx: SubgraphContext,
  spec: RecordSpec,
  options: WriteOptions,
  input: Record<string, unknown>,
) {
  await writer(ctx, options);
  const { value, problems } = validateRecord(spec, input);
  if (problems.length) throw validationError(spec, problems);
  return ctx.database.db.transaction().execute(async (trx) => {
    const key = String(value[spec.key]);
    const existing = await readRow(trx, spec, key);
    if (existing) {
      const same = JSON.stringify(spec.toRow(rowToInput(spec, existing))) === JSON.stringify(spec.toRow(value));
      if (!same) {
        throw new GraphQLError(
          `${spec.kind} "${key}" already exists with other values; use the update mutation to change it`,
          {
            extensions: { code: 'CONFLICT', field: spec.key },
          },
        );
      }
      return { created: false, row: existing };
    }
    await upsertRecords(trx, spec, [value]);
    const row = (await readRow(trx, spec, key))!;
    await options.afterWrite?.(trx, [row]);
    return { created: true, row };
  });
}

/** Updates the fields given; the merged record is validated as a whole. */
export async function updateRecord(
  ctx: SubgraphContext,
  spec: RecordSpec,
  options: WriteOptions,
  key: string,
  patch: Record<string, unknown>,
) {
  await writer(ctx, options);
  if (spec.key in patch && patch[spec.key] !== key) {
    throw validationError(spec, [
      { field: spec.key, message: 'the natural key cannot be changed; delete and create instead' },
    ]);
  }
  const partial = validateRecord(spec, patch, { partial: true });
  if (partial.problems.length) throw validationError(spec, partial.problems);
  return ctx.database.db.transaction().execute(async (trx) => {
    const existing = await readRow(trx, spec, key);
    if (!existing)
      throw new GraphQLError(`${spec.kind} "${key}" not found`, { extensions: { code: 'NOT_FOUND', field: spec.key } });
    const { value, problems } = validateRecord(spec, { ...rowToInput(spec, existing), ...patch });
    if (problems.length) throw validationError(spec, problems);
    const report = await upsertRecords(trx, spec, [value]);
    const row = (await readRow(trx, spec, key))!;
    if (report.updated) await options.afterWrite?.(trx, [existing, row]);
    return { updated: report.updated > 0, row };
  });
}

/** Deletes a record; deleting one that does not exist returns false (idempotent). */
export async function removeRecord(ctx: SubgraphContext, spec: RecordSpec, options: WriteOptions, key: string) {
  await writer(ctx, options);
  return ctx.database.db.transaction().execute(async (trx) => {
    const existing = await readRow(trx, spec, key);
    const deleted = await deleteRecord(trx, spec, key);
    if (deleted && existing) await options.afterWrite?.(trx, [existing]);
    return deleted;
  });
}
