// The record kit's write guarantees, tested the user's way (over HTTP, through the gateway, with a real signed
// token) for any operator: call `recordWriteTests` once per record kind, with its mutations and a valid input.
// Runs on the dialect of the suite (SQLite, or PostgreSQL with DATABASE_URL).
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import {
  columnOf,
  keyColumnOf,
  sameRow,
  validateRecord,
  type KitDB,
  type RecordSpec,
  type Row,
} from '../../subgraphs/runtime/records.ts';
import { post } from './harness.ts';
import type { TestHub } from './hub.ts';
import { expectSummariesMatchRecords } from './summaries.ts';

export interface RecordWriteTestOptions {
  /** The subgraph holding the records, and the record kind's declaration. */
  subgraph: string;
  spec: RecordSpec;
  /** The started hub and a token allowed to write (read lazily: they are made in beforeAll). */
  hub: () => TestHub;
  token: () => string;
  /** Mutation names and GraphQL input types, e.g. createFinancing / FinancingInput. */
  mutations: { create: string; update: string; delete: string; input: string; patch: string };
  /** A valid input with this key; different `variant`s give different values (same key → CONFLICT). */
  input: (key: string, variant: number) => Row;
  /** Three patches of three different fields (each valid on `input(key, 0)`), applied concurrently. */
  patches: [Row, Row, Row];
  /** Checks that the subgraph's summaries and counts equal its records (after the concurrent writes). */
  consistent: () => Promise<void>;
  /** Prefix of the keys the tests write (they delete them at the end of each test). */
  prefix: string;
}

/** A create, update or delete mutation's answer. */
interface WriteAnswer {
  created?: boolean;
  updated?: boolean;
  deleted?: boolean;
}

