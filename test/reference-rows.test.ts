// Reference rows (published data written only at load) are read once per process: a load in the process makes
// the hub serve the new data, and a failed read is not kept (runtime/loaders.ts referenceLoader).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetReferences, oneBatch, referenceLoader } from '../subgraphs/runtime/loaders.ts';
import { ensureLoaded } from '../subgraphs/runtime/migrations.ts';
import type { TerritoriesDB } from '../subgraphs/territories/db.ts';
import type { Kysely } from 'kysely';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ only: ['territories'] });
});
afterAll(() => hub?.stop());

const ID = '2023-2027:ti-8402';
const name = async () => {
  const { data, errors } = await post<{ territory: { name: string } }>(
    hub.gatewayUrl,
    'query($id: ID!) { territory(id: $id) { name } }',
    { id: ID },
  );
  expect(errors).toBeUndefined();
  return data!.territory.name;
};

describe('reference rows', () => {
  it('are read once, and read again after a load in the process', async () => {
    const territories = hub.subgraphs.get('territories')!.test.prepared.database;
    hub.forgetReferences();
    hub.resetCounters();
    const before = await name();
    expect(await name()).toBe(before);
    await hub.settled();
    expect(hub.counters().territories).toEqual({ requests: 2, statements: 1 });

    // A new version of the published data, loaded by this process (as at a start with a new release).
    const renamed = `${before} (renommé)`;
    const outcome = await ensureLoaded(territories, 'reference-rows-test', async (trx) => {
      await (trx as unknown as Kysely<TerritoriesDB>)
        .updateTable('territory')
        .set({ name: renamed })
        .where('id', '=', ID)
        .execute();
    });
    expect(outcome).toBe('loaded');
    expect(await name()).toBe(renamed);
  });

  it('keep no failed read, and hand out copies of frozen rows', async () => {
    const owner = {};
    let calls = 0;
    const loader = referenceLoader(
      owner,
      'test',
      oneBatch(
        async (keys: string[]) => {
          calls++;
          if (calls === 1) throw new Error('database unreachable');
          return keys.map((key) => ({ key, nested: { value: key.length } }));
        },
        (row) => row.key,
      ),
    );
    await expect(loader.load('a')).rejects.toThrow('database unreachable');
    const row = (await loader.load('a'))!;
    expect(row).toEqual({ key: 'a', nested: { value: 1 } });
    expect(calls).toBe(2);
    // The caller's copy takes what @apollo/subgraph writes (__typename); the kept row and its parts do not change.
    Object.assign(row, { __typename: 'Test' });
    expect(() => ((row.nested as { value: number }).value = 2)).toThrow(TypeError);
    expect(await loader.load('a')).toEqual({ key: 'a', nested: { value: 1 } });
    expect(
      referenceLoader(
        owner,
        'test',
        oneBatch(async () => [], String),
      ),
    ).toBe(loader);
    expect(calls).toBe(2);
    forgetReferences(owner);
    expect(
      referenceLoader(
        owner,
        'test',
        oneBatch(async () => [], String),
      ),
    ).not.toBe(loader);
  });
});
