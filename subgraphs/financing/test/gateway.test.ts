// Through the gateway, with the territories subgraph: Territory.financing, Department.financingContext, example operations.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compose, sourcesFromList } from '../../../schema/compose.ts';
import { createGateway, type Gateway } from '../../../gateway/gateway.ts';
import { QUERIES_DIR, readOperation } from '../../../gateway/operations.ts';
import { post, startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import { listen } from '../../runtime/http.ts';
import territories from '../../territories/subgraph.ts';
import financing from '../subgraph.ts';
import type { FinancingContext } from '../resolvers.ts';
import type { TerritoriesContext } from '../../territories/resolvers.ts';

let subgraphs: [TestSubgraph<TerritoriesContext>, TestSubgraph<FinancingContext>] | [] = [];
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  // Only the two subgraphs this one depends on, composed here, so other operators' work in progress does not matter.
  subgraphs = await Promise.all([startTestSubgraph(territories), startTestSubgraph(financing)]);
  const urls = { territories: await subgraphs[0].listen(), financing: await subgraphs[1].listen() };
  const composed = compose(sourcesFromList().filter((s) => s.name in urls));
  if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
  gateway = await createGateway({ supergraphSdl: composed.supergraphSdl, subgraphUrls: urls, env: {} });
  url = `http://127.0.0.1:${await listen(gateway.http as Server, 0)}/graphql`;
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  await Promise.all(subgraphs.map((s) => s.stop()));
});

it('territory { departments { financingContext } } carries the real PGE figures of section C', async () => {
  const pge = parse(readFileSync(new URL('../data/pge-departemental-naf-latest.csv', import.meta.url)), {
    columns: true,
  }) as Record<string, string>[];
  const response = await post<{
    territory: {
      departments: { code: string; financingContext: { pge: { manufacturingLoanCount: number } } | null }[];
      financing: { summary: { operator: string } };
    } | null;
  }>(
    url,
    `{ territory(id: "2023-2027:ti-8402") { name departments { code name financingContext { pge { manufacturingLoanCount } } } financing { summary { operator } } } }`,
  );
  expect(response.errors).toBeUndefined();
  const t = response.data!.territory!;
  expect(t.financing.summary.operator).toBe('BPIFRANCE');
  expect(t.departments.length).toBeGreaterThan(0);
  for (const d of t.departments) {
    const row = pge.find((r) => r.dep === d.code && r.code_section === 'C')!;
    expect(d.financingContext!.pge.manufacturingLoanCount).toBe(Number(row.nombre_pge));
  }
});

it('answers the example operations queries/financing-*.graphql', async () => {
  for (const file of ['financing-territory.graphql', 'financing-totals.graphql']) {
    const op = readOperation(resolve(QUERIES_DIR, file));
    const response = await post(url, op.query, op.variables);
    expect([file, response.status, response.errors]).toEqual([file, 200, undefined]);
  }
});
