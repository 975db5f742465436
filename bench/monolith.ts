// The benchmark's limit: the subgraph modules' own resolvers, databases and per-request contexts (fresh
// DataLoaders) in ONE merged executable schema, executed by graphql-js in one process: no query planner,
// no HTTP, no JSON between the parts. What federation costs is the hub's latency over this one's.
//
// The six subgraph SDLs are merged by @graphql-tools/schema (mergeTypeDefs) once their federation
// directives are stripped: an entity such as `Territory @key(fields: "id")`, extended by each operator,
// becomes one type whose fields come from the modules that declare them. Each field runs the resolver
// of the module that owns it, with that module's own context, on an object that module produced: when
// the parent object comes from another module (a Territory of the territories module, asked for its
// `financing`), it is first turned into the owner's object by the owner's `__resolveReference`, as the
// owner's subgraph would do for an `_entities` fetch (once per entity and module per operation).
// Shareable value types resolved by several modules (PanierSummary…) keep the module that made them.
// Same Apollo Server front, limits, token check and error masking as the gateway.
//
// `tsx bench/monolith.ts` (PORT, default 4300) opens each subgraph's database as its subgraph would
// (DATA_DIR, SCALE, DATABASE_URL); /metrics gives the SQL statements per module.
import type { IncomingMessage, Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  defaultFieldResolver,
  getNamedType,
  isCompositeType,
  isObjectType,
  Kind,
  parse,
  visit,
  GraphQLError,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
} from 'graphql';
import { gatewayConfig } from '../gateway/config.ts';
import { serverOptions } from '../gateway/gateway.ts';
import { authConfig, verifyAuthorization, type Identity } from '../subgraphs/runtime/auth.ts';
import type { Database } from '../subgraphs/runtime/database.ts';
import { closeServer, createGraphqlHttpServer, listen, sendJson } from '../subgraphs/runtime/http.ts';
import { readSubgraphList, SUPERGRAPH_FILE } from '../subgraphs/runtime/registry.ts';
import {
  prepareDatabase,
  readSdl,
  type OperatorDB,
  type SubgraphContext,
  type SubgraphModule,
} from '../subgraphs/runtime/subgraph.ts';

export interface MonolithPart {
  module: SubgraphModule;
  database: Database<OperatorDB>;
  /** Default: the module's schema/<name>.graphql. */
  sdl?: string;
}

interface MonolithContext {
  authorization?: string;
  identity: () => Promise<Identity | undefined>;
  /** Each module's own per-request context, made on first use. */
  parts: Map<string, SubgraphContext>;
  /** `module:type:key` → the owner's object for an entity met in another module (its `__resolveReference`). */
  references: Map<string, unknown>;
}

export interface Monolith {
  apollo: ApolloServer<MonolithContext>;
  handle: Server;
  /** SQL statements run by each module's database so far. */
  statements(): Record<string, number>;
  stop(): Promise<void>;
}

type Resolver = GraphQLFieldResolver<unknown, SubgraphContext, Record<string, unknown>>;
type ResolverMap = Record<string, Record<string, unknown>>;
// Every directive of the federation spec (v2.9), whether a subgraph imports it today or not: none means anything here.
const FEDERATION_DIRECTIVES = new Set([
  'key',
  'shareable',
  'link',
  'external',
  'requires',
  'provides',
  'inaccessible',
  'tag',
  'override',
  'interfaceObject',
  'composeDirective',
  'authenticated',
  'requiresScopes',
  'policy',
  'context',
  'fromContext',
  'cost',
  'listSize',
]);

/** The module's SDL without its federation vocabulary, and what it says about entities. */
function readPart(name: string, sdl: string) {
  const document = parse(sdl);
  /** Entity type → its key fields, when this module can resolve a reference to it. */
  const keys = new Map<string, string[]>();
  const fields = new Map<string, Set<string>>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const type = definition.name.value;
    const own = fields.get(type) ?? new Set<string>();
    for (const field of definition.fields ?? []) own.add(field.name.value);
    fields.set(type, own);
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'key') continue;
      const argument = (name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
      const resolvable = argument('resolvable');
      if (resolvable?.kind === Kind.BOOLEAN && !resolvable.value) continue;
      const set = argument('fields');
      if (set?.kind !== Kind.STRING || /[{}]/.test(set.value))
        throw new Error(`monolith: ${name}: only flat @key field sets are supported (${type})`);
      keys.set(type, set.value.trim().split(/\s+/));
    }
  }
  const stripped = visit(document, {
    SchemaExtension: () => null,
    SchemaDefinition: () => null,
    Directive: (node) => (FEDERATION_DIRECTIVES.has(node.name.value) ? null : undefined),
  }) as DocumentNode;
  return { document: stripped, keys, fields };
}

