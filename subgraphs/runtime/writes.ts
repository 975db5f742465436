// The kit's writes of operator records: create, update and delete, idempotent by natural key and atomic
// under concurrency on SQLite and PostgreSQL, each in one transaction with a deadline (deadline.ts).
// - create: INSERT … ON CONFLICT DO NOTHING, then compare: identical → created: false, else CONFLICT.
//   No read-then-write race: the database decides which concurrent create inserts.
// - update: the row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite runs one transaction at a time),
//   the merged record validated, and only the changed columns written: concurrent patches are all kept.
// - links to other subgraphs (`checkLinks`, e.g. an action sheet of the programme) are checked BEFORE the
//   transaction: no HTTP call while a row is locked; a check that cannot be made refuses the write.
import type { Kysely, Transaction } from 'kysely';
import { actingFor, type Identity } from './auth.ts';
import { writeTransaction } from './deadline.ts';
import { clientError, DependencyUnavailable, dependencyUnavailable, type FieldProblem } from './errors.ts';
import { recordRows } from './outbox.ts';
import {
  columnOf,
  keyColumnOf,
  sameRow,
  validateRecord,
  validationError,
  type DerivedRowsHook,
  type KitDB,
  type RecordSpec,
  type Row,
} from './records.ts';
import type { SubgraphContext } from './subgraph.ts';
import { maintainSummaries } from './summaries.ts';

function unauthenticated(spec: RecordSpec): never {
  const rule = spec.owner!;
  throw clientError(
    'UNAUTHENTICATED',
    `writing requires a token: send "Authorization: Bearer <token>" with ${rule.tokenHint ?? `operator ${rule.writers}`} and scope ${rule.scope}`,
    { http: { status: 401 } },
  );
}

/** The caller, if allowed to write this kind at all (before any SQL). */
async function writer(ctx: SubgraphContext, spec: RecordSpec): Promise<Identity> {
  const rule = spec.owner;
  if (!rule) throw new Error(`record kind ${spec.kind} declares no owner: it cannot be written`);
  const identity = await ctx.identity?.();
  if (!identity) unauthenticated(spec);
  if (!rule.mayWrite(identity))
    throw clientError('FORBIDDEN', `token acts for ${actingFor(identity)}; these records belong to ${rule.writers}`);
  if (!identity.scopes.includes(rule.scope))
    throw clientError(
      'FORBIDDEN',
      `token lacks the scope "${rule.scope}" (has: ${identity.scopes.join(' ') || 'none'})`,
    );
  return identity;
}

/** Sample records and other owners' records: one code and shape everywhere (FORBIDDEN, `field` = the key). */
function notYours(spec: RecordSpec, key: string, why: string) {
  return clientError('FORBIDDEN', `${spec.kind} "${key}" ${why}`, { field: spec.key });
}

function refuseReserved(spec: RecordSpec, key: string): void {
  const why = spec.reservedKey?.(key);
  if (why) throw notYours(spec, key, why);
}

function checkOwns(spec: RecordSpec, identity: Identity, key: string, row: Row): void {
  if (!spec.owner!.owns(identity, row))
    throw notYours(spec, key, `is not a record of ${spec.owner!.writers} this token may write`);
}

/**
 * The spec's remote checks of a validated value, merged with its local problems (a field already wrong is not
 * reported twice). A check that cannot be made: with other problems, one more problem on the field; alone,
 * DEPENDENCY_UNAVAILABLE. Either way the write is refused and nothing is written.
 */
async function withLinkProblems(
  ctx: SubgraphContext,
  spec: RecordSpec,
  value: Row,
  problems: FieldProblem[],
): Promise<FieldProblem[]> {
  if (!spec.checkLinks) return problems;
  const wrong = new Set(problems.map((p) => p.field));
  try {
    const [remote = []] = await spec.checkLinks([value], ctx.env ?? process.env);
    return [...problems, ...remote.filter((p) => !wrong.has(p.field))];
  } catch (error) {
    if (!(error instanceof DependencyUnavailable)) throw error;
    if (!problems.length) throw dependencyUnavailable(error);
    return [...problems, { field: error.field ?? 'link', message: `could not be checked: ${error.message}` }];
  }
}

/** The link fields' values of a record, to tell whether the one checked is the one written. */
const linkValues = (spec: RecordSpec, value: Row) =>
  JSON.stringify((spec.linkFields ?? []).map((f) => value[f] ?? null));

const kit = <DB>(trx: Transaction<DB>) => trx as unknown as Kysely<KitDB>;

