// Batching proof: the slice of 10 territories and of all 183 territories of 2023-2027 costs the same
// number of SQL statements (one per loader), whatever the number of territories.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import { loadPerimeters } from '../../runtime/perimeters.ts';
import recruitment from '../subgraph.ts';
import type { RecruitmentContext } from '../resolvers.ts';

let sub: TestSubgraph<RecruitmentContext>;
beforeAll(async () => {
  sub = await startTestSubgraph(recruitment);
});
afterAll(async () => {
  await sub?.stop();
});

const QUERY = `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id recruitment {
  summary { recordCount serviceCount mobilised }
  services { service { id } recordCount dataset { id } }
  actions(first: 5, year: 2024) { totalCount nodes { reference dataset { nature } } pageInfo { hasNextPage } }
  jobSeekersLatest { value }
  jobSeekerChange { change }
  jobSeekerCoverage { populationShare }
  employmentBasins { code }
  departmentIndicators { latest { value } }
  datasets { id }
} } } }`;

it('issues the same small number of statements for 10 and for 183 territories', async () => {
  const ids = loadPerimeters()
    .filter((t) => t.phase === '2023-2027')
    .map((t) => t.id);
  const run = (list: string[]) =>
    sub.execute<{ _entities: { recruitment: { summary: { recordCount: number } } }[] }>(QUERY, {
      r: list.map((id) => ({ __typename: 'Territory', id })),
    });
  const ten = await run(ids.slice(0, 10));
  const all = await run(ids);
  expect(ten.errors).toBeUndefined();
  expect(all.errors).toBeUndefined();
  expect(all.data!._entities).toHaveLength(183);
  expect(all.data!._entities.filter((e) => e.recruitment.summary.recordCount > 0).length).toBeGreaterThan(150);
  console.log(`recruitment batching: ${ten.statements} statements for 10 territories, ${all.statements} for 183`);
  expect(all.statements).toBe(ten.statements);
  // territory (with its job seekers and basins on its row), summaries (summary and services: the kit's summary
  // tables, one statement), actions (rows and counts), indicators; the datasets are the catalogue's constant.
  expect(all.statements).toBe(4);
});

it('summary + services + first page: 3 statements for 183 territories', async () => {
  const ids = loadPerimeters()
    .filter((t) => t.phase === '2023-2027')
    .map((t) => t.id);
  const res = await sub.execute(
    `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id recruitment {
    summary { recordCount } services { recordCount } actions { nodes { reference } } } } } }`,
    { r: ids.map((id) => ({ __typename: 'Territory', id })) },
  );
  expect(res.errors).toBeUndefined();
  // summary and services (one statement on the kit's summary tables), and the kit's page of actions: rows and counts
  // (one statement for all territories).
  expect(res.statements).toBe(2);
});
