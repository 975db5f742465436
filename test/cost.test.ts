// The cost estimate of gateway/limits.ts, over HTTP, on a supergraph an operator could bring: an
// interface with type-conditioned fragments nested three deep, repeated fragments, lists declaring
// their size with @listSize. A gateway with MAX_COST=1 refuses everything and reports each estimate
// (extensions.cost); the default gateway serves the same legitimate queries.
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../gateway/gateway.ts';
import { readOperations } from '../gateway/operations.ts';
import { compose } from '../schema/compose.ts';
import { closeServer, createGraphqlHttpServer, listen } from '../subgraphs/runtime/http.ts';
import { post } from './support/harness.ts';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])

type Query {
  "Paginated by first."
  items(first: Int = 20): [Item!]!
  "A short list: at most five items."
  shelf: [Item!]! @listSize(assumedSize: 5)
  "Sized by its limit argument."
  search(text: String!, limit: Int): [Item!]! @listSize(slicingArguments: ["limit"], assumedSize: 50, requireOneSlicingArgument: false)
}

interface Item {
  id: ID!
  title: String!
  "At most three related items."
  related: [Item!]! @listSize(assumedSize: 3)
}

type Book implements Item @key(fields: "id") {
  id: ID!
  title: String!
  related: [Item!]! @listSize(assumedSize: 3)
  pages: Int!
  chapters: [Chapter!]! @listSize(assumedSize: 30)
}

type Film implements Item @key(fields: "id") {
  id: ID!
  title: String!
  related: [Item!]! @listSize(assumedSize: 3)
  minutes: Int!
  "No declared size: DEFAULT_LIST_SIZE (20)."
  cast: [Person!]!
}

type Chapter { title: String! }
type Person { name: String! }
`;

interface Row {
  id: string;
  kind: 'Book' | 'Film';
  title: string;
  related: string[];
}
const ROWS: Row[] = [
  { id: 'b1', kind: 'Book', title: 'Germinal', related: ['f1', 'b2'] },
  { id: 'f1', kind: 'Film', title: 'Germinal (1993)', related: ['b1'] },
  { id: 'b2', kind: 'Book', title: 'La Bête humaine', related: ['f2', 'b1', 'f1'] },
  { id: 'f2', kind: 'Film', title: 'La Bête humaine (1938)', related: ['b2'] },
];
const byId = new Map(ROWS.map((r) => [r.id, r]));

const resolvers = {
  Query: {
    items: (_: unknown, { first }: { first: number }) => ROWS.slice(0, first),
    shelf: () => ROWS.slice(0, 2),
    search: (_: unknown, { text }: { text: string }) => ROWS.filter((r) => r.title.includes(text)),
  },
  Item: { __resolveType: (row: Row) => row.kind },
  Book: {
    related: (row: Row) => row.related.map((id) => byId.get(id)),
    pages: (row: Row) => 100 + row.title.length,
    chapters: (row: Row) => [{ title: `${row.title}, I` }, { title: `${row.title}, II` }],
  },
  Film: {
    related: (row: Row) => row.related.map((id) => byId.get(id)),
    minutes: (row: Row) => 90 + row.title.length,
    cast: () => [{ name: 'Gérard Depardieu' }],
  },
};

let subgraph: Server;
let apollo: ApolloServer;
const gateways: Gateway[] = [];
/** Default limits (MAX_COST 50000). */
let url: string;
/** MAX_COST=1: refuses everything, saying the estimate. */
let probe: string;

async function gatewayOver(supergraphSdl: string, subgraphUrls: Record<string, string>, env: NodeJS.ProcessEnv) {
  const gateway = await createGateway({ supergraphSdl, subgraphUrls, env });
  gateways.push(gateway);
  return `http://127.0.0.1:${await listen(gateway.http, 0)}/graphql`;
}

beforeAll(async () => {
  apollo = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: parse(SDL), resolvers: resolvers as never }) });
  await apollo.start();
  subgraph = createGraphqlHttpServer({ apollo, context: async () => ({}) });
  const subgraphUrl = `http://127.0.0.1:${await listen(subgraph, 0)}/graphql`;
  const composed = compose([{ name: 'catalogue', url: subgraphUrl, sdl: SDL }]);
  if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
  url = await gatewayOver(composed.supergraphSdl, {}, {});
  probe = await gatewayOver(composed.supergraphSdl, {}, { MAX_COST: '1' });
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  if (subgraph) await closeServer(subgraph);
  await apollo?.stop();
});