async function readRow(trx: Kysely<KitDB>, spec: RecordSpec, key: string, lock: boolean): Promise<Row | undefined> {
  const query = trx.selectFrom(spec.table).selectAll().where(keyColumnOf(spec), '=', key);
  // SQLite has no FOR UPDATE and needs none: its one connection runs one transaction at a time.
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

/** A stored row as the input fields it came from (for merging an update). */
function rowToInput(spec: RecordSpec, row: Row): Row {
  return Object.fromEntries(
    spec.fields.map((f) => {
      const value = row[columnOf(f)];
      return [f.name, f.type === 'boolean' && value !== null && value !== undefined ? Boolean(value) : value];
    }),
  );
}

/**
 * Creates a record. Idempotent by natural key: sending the same record again returns it with
 * `created: false`; different values for an existing key are a CONFLICT (use the update mutation).
 */
export async function createOne(
  ctx: SubgraphContext,
  spec: RecordSpec,
  input: Row,
): Promise<{ created: boolean; row: Row }> {
  const identity = await writer(ctx, spec);
  refuseReserved(spec, String(input[spec.key] ?? ''));
  const validated = validateRecord(spec, input);
  const { value } = validated;
  const problems = await withLinkProblems(ctx, spec, value, validated.problems);
  if (problems.length) throw validationError(spec, problems);
  const key = String(value[spec.key]);
  const row = spec.toRow(value);
  checkOwns(spec, identity, key, row);
  return writeTransaction(ctx.database, async (t) => {
    const trx = kit(t);
    const inserted = await trx
      .insertInto(spec.table)
      .values(row)
      .onConflict((oc) => oc.column(keyColumnOf(spec)).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      await maintainSummaries(trx, spec, { before: [], after: [inserted] });
      await spec.afterWrite?.(trx, [inserted]);
      await recordRows(trx, spec, [inserted]);
      return { created: true, row: inserted };
    }
    // Another transaction holds the key (it committed first: PostgreSQL waited for it).
    const existing = (await readRow(trx, spec, key, false))!;
    checkOwns(spec, identity, key, existing);
    if (!sameRow(existing, row))
      throw clientError(
        'CONFLICT',
        `${spec.kind} "${key}" already exists with other values; use the update mutation to change it`,
        { field: spec.key },
      );
    return { created: false, row: existing };
  });
}

/** Updates the fields given; the merged record is validated as a whole, inside the transaction. */
export async function updateOne(
  ctx: SubgraphContext,
  spec: RecordSpec,
  key: string,
  patch: Row,
): Promise<{ updated: boolean; row: Row }> {
  const identity = await writer(ctx, spec);
  refuseReserved(spec, key);
  if (spec.key in patch && patch[spec.key] !== key) {
    throw validationError(spec, [
      { field: spec.key, message: 'the natural key cannot be changed; delete and create instead' },
    ]);
  }
  const partial = validateRecord(spec, patch, { partial: true });
  if (partial.problems.length) throw validationError(spec, partial.problems);
  // A patch touching a link field is checked against the record as it stands, before the transaction (no HTTP
  // under the row lock); inside, the merged record must still name the same link, else the check was for another.
  let checked: string | undefined;
  if (spec.checkLinks && spec.linkFields?.some((f) => f in patch)) {
    const current = await readRow(ctx.database.db, spec, key, false);
    if (current) {
      // Ownership first, as in the transaction: another owner's record is FORBIDDEN, whatever the patch.
      checkOwns(spec, identity, key, current);
      const merged = validateRecord(spec, { ...rowToInput(spec, current), ...patch });
      const problems = await withLinkProblems(ctx, spec, merged.value, merged.problems);
      if (problems.length) throw validationError(spec, problems);
      checked = linkValues(spec, merged.value);
    }
  }
  return writeTransaction(ctx.database, async (t) => {
    const trx = kit(t);
    const existing = await readRow(trx, spec, key, ctx.database.dialect === 'postgres');
    if (!existing) throw clientError('NOT_FOUND', `${spec.kind} "${key}" not found`, { field: spec.key });
    checkOwns(spec, identity, key, existing);
    const { value, problems } = validateRecord(spec, { ...rowToInput(spec, existing), ...patch });
    if (problems.length) throw validationError(spec, problems);
    if (checked !== undefined && checked !== linkValues(spec, value))
      throw clientError(
        'CONFLICT',
        `${spec.kind} "${key}" changed while its ${spec.linkFields!.join(' and ')} were being checked; send the update again`,
        { field: spec.key },
      );
    const row = spec.toRow(value);
    const changed = Object.fromEntries(Object.entries(row).filter(([c, v]) => !sameRow(existing, { [c]: v })));
    if (Object.keys(changed).length === 0) return { updated: false, row: existing };
    checkOwns(spec, identity, key, row);
    // Only the changed columns: a concurrent patch of other columns (serialised by the lock) is kept.
    const updated = (await trx
      .updateTable(spec.table)
      .set(changed)
      .where(keyColumnOf(spec), '=', key)
      .returningAll()
      .executeTakeFirst())!;
    await maintainSummaries(trx, spec, { before: [existing], after: [updated] });
    await spec.afterWrite?.(trx, [existing, updated]);
    await recordRows(trx, spec, [existing, updated]);
    return { updated: true, row: updated };
  });
}

/** Deletes a record; deleting one that does not exist returns false (idempotent). */
export async function deleteOne(ctx: SubgraphContext, spec: RecordSpec, key: string): Promise<boolean> {
  const identity = await writer(ctx, spec);
  refuseReserved(spec, key);
  return writeTransaction(ctx.database, async (t) => {
    const trx = kit(t);
    const existing = await readRow(trx, spec, key, ctx.database.dialect === 'postgres');
    if (!existing) return false;
    checkOwns(spec, identity, key, existing);
    await trx.deleteFrom(spec.table).where(keyColumnOf(spec), '=', key).execute();
    await maintainSummaries(trx, spec, { before: [existing], after: [] });
    await spec.afterWrite?.(trx, [existing]);
    await recordRows(trx, spec, [existing]);
    return true;
  });
}
