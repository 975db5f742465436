// Monolith baseline of the benchmark: the five subgraphs' resolvers and databases and the gateway's
// query planner in ONE process, with no HTTP between them. It is @apollo/gateway over the same
// supergraph, with an in-process data source per subgraph that executes the fetch against that
// subgraph's buildSubgraphSchema schema (graphql-js `execute`, parsed documents cached) with a fresh
// per-operation subgraph context (fresh DataLoaders), exactly as the subgraph process would.
// What it saves versus the hub: HTTP + JSON between gateway and subgraphs, the subgraphs' Apollo
// Server request pipeline (validation, plugins), and process boundaries.
// Same gateway limits (validation rules, cost limit) as the hub.
import { readFileSync } from 'node:fs';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { gatewayConfig } from '../gateway/config.ts';
import type { HubContext } from '../gateway/datasource.ts';
import { disableVendorTelemetry, serverOptions } from '../gateway/gateway.ts';
import { verifyAuthorization } from '../subgraphs/runtime/auth.ts';
import { closeServer, createGraphqlHttpServer, listen, sendJson } from '../subgraphs/runtime/http.ts';
import { readSubgraphList, SUPERGRAPH_FILE } from '../subgraphs/runtime/registry.ts';
import { prepareDatabase, readSdl, type OperatorDB, type SubgraphModule } from '../subgraphs/runtime/subgraph.ts';
import type { Database } from '../subgraphs/runtime/database.ts';

interface Local {
  name: string;
  module: SubgraphModule;
  database: Database<OperatorDB>;
  schema: GraphQLSchema;
  requests: number;
}

const locals = new Map<string, Local>();
for (const entry of readSubgraphList()) {
  const module = (await import(`../subgraphs/${entry.name}/subgraph.ts`)).default as SubgraphModule;
  const database = await prepareDatabase(module);
  const schema = buildSubgraphSchema({
    typeDefs: parse(readSdl(entry.name)),
    resolvers: module.resolvers as GraphQLResolverMap<unknown>,
  });
  locals.set(entry.name, { name: entry.name, module, database, schema, requests: 0 });
}

const documents = new Map<string, DocumentNode>();
function documentOf(query: string): DocumentNode {
  let doc = documents.get(query);
  if (!doc) {
    doc = parse(query);
    if (documents.size > 1000) documents.clear();
    documents.set(query, doc);
  }
  return doc;
}

/** Per gateway operation, one context per subgraph (fresh DataLoaders), as one HTTP request would get. */
const contexts = new WeakMap<object, Map<string, unknown>>();

class InProcessDataSource implements GraphQLDataSource<HubContext> {
  constructor(private readonly local: Local) {}
  async process({ request, context }: GraphQLDataSourceProcessOptions<HubContext>) {
    const local = this.local;
    local.requests++;
    const key = (context ?? {}) as object;
    let perOperation = contexts.get(key);
    if (!perOperation) contexts.set(key, (perOperation = new Map()));
    let contextValue = perOperation.get(local.name);
    if (!contextValue) {
      let identity: Promise<unknown> | undefined;
      const authorization = (context as HubContext | undefined)?.authorization;
      contextValue = {
        ...local.module.context(local.database),
        identity: () => (identity ??= verifyAuthorization(authorization)),
      };
      perOperation.set(local.name, contextValue);
    }
    const result = await execute({
      schema: local.schema,
      document: documentOf(request.query!),
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue,
    });
    return {
      data: result.data as Record<string, unknown> | null | undefined,
      errors: result.errors?.map((e) => e.toJSON()),
    };
  }
}

const config = gatewayConfig(process.env);
disableVendorTelemetry();
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH ?? SUPERGRAPH_FILE, 'utf8'),
  buildService: ({ name }) => {
    const local = locals.get(name);
    if (!local) throw new Error(`monolith: no subgraph module for "${name}"`);
    return new InProcessDataSource(local);
  },
});
// The same limits and error handling as the hub's gateway.
const apollo = new ApolloServer<HubContext>({ gateway, ...serverOptions(config) });
await apollo.start();

const http = createGraphqlHttpServer<HubContext>({
  apollo,
  maxBodyBytes: config.maxBodyBytes,
  requestTimeoutMs: config.requestTimeoutMs,
  context: async (req) => ({ authorization: req.headers.authorization }),
  routes: {
    '/health': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/metrics': (_req, res) =>
      sendJson(res, 200, {
        subgraphs: Object.fromEntries(
          [...locals.values()].map((l) => [
            l.name,
            { requests: l.requests, sqlStatements: l.database.stats.statements },
          ]),
        ),
        memory: process.memoryUsage(),
      }),
  },
});
const port = await listen(http, Number(process.env.PORT ?? 4300));
console.log(`monolith ready at http://127.0.0.1:${port}/graphql`);

const stop = async () => {
  await closeServer(http);
  await apollo.stop();
  for (const l of locals.values()) await l.database.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
