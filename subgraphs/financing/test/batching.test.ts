// Batching proof: the slice of 10 or 183 territories costs the same few SQL statements.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import type { FinancingContext } from '../resolvers.ts';
import { loadPerimeters } from '../../runtime/perimeters.ts';
import financing from '../subgraph.ts';

const SLICE = `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id financing {
  summary { recordCount amountEur }
  services { service { id } recordCount }
  financings(first: 5, status: PAID) { totalCount nodes { reference company { name } } }
  totalsByInstrument { instrument recordCount }
  departments { department { code name } pge { loanCount } franceRelanceIndustry { value } }
} } } }`;

let sg: TestSubgraph<FinancingContext>;
beforeAll(async () => {
  sg = await startTestSubgraph(financing);
});
afterAll(async () => {
  await sg?.stop();
});

const representations = (ids: string[]) => ids.map((id) => ({ __typename: 'Territory', id }));

it('resolves the slice of 10 and of all 183 territories of 2023-2027 with the same statements', async () => {
  const ids = loadPerimeters()
    .filter((t) => t.phase === '2023-2027')
    .map((t) => t.id);
  expect(ids).toHaveLength(183);
  const ten = await sg.execute(SLICE, { r: representations(ids.slice(0, 10)) });
  const all = await sg.execute<{ _entities: { financing: { financings: { nodes: unknown[] } } }[] }>(SLICE, {
    r: representations(ids),
  });
  expect(ten.errors).toBeUndefined();
  expect(all.errors).toBeUndefined();
  expect(all.data!._entities).toHaveLength(183);
  expect(all.data!._entities.every((e) => e.financing.financings.nodes.length <= 5)).toBe(true);
  // summary, services and by instrument from the kit's summary tables 1 + page (rows and counts) 1 + departments with
  // their PGE and Baromètre context 1.
  console.log(`SQL statements: 10 territories → ${ten.statements}, 183 territories → ${all.statements}`);
  expect(ten.statements).toBe(3);
  expect(all.statements).toBe(ten.statements);
});

it('the minimal _entities summary query costs one statement, and entity resolution none', async () => {
  const ids = loadPerimeters()
    .filter((t) => t.phase === '2023-2027')
    .map((t) => t.id);
  const r = await sg.execute(
    'query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id financing { summary { recordCount } } } } }',
    { r: representations(ids) },
  );
  expect(r.errors).toBeUndefined();
  expect(r.statements).toBe(1);
  const bare = await sg.execute('query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id } } }', {
    r: representations(ids),
  });
  expect(bare.statements).toBe(0);
});
