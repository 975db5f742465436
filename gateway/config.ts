// Gateway settings, all from the environment with safe defaults (documented in the README).
import { cacheConfig, type CacheConfig } from './cache.ts';

export interface GatewayConfig {
  production: boolean;
  /** Introspection, GraphiQL and "Did you mean…" suggestions: on by default, off in production unless INTROSPECTION=true. */
  introspection: boolean;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  maxPageSize: number;
  /** Assumed size of lists that have no `first` argument, for the cost estimate. */
  defaultListSize: number;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  subgraphTimeoutMs: number;
  /** Identical subgraph queries in flight at the same time share one request (SUBGRAPH_DEDUPLICATION=false turns it off). */
  subgraphDeduplication: boolean;
  /** Shared secret sent to subgraphs so they can refuse traffic that bypasses the gateway. */
  subgraphSecret?: string;
  corsOrigins: string[];
  /** Close reads to anonymous callers (writes always need a token). */
  readsRequireAuth: boolean;
  /** The read cache (GATEWAY_CACHE and its settings, gateway/cache.ts). */
  cache: CacheConfig;
  /** Gateway processes sharing the port (node:cluster) when started by gateway/main.ts; 1 = one process. */
  workers: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const production = env.NODE_ENV === 'production';
  return {
    production,
    // As Apollo Server does: a production graph does not describe itself to strangers unless asked to.
    introspection: env.INTROSPECTION === 'true' || (!production && env.INTROSPECTION !== 'false'),
    maxDepth: int(env, 'MAX_DEPTH', 12),
    maxAliases: int(env, 'MAX_ALIASES', 30),
    maxDirectives: int(env, 'MAX_DIRECTIVES', 50),
    maxTokens: int(env, 'MAX_TOKENS', 5000),
    maxCost: int(env, 'MAX_COST', 50000),
    maxPageSize: int(env, 'MAX_PAGE_SIZE', 200),
    defaultListSize: int(env, 'DEFAULT_LIST_SIZE', 20),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 100_000),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 15_000),
    subgraphTimeoutMs: int(env, 'SUBGRAPH_TIMEOUT_MS', 5_000),
    subgraphDeduplication: env.SUBGRAPH_DEDUPLICATION !== 'false',
    subgraphSecret: env.HUB_SHARED_SECRET || undefined,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    readsRequireAuth: env.READS_REQUIRE_AUTH === 'true',
    cache: cacheConfig(env),
    workers: int(env, 'GATEWAY_WORKERS', 1),
  };
}