export function recordWriteTests(o: RecordWriteTestOptions): void {
  const db = () => o.hub().subgraphs.get(o.subgraph)!.test.prepared.database.db as unknown as Kysely<KitDB>;
  const gql = (query: string, variables: Record<string, unknown>) =>
    post<Record<string, WriteAnswer>>(o.hub().gatewayUrl, query, variables, { authorization: `Bearer ${o.token()}` });
  const m = o.mutations;
  const CREATE = `mutation($input: ${m.input}!) { ${m.create}(input: $input) { created updated } }`;
  const UPDATE = `mutation($key: ID!, $patch: ${m.patch}!) { ${m.update}(${o.spec.key}: $key, patch: $patch) { created updated } }`;
  const DELETE = `mutation($key: ID!) { ${m.delete}(${o.spec.key}: $key) { deleted } }`;
  const key = keyColumnOf(o.spec);
  const keys = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => `${o.prefix}-${tag}-${String(i).padStart(2, '0')}`);
  const stored = async (list: string[]) =>
    (await db().selectFrom(o.spec.table).selectAll().where(key, 'in', list).execute()) as Row[];
  const cleanUp = async (list: string[]) => {
    for (const k of list) {
      const r = await gql(DELETE, { key: k });
      expect(r.errors).toBeUndefined();
    }
    expect(await stored(list)).toEqual([]);
  };
  /**
   * With summary tables (RecordSpec.summary), they equal a full recomputation from the records: concurrent writes of
   * one territory share summary rows, so a lost increment would show here.
   */
  const summariesExact = async () => {
    if (o.spec.summary) await expectSummariesMatchRecords(db(), o.spec);
  };
  /** The row a valid input becomes (what the database must hold). */
  const rowOf = (input: Row) => {
    const { value, problems } = validateRecord(o.spec, input);
    expect(problems).toEqual([]);
    return o.spec.toRow(value);
  };

  it(`${m.create}, ${m.update} and ${m.delete} succeed over HTTP through the gateway`, async () => {
    const [k] = keys(1, 'crud') as [string];
    const created = await gql(CREATE, { input: o.input(k, 0) });
    expect(created.errors).toBeUndefined();
    expect(created.data![m.create]).toEqual({ created: true, updated: false });
    const updated = await gql(UPDATE, { key: k, patch: o.patches[0] });
    expect(updated.errors).toBeUndefined();
    expect(updated.data![m.update]).toEqual({ created: false, updated: true });
    const [row] = await stored([k]);
    expect(sameRow(row!, rowOf({ ...o.input(k, 0), ...o.patches[0] }))).toBe(true);
    const deleted = await gql(DELETE, { key: k });
    expect(deleted.data![m.delete]).toEqual({ deleted: true });
    expect(await stored([k])).toEqual([]);
  });

  it('20 concurrent creates of distinct records are all created', async () => {
    const list = keys(20, 'distinct');
    const answers = await Promise.all(list.map((k) => gql(CREATE, { input: o.input(k, 0) })));
    expect(answers.map((a) => a.errors?.[0]?.message ?? a.data![m.create]!.created)).toEqual(list.map(() => true));
    expect((await stored(list)).length).toBe(20);
    await o.consistent();
    await summariesExact();
    await cleanUp(list);
    await summariesExact();
  });

  it('20 concurrent identical creates: one created: true, the others created: false', async () => {
    const [k] = keys(1, 'same') as [string];
    const answers = await Promise.all(Array.from({ length: 20 }, () => gql(CREATE, { input: o.input(k, 0) })));
    expect(answers.flatMap((a) => a.errors ?? [])).toEqual([]);
    const created = answers.map((a) => a.data![m.create]!.created);
    expect(created.filter((c) => c === true)).toHaveLength(1);
    expect(created.filter((c) => c === false)).toHaveLength(19);
    expect(await stored([k])).toHaveLength(1);
    await summariesExact();
    await cleanUp([k]);
  });

  it('one key sent concurrently with 20 different values: one created, the others CONFLICT', async () => {
    const [k] = keys(1, 'conflict') as [string];
    const answers = await Promise.all(Array.from({ length: 20 }, (_, v) => gql(CREATE, { input: o.input(k, v) })));
    const winners = answers.filter((a) => !a.errors);
    expect(winners.map((a) => a.data![m.create]!.created)).toEqual([true]);
    expect(answers.filter((a) => a.errors).map((a) => a.errors![0]!.extensions?.code)).toEqual(
      Array.from({ length: 19 }, () => 'CONFLICT'),
    );
    // The row holds exactly the winner's values.
    const winner = answers.indexOf(winners[0]!);
    const [row] = await stored([k]);
    expect(sameRow(row!, rowOf(o.input(k, winner)))).toBe(true);
    await summariesExact();
    await cleanUp([k]);
  });

  it('30 concurrent patches of different fields on 10 records are all applied', async () => {
    const list = keys(10, 'patch');
    for (const k of list) expect((await gql(CREATE, { input: o.input(k, 0) })).errors).toBeUndefined();
    const answers = await Promise.all(list.flatMap((k) => o.patches.map((patch) => gql(UPDATE, { key: k, patch }))));
    expect(answers.flatMap((a) => a.errors ?? [])).toEqual([]);
    const patchedColumns = o.patches.flatMap((p) =>
      Object.keys(p).map((f) => columnOf(o.spec.fields.find((x) => x.name === f)!)),
    );
    const rows = await stored(list);
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      const expected = rowOf(Object.assign(o.input(String(row[key]), 0), ...o.patches) as Row);
      for (const column of patchedColumns)
        expect([row[key], column, sameRow(row, { [column]: expected[column] })]).toEqual([row[key], column, true]);
    }
    await o.consistent();
    await summariesExact();
    await cleanUp(list);
    await o.consistent();
    await summariesExact();
  });

  it('the write statements left nothing behind', async () => {
    const n = await db()
      .selectFrom(o.spec.table)
      .select(sql<number>`count(*)`.as('n'))
      .where(key, 'like', `${o.prefix}-%`)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });
}
