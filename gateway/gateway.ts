// The gateway: @apollo/gateway over the composed supergraph, in Apollo Server, behind our HTTP front.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { authConfig, secretMatches, verifyAuthorization } from '../subgraphs/runtime/auth.ts';
import { formatError } from '../subgraphs/runtime/errors.ts';
import { closeServer, createGraphqlHttpServer, sendJson } from '../subgraphs/runtime/http.ts';
import { envKey, SUPERGRAPH_FILE } from '../subgraphs/runtime/registry.ts';
import { createReadCache, responseCachePlugin, type ReadCache } from './cache.ts';
import { gatewayConfig, type GatewayConfig } from './config.ts';
import { GATEWAY_SECRET_HEADER, HubDataSource, type HubContext } from './datasource.ts';
import { graphiqlAssetRoutes, sendGraphiql, sendGraphiqlOff, wantsGraphiql } from './graphiql.ts';
import { mapRoutes } from './map.ts';
import { costLimitPlugin, listSizesFromSupergraph, validationRules } from './limits.ts';

export interface GatewayOptions {
  /** Supergraph SDL; default: the file at `supergraphFile`. */
  supergraphSdl?: string;
  /** Default: `SUPERGRAPH_PATH` or the committed schema/supergraph.graphql. */
  supergraphFile?: string;
  /** Subgraph URL overrides by name; `<NAME>_URL` in the environment also overrides. */
  subgraphUrls?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

export interface Gateway {
  apollo: ApolloServer<HubContext>;
  config: GatewayConfig;
  gateway: ApolloGateway;
  http: Server;
  /** The read cache (GATEWAY_CACHE); mode `off` when not configured. */
  cache: ReadCache;
  /** Subgraph name → routing URL in use. */
  subgraphs: Map<string, string>;
  stop(): Promise<void>;
}

/** Limits, error masking and introspection of the gateway's Apollo Server (the benchmark's monolith uses them too). */
export function serverOptions(config: GatewayConfig, supergraphSdl?: string) {
  return {
    introspection: config.introspection,
    // Without introspection, "Did you mean …?" in validation errors would still spell the schema out.
    hideSchemaDetailsFromClientErrors: !config.introspection,
    // main.ts stops the HTTP server first, then Apollo: Apollo's own handler would re-raise the signal
    // and kill the process before in-flight requests finish.
    stopOnTerminationSignals: false,
    validationRules: validationRules(config),
    parseOptions: { maxTokens: config.maxTokens },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      costLimitPlugin(config, supergraphSdl ? listSizesFromSupergraph(supergraphSdl) : undefined),
    ],
    includeStacktraceInErrorResponses: !config.production,
    formatError: formatError(config.production),
  };
}

/**
 * Unless APOLLO_TELEMETRY_DISABLED is `true` or `1`, @apollo/gateway probes the cloud metadata addresses
 * (AWS, GCP, Azure, Alibaba) when constructed and exports usage metrics to Apollo hourly and at shutdown.
 * Nothing leaves the machine by default: the hub turns that off unless the operator opts in with
 * APOLLO_TELEMETRY_DISABLED=false. It reads process.env itself, so that is where the default goes.
 */
export function disableVendorTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  process.env.APOLLO_TELEMETRY_DISABLED =
    env.APOLLO_TELEMETRY_DISABLED ?? process.env.APOLLO_TELEMETRY_DISABLED ?? 'true';
}

