// The slice of 10 or 183 territories costs the same few statements (DataLoaders batch per request).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadPerimeters } from '../../runtime/perimeters.ts';
import { startTestSubgraph } from '../../../test/support/harness.ts';
import engineering from '../subgraph.ts';
import type { EngineeringSubgraph } from './support.ts';

let sg: EngineeringSubgraph;
beforeAll(async () => {
  sg = await startTestSubgraph(engineering);
});
afterAll(async () => {
  await sg?.stop();
});

const QUERY = `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id engineering {
  summary { recordCount amountEur } services { service { id } recordCount } totals { kind recordCount }
  supports(first: 2) { totalCount nodes { reference } pageInfo { hasNextPage } }
  vteAids(first: 5, green: true) { nodes { reference amountEur } }
} } } }`;

interface Entities {
  _entities: unknown[];
}

it('resolves the slice of 10 and of 183 territories with the same statements', async () => {
  const ids = loadPerimeters()
    .filter((t) => t.phase === '2023-2027')
    .map((t) => t.id);
  expect(ids).toHaveLength(183);
  const run = (list: string[]) =>
    sg.execute<Entities>(QUERY, { r: list.map((id) => ({ __typename: 'Territory', id })) });
  const ten = await run(ids.slice(0, 10));
  const all = await run(ids);
  expect(ten.errors).toBeUndefined();
  expect(all.errors).toBeUndefined();
  expect(all.data!._entities).toHaveLength(183);
  // services+summary+totals (1), the supports and vteAids pages (1: the kinds share a table, the kit's pageLoader
  // reads them together, with their counts, even when totalCount is not asked for).
  expect(ten.statements).toBe(2);
  expect(all.statements).toBe(ten.statements);
  // Batched results are the same as one territory alone.
  const one = await run([ids[5]!]);
  expect(all.data!._entities[5]).toEqual(one.data!._entities[0]);
  // Entity resolution alone does not touch the database.
  const bare = await sg.execute(`query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id } } }`, {
    r: ids.map((id) => ({ __typename: 'Territory', id })),
  });
  expect(bare.statements).toBe(0);
});