/** The gateway's estimate of an operation (refused by the MAX_COST=1 gateway, which says it). */
async function cost(gatewayUrl: string, query: string, variables?: Record<string, unknown>): Promise<number> {
  const response = await post(gatewayUrl, query, variables);
  expect([response.status, response.errors?.[0]?.extensions?.code]).toEqual([400, 'COST_LIMIT_EXCEEDED']);
  return Number(response.errors![0]!.extensions!.cost);
}

// Three levels of type-conditioned fragments on the interface Item.
const NESTED = `{
  items(first: 10) {
    id
    ... on Book {
      pages
      related {
        ... on Film { minutes related { ... on Book { chapters { title } } ... on Film { cast { name } } } }
        ... on Book { pages }
      }
    }
    ... on Film {
      minutes
      related { ... on Book { pages related { ... on Film { cast { name } } } } }
    }
  }
}`;

describe('cost estimate on a supergraph with an interface', () => {
  it('counts type-conditioned branches as alternatives (the dearest), three levels deep', async () => {
    // items: 1; each of 10 items is a Book (id, pages, related + 3 related items: a Film (minutes,
    // related + 3 items: a Book with 30 chapters = 2790, dearer than a Film's cast 1890) = 2850)
    // = 2880, dearer than a Film (1980): 1 + 2880.
    expect(await cost(probe, NESTED)).toBe(2881);
    const served = await post<{ items: { related: { related: { chapters: unknown }[] }[] }[] }>(url, NESTED);
    expect([served.status, served.errors]).toEqual([200, undefined]);
    expect(served.data!.items).toHaveLength(4);
    expect(served.data!.items[0]).toMatchObject({ id: 'b1', pages: 108 });
    expect(served.data!.items[0]!.related[0]!.related[0]!.chapters).toEqual([
      { title: 'Germinal, I' },
      { title: 'Germinal, II' },
    ]);
  });

  it('merges a field selected several times, through repeated or overlapping fragments', async () => {
    const once = `{ items(first: 10) { related { id title } } }`;
    const repeated = `{ items(first: 10) { ...A ...A ...B related { id } } }
      fragment A on Item { related { title } }
      fragment B on Item { ... on Item { related { id title } } }`;
    // items 1 + 10 × (related 1 + 3 × (id + title)) = 1 + 10 + 60.
    expect(await cost(probe, once)).toBe(71);
    expect(await cost(probe, repeated)).toBe(71);
    // Aliases are distinct fields: two of them cost twice.
    expect(await cost(probe, `{ items(first: 10) { a: related { id title } b: related { id title } } }`)).toBe(141);
    const served = await post<{ items: { related: unknown }[] }>(url, repeated);
    expect([served.status, served.errors, served.data?.items[0]?.related]).toEqual([
      200,
      undefined,
      [
        { id: 'f1', title: 'Germinal (1993)' },
        { id: 'b2', title: 'La Bête humaine' },
      ],
    ]);
  });

  it('sizes lists by @listSize: assumedSize, slicing arguments, DEFAULT_LIST_SIZE otherwise', async () => {
    expect(await cost(probe, `{ shelf { id } }`)).toBe(1 + 5);
    expect(await cost(probe, `{ search(text: "Germinal", limit: 4) { id } }`)).toBe(1 + 4);
    expect(await cost(probe, `query($n: Int) { search(text: "Germinal", limit: $n) { id } }`, { n: 7 })).toBe(1 + 7);
    expect(await cost(probe, `{ search(text: "Germinal") { id } }`)).toBe(1 + 50);
    // Film.cast declares nothing: 20 per film.
    expect(await cost(probe, `{ items(first: 2) { ... on Film { cast { name } } } }`)).toBe(1 + 2 + 2 * 20);
  });

  it('still refuses an expensive query over the default limit', async () => {
    const heavy = `{ items(first: 200) { related { related { related { ... on Book { chapters { title } } } } } } }`;
    const response = await post(url, heavy);
    expect([response.status, response.errors?.[0]?.extensions?.code]).toEqual([400, 'COST_LIMIT_EXCEEDED']);
    expect(Number(response.errors?.[0]?.extensions?.cost)).toBeGreaterThan(50000);
  });
});

describe("the hub's own example operations", () => {
  it('every operation of queries/ is estimated under the default MAX_COST of 50000', async () => {
    // Subgraphs need not run: the estimate refuses before any is called.
    const hubProbe = await gatewayOver(
      (await import('node:fs')).readFileSync('schema/supergraph.graphql', 'utf8'),
      {},
      { MAX_COST: '1' },
    );
    const costs: Record<string, number> = {};
    for (const op of readOperations()) costs[op.name] = await cost(hubProbe, op.query, op.variables);
    expect(Object.keys(costs).length).toBeGreaterThanOrEqual(10);
    for (const [name, value] of Object.entries(costs)) expect([name, value < 50000]).toEqual([name, true]);
  });
});