/** Which module made each object the resolvers returned (objects only; a module's object stays its own). */
const origins = new WeakMap<object, string>();
function mark(value: unknown, part: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Promise) return value.then((v) => mark(v, part));
  if (Array.isArray(value)) {
    for (const item of value) mark(item, part);
    return value;
  }
  if (!origins.has(value)) origins.set(value, part);
  return value;
}

export async function createMonolith(
  parts: MonolithPart[],
  options: { env?: NodeJS.ProcessEnv; supergraphSdl?: string } = {},
): Promise<Monolith> {
  const env = options.env ?? process.env;
  const config = gatewayConfig(env);
  const read = parts.map((p) => ({ ...p, ...readPart(p.module.name, p.sdl ?? readSdl(p.module.name)) }));
  const byName = new Map(read.map((p) => [p.module.name, p]));

  // The schema alone first, to know each field's type; then the same type definitions with the resolvers.
  const typeDefs = read.map((p) => p.document);
  const bare = makeExecutableSchema({ typeDefs });
  const root = new Set(
    [bare.getQueryType(), bare.getMutationType(), bare.getSubscriptionType()].filter(Boolean).map((t) => t!.name),
  );

  const contextOf = (ctx: MonolithContext, name: string): SubgraphContext => {
    let own = ctx.parts.get(name);
    if (!own) {
      const part = byName.get(name)!;
      own = { ...part.module.context(part.database), identity: ctx.identity };
      ctx.parts.set(name, own);
    }
    return own;
  };

  /** The owner's object for an entity met in another module, as its subgraph's `_entities` would give it. */
  const reference = (
    owner: string,
    type: string,
    parent: Record<string, unknown>,
    ctx: MonolithContext,
    info: GraphQLResolveInfo,
  ): unknown => {
    const part = byName.get(owner)!;
    const keyFields = part.keys.get(type);
    if (!keyFields) throw new Error(`monolith: ${owner} cannot resolve a reference to ${type}`);
    const representation: Record<string, unknown> = { __typename: type };
    for (const k of keyFields) representation[k] = parent[k];
    const cacheKey = `${owner}:${type}:${keyFields.map((k) => String(parent[k])).join(':')}`;
    if (ctx.references.has(cacheKey)) return ctx.references.get(cacheKey);
    // Apollo's signature: (representation, context, info).
    const resolve = (part.module.resolvers as ResolverMap)[type]?.__resolveReference as
      ((reference: object, context: SubgraphContext, info: GraphQLResolveInfo) => unknown) | undefined;
    const resolved = mark(resolve ? resolve(representation, contextOf(ctx, owner), info) : representation, owner);
    ctx.references.set(cacheKey, resolved);
    return resolved;
  };

  const resolvers: Record<string, Record<string, unknown>> = {};
  // Enum internal values (Phase ↔ '2023-2027'…): every module maps them the same way, checked here.
  for (const p of read)
    for (const [type, map] of Object.entries(p.module.resolvers as ResolverMap)) {
      if (!isObjectType(bare.getType(type)) && bare.getType(type)) {
        const existing = resolvers[type];
        if (existing && JSON.stringify(existing) !== JSON.stringify(map))
          throw new Error(`monolith: modules map enum ${type} differently`);
        resolvers[type] = map;
      }
    }

  for (const type of Object.values(bare.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isRoot = root.has(type.name);
    const entity = read.some((p) => p.keys.has(type.name));
    const fieldResolvers: Record<string, Resolver> = {};
    for (const field of Object.values(type.getFields())) {
      const owners = read.filter((p) => p.fields.get(type.name)?.has(field.name)).map((p) => p.module.name);
      if (owners.length === 0) throw new Error(`monolith: no module declares ${type.name}.${field.name}`);
      const composite = isCompositeType(getNamedType(field.type));
      const own = (name: string) =>
        ((byName.get(name)!.module.resolvers as ResolverMap)[type.name]?.[field.name] as Resolver | undefined) ??
        defaultFieldResolver;
      const run = (
        name: string,
        parent: unknown,
        args: Record<string, unknown>,
        ctx: MonolithContext,
        info: GraphQLResolveInfo,
      ) => {
        const value = own(name)(parent, args, contextOf(ctx, name), info);
        return composite ? mark(value, name) : value;
      };
      // A value type, or a field every module could answer: no reference to resolve.
      if (isRoot || (owners.length === 1 && !entity)) {
        const only = owners[0]!;
        fieldResolvers[field.name] = ((parent, args, ctx, info) => {
          const origin = parent !== null && typeof parent === 'object' ? origins.get(parent) : undefined;
          return run(
            origin && owners.includes(origin) ? origin : only,
            parent,
            args,
            ctx as unknown as MonolithContext,
            info,
          );
        }) as Resolver;
        continue;
      }
      fieldResolvers[field.name] = ((parent, args, context, info) => {
        const ctx = context as unknown as MonolithContext;
        const origin = origins.get(parent as object);
        if (origin && owners.includes(origin)) return run(origin, parent, args, ctx, info);
        if (!entity) return run(owners[0]!, parent, args, ctx, info);
        // An entity made by another module: the owner's object first (null when the owner does not know it).
        const owner = owners[0]!;
        const resolved = reference(owner, type.name, parent as Record<string, unknown>, ctx, info);
        const next = (object: unknown) => (object == null ? null : run(owner, object, args, ctx, info));
        return resolved instanceof Promise ? resolved.then(next) : next(resolved);
      }) as Resolver;
    }
    resolvers[type.name] = fieldResolvers;
  }

  const schema = makeExecutableSchema({ typeDefs, resolvers });
  const supergraphSdl = options.supergraphSdl ?? readFileSync(env.SUPERGRAPH_PATH ?? SUPERGRAPH_FILE, 'utf8');
  // No per-field cache hints (Apollo installs its cache-control plugin by default): the subgraphs give one per answer
  // (runtime/subgraph.ts cacheHeaders), and nothing caches the monolith's answers.
  const server = serverOptions(config, supergraphSdl);
  const apollo = new ApolloServer<MonolithContext>({
    schema,
    ...server,
    plugins: [...server.plugins, ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();

  const context = async (req: IncomingMessage): Promise<MonolithContext> => {
    const authorization = req.headers.authorization;
    // As the gateway: a bad token is refused at once; READS_REQUIRE_AUTH closes anonymous reads.
    if (authorization && (await authConfig(env)).key) await verifyAuthorization(authorization, env);
    if (config.readsRequireAuth && !(await verifyAuthorization(authorization, env)))
      throw new GraphQLError('this hub requires a token for every request (READS_REQUIRE_AUTH=true)', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    let identity: Promise<Identity | undefined> | undefined;
    return {
      authorization,
      identity: () => (identity ??= verifyAuthorization(authorization, env)),
      parts: new Map(),
      references: new Map(),
    };
  };
  const statements = () => Object.fromEntries(parts.map((p) => [p.module.name, p.database.stats.statements]));
  const handle = createGraphqlHttpServer<MonolithContext>({
    apollo,
    maxBodyBytes: config.maxBodyBytes,
    requestTimeoutMs: config.requestTimeoutMs,
    context,
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', pid: process.pid }),
      // No subgraph fetches here: the modules are called in-process.
      '/metrics': (_req, res) =>
        sendJson(res, 200, {
          subgraphs: Object.fromEntries(
            Object.entries(statements()).map(([name, sql]) => [name, { requests: 0, sqlStatements: sql }]),
          ),
          memory: process.memoryUsage(),
        }),
    },
  });
  return {
    apollo,
    handle,
    statements,
    async stop() {
      await closeServer(handle);
      await apollo.stop();
    },
  };
}

// ---------- process entry point ----------
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const parts: MonolithPart[] = [];
  for (const entry of readSubgraphList()) {
    const module = (await import(`../subgraphs/${entry.name}/subgraph.ts`)).default as SubgraphModule;
    parts.push({ module, database: await prepareDatabase(module) });
  }
  const monolith = await createMonolith(parts);
  const port = await listen(monolith.handle, Number(process.env.PORT ?? 4300));
  console.log(`monolith ready at http://127.0.0.1:${port}/graphql (pid ${process.pid})`);
  const stop = async () => {
    await monolith.stop();
    for (const p of parts) await p.database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