export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const env = options.env ?? process.env;
  disableVendorTelemetry(env);
  const config = gatewayConfig(env);
  const file = options.supergraphFile ?? env.SUPERGRAPH_PATH ?? SUPERGRAPH_FILE;
  const supergraphSdl = options.supergraphSdl ?? readFileSync(file, 'utf8');
  const subgraphs = new Map<string, string>();
  const sources: HubDataSource[] = [];
  const cache = createReadCache(config.cache, { secret: config.subgraphSecret, secretHeader: GATEWAY_SECRET_HEADER });

  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService({ name, url }) {
      const routed = options.subgraphUrls?.[name] ?? env[`${envKey(name)}_URL`] ?? url;
      if (!routed) throw new Error(`subgraph "${name}" has no routing URL: set ${envKey(name)}_URL`);
      subgraphs.set(name, routed);
      const source = new HubDataSource({
        name,
        url: routed,
        timeoutMs: config.subgraphTimeoutMs,
        secret: config.subgraphSecret,
        deduplicate: config.subgraphDeduplication,
        cache,
      });
      sources.push(source);
      return source;
    },
  });

  const server = serverOptions(config, supergraphSdl);
  const apollo = new ApolloServer<HubContext>({
    gateway,
    ...server,
    plugins: [...server.plugins, ...(config.cache.mode === 'off' ? [] : [responseCachePlugin<HubContext>(cache)])],
  });
  await apollo.start();
  cache.start(subgraphs);

  const http = createGraphqlHttpServer<HubContext>({
    apollo,
    maxBodyBytes: config.maxBodyBytes,
    requestTimeoutMs: config.requestTimeoutMs,
    corsOrigins: config.corsOrigins,
    context: async (req) => {
      // Tokens are verified here when the gateway has a key (a bad token is refused at once) and
      // required for every request with READS_REQUIRE_AUTH=true; subgraphs verify again for writes.
      const authorization = req.headers.authorization;
      if (authorization && (await authConfig(env)).key) await verifyAuthorization(authorization, env);
      if (config.readsRequireAuth && !(await verifyAuthorization(authorization, env))) {
        throw new GraphQLError(
          'this hub requires a token for every request (READS_REQUIRE_AUTH=true): send "Authorization: Bearer <token>"',
          {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          },
        );
      }
      return { authorization };
    },
    getGraphql: (req, res) => {
      if (!wantsGraphiql(req)) return false;
      if (config.introspection) sendGraphiql(res);
      else sendGraphiqlOff(res);
      return true;
    },
    routes: {
      ...(config.introspection ? graphiqlAssetRoutes() : {}),
      ...mapRoutes(),
      '/': (_req, res) => {
        res.writeHead(302, { location: '/graphql' });
        res.end();
      },
      // The pid tells GATEWAY_WORKERS' workers apart.
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', pid: process.pid }),
      '/ready': async (_req, res) => {
        const checks = await Promise.all(
          [...subgraphs].map(async ([name, url]) => ({ name, url, reachable: await reachable(url) })),
        );
        // Ready while it can serve part of the graph: a failing operator costs only its own fields, and
        // must not take every gateway replica out of the load balancer.
        const missing = checks.filter((c) => !c.reachable).map((c) => c.name);
        // Redis down costs speed, not answers: degraded, still in the load balancer.
        const caching = cache.health();
        const status =
          !gateway.schema || checks.length === 0 || missing.length === checks.length
            ? 'unavailable'
            : missing.length || caching.status !== 'ok'
              ? 'degraded'
              : 'ready';
        sendJson(res, status === 'unavailable' ? 503 : 200, { status, missing, subgraphs: checks, cache: caching });
      },
      '/metrics': async (req, res) => {
        // Metrics tell traffic: with HUB_SHARED_SECRET set they need it, as the subgraphs' do.
        const secret = config.subgraphSecret;
        if (secret && !secretMatches(req.headers[GATEWAY_SECRET_HEADER] as string | undefined, secret))
          return sendJson(res, 401, {
            errors: [
              {
                message: `/metrics needs the hub's shared secret: send it in the ${GATEWAY_SECRET_HEADER} header`,
                extensions: { code: 'UNAUTHENTICATED' },
              },
            ],
          });
        sendJson(res, 200, { gateway: true, cache: await cache.metrics(), memory: process.memoryUsage() });
      },
    },
  });

  return {
    apollo,
    config,
    gateway,
    http,
    cache,
    subgraphs,
    async stop() {
      await closeServer(http);
      await cache.stop();
      await apollo.stop();
      await Promise.all(sources.map((s) => s.close()));
    },
  };
}

/** A subgraph is reachable when its /ready answers 200 within a second (alive and its database loaded). */
async function reachable(graphqlUrl: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/ready', graphqlUrl), { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}
