// The gateway's read cache (GATEWAY_CACHE=off|lru|redis): answers of subgraph query fetches, keyed by subgraph,
// that subgraph's generation, the caller and the fetch's body. A write or an import of a subgraph bumps its
// generation, which makes every entry of the old one unreachable (bench/OPTIMISATIONS.md and the README's Caching
// section say why per subgraph fetch, and what "never stale" guarantees).
// - A mutation through this gateway bumps the generation before its answer leaves (datasource.ts), in Redis too.
// - Every subgraph's outbox (subgraphs/runtime/outbox.ts: what writes, imports and loads touched, in their own
//   transaction) is polled every GATEWAY_CACHE_POLL_MS; a new change bumps the generation. That covers CLI imports
//   and, without Redis, writes through other gateway processes. The position read is kept beside the entries
//   (in Redis it is shared by every gateway), so a gateway catches up from where the cache was, not from "now".
// - A subgraph's entries are served only while its outbox was read less than 2 × GATEWAY_CACHE_POLL_MS ago (and,
//   with Redis, since Redis was last reachable): when a poll or Redis fails, answers go uncached instead of stale.
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import responseCache from '@apollo/server-plugin-response-cache';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

export type CacheMode = 'off' | 'lru' | 'redis';

export interface CacheConfig {
  mode: CacheMode;
  /** LRU: at most this many entries (GATEWAY_CACHE_MAX_ENTRIES). */
  maxEntries: number;
  /** LRU: at most this many bytes of answers (GATEWAY_CACHE_MAX_BYTES). */
  maxBytes: number;
  /** Answers larger than this are not kept (GATEWAY_CACHE_MAX_ENTRY_BYTES), in both backends. */
  maxEntryBytes: number;
  /** Upper bound of an entry's life, below the subgraphs' own hints (GATEWAY_CACHE_MAX_AGE_SECONDS). */
  maxAgeSeconds: number;
  /** How often each subgraph's outbox is read (GATEWAY_CACHE_POLL_MS). */
  pollMs: number;
  redisUrl?: string;
  /** Prefix of every Redis key (GATEWAY_CACHE_PREFIX): gateways sharing a cache share it. */
  prefix: string;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function cacheConfig(env: NodeJS.ProcessEnv = process.env): CacheConfig {
  const mode = (env.GATEWAY_CACHE || 'off') as CacheMode;
  if (!['off', 'lru', 'redis'].includes(mode))
    throw new Error(`GATEWAY_CACHE must be off, lru or redis, got "${env.GATEWAY_CACHE}"`);
  // One process's memory cannot be invalidated by a write through another: workers must share Redis.
  if (mode === 'lru' && Number(env.GATEWAY_WORKERS ?? 1) > 1)
    throw new Error(
      `GATEWAY_CACHE=lru is one process's memory: with GATEWAY_WORKERS=${env.GATEWAY_WORKERS} use GATEWAY_CACHE=redis and REDIS_URL`,
    );
  if (mode === 'redis' && !env.REDIS_URL)
    throw new Error('GATEWAY_CACHE=redis needs REDIS_URL (e.g. redis://127.0.0.1:6379)');
  return {
    mode,
    maxEntries: positive(env, 'GATEWAY_CACHE_MAX_ENTRIES', 10_000),
    maxBytes: positive(env, 'GATEWAY_CACHE_MAX_BYTES', 64 * 1024 * 1024),
    maxEntryBytes: positive(env, 'GATEWAY_CACHE_MAX_ENTRY_BYTES', 1024 * 1024),
    maxAgeSeconds: positive(env, 'GATEWAY_CACHE_MAX_AGE_SECONDS', 300),
    pollMs: positive(env, 'GATEWAY_CACHE_POLL_MS', 1000),
    redisUrl: env.REDIS_URL || undefined,
    prefix: env.GATEWAY_CACHE_PREFIX || 'hub:cache:',
  };
}

/** A subgraph's answer as kept: what the fetcher needs to rebuild the response. */
export interface CachedAnswer {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
  /** Epoch ms after which the entry is dead (the Cache-Control of a hit says what is left). */
  expiresAt: number;
}

export interface Lookup {
  /** The generation the answer must be stored under: the one seen before the fetch (a write after it bumps it). */
  generation: string;
  /** False when the cache cannot vouch for this subgraph now (not synced with its outbox, Redis down). */
  usable: boolean;
  hit?: CachedAnswer;
}

/** A string store with a life per entry: the shape of Apollo's KeyValueCache, which the response-cache plugin takes. */
export interface ResponseStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
}

interface Counters {
  /** Whole responses served from the cache, and lookups that found none. */
  responses: { hits: number; misses: number };
  hits: number;
  misses: number;
  /** Lookups answered uncached because the cache could not vouch for the subgraph (outbox not read, Redis down). */
  bypassed: number;
  stores: number;
  /** Generation bumps: by a write through this gateway, by a change read in an outbox. */
  invalidations: { write: number; outbox: number };
  redisErrors: number;
}

/** The part of the caller that a subgraph's answer may depend on: its token (hashed), or anonymous. */
export function callerKey(authorization: string | null): { key: string; expiresAt?: number } {
  if (!authorization) return { key: 'anonymous' };
  // The gateway verified this token before any fetch (gateway.ts); its expiry bounds the entry's life anyway.
  let expiresAt: number | undefined;
  try {
    const payload = JSON.parse(Buffer.from(authorization.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    if (typeof payload.exp === 'number') expiresAt = payload.exp * 1000;
  } catch {
    /* not a JWT: keyed all the same */
  }
  return { key: sha256(authorization), expiresAt };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** The life a subgraph's answer may have: its Cache-Control max-age, capped; 0 when it must not be kept. */
export function allowedTtlMs(
  answer: { status: number; headers: [string, string][]; body: string },
  caller: { key: string; expiresAt?: number },
  config: CacheConfig,
  now = Date.now(),
): number {
  if (answer.status !== 200 || answer.body.length > config.maxEntryBytes) return 0;
  // Answers with errors (a refused token, a subgraph failure) are never kept; a false positive only costs a miss.
  if (answer.body.includes('"errors"')) return 0;
  const control = answer.headers.find(([name]) => name.toLowerCase() === 'cache-control')?.[1] ?? '';
  const maxAge = Number(/(?:^|[\s,])max-age=(\d+)/.exec(control)?.[1] ?? 0);
  if (!maxAge || /no-store|no-cache/.test(control)) return 0;
  // A private answer is one caller's own: kept only under that caller's token.
  if (/private/.test(control) && caller.key === 'anonymous') return 0;
  const ttl = Math.min(maxAge, config.maxAgeSeconds) * 1000;
  return Math.max(0, Math.min(ttl, (caller.expiresAt ?? Infinity) - now));
}

/** The answer of a hit, its Cache-Control max-age lowered to the entry's remaining life. */
export function hitAnswer(answer: CachedAnswer, now = Date.now()): Omit<CachedAnswer, 'expiresAt'> {
  const left = Math.max(0, Math.floor((answer.expiresAt - now) / 1000));
  const headers = answer.headers.map(([name, value]): [string, string] =>
    name.toLowerCase() === 'cache-control' ? [name, value.replace(/max-age=\d+/, `max-age=${left}`)] : [name, value],
  );
  return { status: answer.status, statusText: answer.statusText, headers, body: answer.body };
}

// Redis scripts: one round trip each, atomic. Entry keys are built inside (one Redis, not a cluster).
// A missing generation (first use, or a key lost) starts from the server's clock in microseconds, never from 0:
// entries made under an earlier generation can then never be reached again.
const GENERATION = `local function generation(key, bump)
  local g = redis.call('GET', key)
  if not g then
    local t = redis.call('TIME')
    g = t[1] .. string.format('%06d', tonumber(t[2]))
    redis.call('SET', key, g)
    return g
  end
  if bump then return tostring(redis.call('INCR', key)) end
  return g
end
`;
/** KEYS[1] generation key; ARGV[1] entry key prefix, ARGV[2] entry hash → {generation, entry or false}. */
const LOOKUP = `${GENERATION}local g = generation(KEYS[1], false)
return {g, redis.call('GET', ARGV[1] .. g .. ':' .. ARGV[2])}`;
/** KEYS: every subgraph's generation key → their generations. */
const GENERATIONS = `${GENERATION}local out = {}
for i, key in ipairs(KEYS) do out[i] = generation(key, false) end
return out`;
/** KEYS[1] generation key → the new generation. */
const BUMP = `${GENERATION}return generation(KEYS[1], true)`;
/** KEYS[1] outbox position, KEYS[2] generation; ARGV[1] position read before the poll, ARGV[2] new position. */
const ADVANCE = `${GENERATION}local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
generation(KEYS[2], true)
return 1`;

export interface ReadCache {
  readonly config: CacheConfig;
  /** Generation to use and, when usable, the entry. Never throws: a failing backend means `usable: false`. */
  lookup(subgraph: string, key: string): Promise<Lookup>;
  store(subgraph: string, generation: string, key: string, answer: CachedAnswer): Promise<void>;
  /** After a mutation fetch: the subgraph's entries are unreachable once this resolves (or the cache is unusable). */
  invalidateAfterWrite(subgraph: string): Promise<void>;
  /** Starts polling the subgraphs' outboxes (name → GraphQL routing URL). */
  start(subgraphs: Map<string, string>): void;
  /**
   * The whole-response layer (response.ts): the generations of every subgraph together, or null when the cache cannot
   * vouch for one of them (a response may draw on any subgraph; a write to any of them makes old responses unreachable).
   */
  responseGeneration(): Promise<string | null>;
  /** Where whole responses are kept (the same backend and bounds), for @apollo/server-plugin-response-cache. */
  readonly responses: ResponseStore;
  /** `ok`, or why answers go uncached (for /ready). */
  health(): { mode: CacheMode; status: 'ok' | 'degraded'; reason?: string };
  metrics(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export function createReadCache(config: CacheConfig, options: { secret?: string; secretHeader: string }): ReadCache {
  const counters: Counters = {
    responses: { hits: 0, misses: 0 },
    hits: 0,
    misses: 0,
    bypassed: 0,
    stores: 0,
    invalidations: { write: 0, outbox: 0 },
    redisErrors: 0,
  };
  /** Local generations: the LRU's, and, in every mode, part of the in-flight deduplication key (datasource.ts). */
  const localGenerations = new Map<string, number>();
  /** Subgraph → epoch ms until which its outbox counts as read (0: not synced). */
  const syncedUntil = new Map<string, number>();
  /** LRU mode: the outbox position read last per subgraph. */
  const localPositions = new Map<string, string>();
  const outboxStatus = new Map<string, { position?: string; error?: string }>();
  const bump = (subgraph: string) => localGenerations.set(subgraph, (localGenerations.get(subgraph) ?? 0) + 1);
  const localGeneration = (subgraph: string) => String(localGenerations.get(subgraph) ?? 0);

  const lru =
    config.mode === 'lru'
      ? new LRUCache<string, CachedAnswer>({
          max: config.maxEntries,
          maxSize: config.maxBytes,
          sizeCalculation: (a) => a.body.length + 200,
          maxEntrySize: config.maxEntryBytes + 200,
        })
      : undefined;
  /** Whole responses (LRU mode), bounded like the subgraph answers; dropped whole on any change, any subgraph. */
  const responseLru =
    config.mode === 'lru'
      ? new LRUCache<string, string>({
          max: config.maxEntries,
          maxSize: config.maxBytes,
          sizeCalculation: (body) => body.length + 200,
          maxEntrySize: config.maxEntryBytes + 200,
        })
      : undefined;
  /** LRU: the old generations' entries are unreachable already; free their room now. */
  const purge = (subgraph: string) => {
    responseLru?.clear();
    if (!lru) return;
    const prefix = `${subgraph}\n`;
    for (const key of [...lru.keys()].filter((k) => k.startsWith(prefix))) lru.delete(key);
  };

  let redis: Redis | undefined;
  let redisUp = false;
  let redisReason = 'not connected yet';
  /** Counts Redis failures: a poll that began before one must not vouch for the cache after it. */
  let redisEpoch = 0;
  const redisDown = (reason: string) => {
    redisUp = false;
    redisEpoch++;
    redisReason = reason;
    // Whatever was written meanwhile reaches the cache through the outbox: read it again before serving.
    syncedUntil.clear();
  };
  if (config.mode === 'redis') {
    redis = new Redis(config.redisUrl!, {
      // Fail at once while disconnected (answers go uncached) rather than queue behind a dead server.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1000,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    redis.on('ready', () => {
      redisUp = true;
      redisReason = '';
    });
    redis.on('error', (error: Error) => {
      counters.redisErrors++;
      redisDown(`Redis unreachable (${error.message})`);
    });
    redis.on('close', () => redisDown('Redis connection closed'));
  }
  const keyOf = (subgraph: string) => ({
    generation: `${config.prefix}gen:${subgraph}`,
    position: `${config.prefix}outbox:${subgraph}`,
    entries: `${config.prefix}entry:${subgraph}:`,
  });

  const usable = (subgraph: string) => (syncedUntil.get(subgraph) ?? 0) > Date.now() && (!redis || redisUp);

  async function lookup(subgraph: string, key: string): Promise<Lookup> {
    const local = localGeneration(subgraph);
    if (config.mode === 'off') return { generation: local, usable: false };
    if (!usable(subgraph)) {
      counters.bypassed++;
      return { generation: local, usable: false };
    }
    const hash = sha256(key);
    if (lru) {
      const hit = lru.get(`${subgraph}\n${local}\n${hash}`);
      if (hit && hit.expiresAt > Date.now()) {
        counters.hits++;
        return { generation: local, usable: true, hit };
      }
      counters.misses++;
      return { generation: local, usable: true };
    }
    try {
      const keys = keyOf(subgraph);
      const [generation, value] = (await redis!.eval(LOOKUP, 1, keys.generation, keys.entries, hash)) as [
        string,
        string | null,
      ];
      const hit = value ? (JSON.parse(value) as CachedAnswer) : undefined;
      if (hit && hit.expiresAt > Date.now()) {
        counters.hits++;
        return { generation: `${local}/${generation}`, usable: true, hit };
      }
      counters.misses++;
      return { generation: `${local}/${generation}`, usable: true };
    } catch (error) {
      counters.redisErrors++;
      counters.bypassed++;
      redisDown(`Redis command failed (${(error as Error).message})`);
      return { generation: local, usable: false };
    }
  }

  let subgraphNames: string[] = [];
  async function responseGeneration(): Promise<string | null> {
    if (config.mode === 'off' || subgraphNames.length === 0) return null;
    if (!subgraphNames.every(usable)) {
      counters.bypassed++;
      return null;
    }
    const local = subgraphNames.map(localGeneration).join(',');
    if (!redis) return local;
    try {
      const generations = (await redis.eval(
        GENERATIONS,
        subgraphNames.length,
        ...subgraphNames.map((name) => keyOf(name).generation),
      )) as string[];
      return `${local}/${generations.join(',')}`;
    } catch (error) {
      counters.redisErrors++;
      counters.bypassed++;
      redisDown(`Redis command failed (${(error as Error).message})`);
      return null;
    }
  }

  const responseKey = (key: string) => `${config.prefix}response:${key}`;
  const responses: ResponseStore = {
    async get(key) {
      let value: string | undefined;
      try {
        value = responseLru ? responseLru.get(key) : ((await redis?.get(responseKey(key))) ?? undefined);
      } catch (error) {
        counters.redisErrors++;
        redisDown(`Redis command failed (${(error as Error).message})`);
      }
      if (value === undefined) counters.responses.misses++;
      else counters.responses.hits++;
      return value;
    },
    async set(key, value, options) {
      // The response's own cache policy (the subgraphs' hints, combined), capped like every entry.
      const ttlMs = Math.min(options?.ttl ?? 0, config.maxAgeSeconds) * 1000;
      if (ttlMs <= 0 || value.length > config.maxEntryBytes) return;
      if (responseLru) responseLru.set(key, value, { ttl: ttlMs });
      else
        await redis?.set(responseKey(key), value, 'PX', ttlMs).catch((error: Error) => {
          counters.redisErrors++;
          redisDown(`Redis command failed (${error.message})`);
        });
      counters.stores++;
    },
    async delete(key) {
      if (responseLru) return responseLru.delete(key);
      await redis?.del(responseKey(key)).catch(() => undefined);
    },
  };

  async function store(subgraph: string, generation: string, key: string, answer: CachedAnswer): Promise<void> {
    const ttl = answer.expiresAt - Date.now();
    if (config.mode === 'off' || ttl <= 0) return;
    const hash = sha256(key);
    if (lru) {
      lru.set(`${subgraph}\n${generation}\n${hash}`, answer, { ttl });
      counters.stores++;
      return;
    }
    try {
      const redisGeneration = generation.split('/')[1]!;
      await redis!.set(`${keyOf(subgraph).entries}${redisGeneration}:${hash}`, JSON.stringify(answer), 'PX', ttl);
      counters.stores++;
    } catch (error) {
      // Not kept: harmless, the next reader fetches again.
      counters.redisErrors++;
      redisDown(`Redis command failed (${(error as Error).message})`);
    }
  }

  async function invalidateAfterWrite(subgraph: string): Promise<void> {
    bump(subgraph);
    counters.invalidations.write++;
    purge(subgraph);
    if (!redis) return;
    try {
      await redis.eval(BUMP, 1, keyOf(subgraph).generation);
    } catch (error) {
      // The other gateways will see it in the outbox; this one serves uncached until it has read it there.
      counters.redisErrors++;
      redisDown(`Redis command failed (${(error as Error).message})`);
    }
  }

  /** Reads one subgraph's outbox from the position the cache was at; bumps the generation on any change. */
  async function poll(subgraph: string, graphqlUrl: string, startedAt: number): Promise<void> {
    const keys = keyOf(subgraph);
    const epoch = redisEpoch;
    const before = redis ? ((await redis.get(keys.position)) ?? '') : (localPositions.get(subgraph) ?? '');
    const url = new URL('/outbox', graphqlUrl);
    url.searchParams.set('since', before || '0');
    const response = await fetch(url, {
      headers: options.secret ? { [options.secretHeader]: options.secret } : {},
      signal: AbortSignal.timeout(config.pollMs),
    });
    if (!response.ok) throw new Error(`/outbox answered HTTP ${response.status}`);
    const { last } = (await response.json()) as { last: number };
    const after = String(last);
    // A first read (no position yet) or any difference, including a smaller number (the database was recreated).
    if (after !== before) {
      if (redis) {
        if (await redis.eval(ADVANCE, 2, keys.position, keys.generation, before, after))
          counters.invalidations.outbox++;
        // Else another gateway moved the position (and bumped the generation) in between.
      } else {
        localPositions.set(subgraph, after);
        bump(subgraph);
        counters.invalidations.outbox++;
        purge(subgraph);
      }
    }
    outboxStatus.set(subgraph, { position: after });
    if (!redis || (redisUp && epoch === redisEpoch)) syncedUntil.set(subgraph, startedAt + 2 * config.pollMs);
  }

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let polling: Promise<void> | undefined;
  let pollAll: (() => Promise<void>) | undefined;
  /** Reads every outbox now (unless a round is running), then every pollMs. */
  const round = () => {
    if (stopped || !pollAll || polling) return;
    clearTimeout(timer);
    const startedAt = Date.now();
    polling = pollAll().finally(() => {
      polling = undefined;
      if (!stopped) timer = setTimeout(round, Math.max(0, config.pollMs - (Date.now() - startedAt)));
    });
  };
  // Back from an outage: catch up at once rather than at the next tick (until then answers go uncached).
  redis?.on('ready', round);
  function start(subgraphs: Map<string, string>): void {
    subgraphNames = [...subgraphs.keys()].sort();
    if (config.mode === 'off') return;
    pollAll = async () => {
      const startedAt = Date.now();
      await Promise.all(
        [...subgraphs].map(([name, url]) =>
          poll(name, url, startedAt).catch((error: Error) => {
            syncedUntil.delete(name);
            outboxStatus.set(name, { ...outboxStatus.get(name), error: error.message });
          }),
        ),
      );
    };
    round();
  }

  return {
    config,
    lookup,
    store,
    invalidateAfterWrite,
    responseGeneration,
    responses,
    start,
    health() {
      if (config.mode === 'redis' && !redisUp)
        return { mode: config.mode, status: 'degraded', reason: `${redisReason}: answers are served uncached` };
      return { mode: config.mode, status: 'ok' };
    },
    async metrics() {
      const lookups = counters.hits + counters.misses + counters.bypassed;
      const size = lru
        ? { entries: lru.size, bytes: lru.calculatedSize, maxEntries: config.maxEntries, maxBytes: config.maxBytes }
        : redis && redisUp
          ? await redisSize(redis).catch(() => ({}))
          : {};
      const responseLookups = counters.responses.hits + counters.responses.misses;
      return {
        mode: config.mode,
        ...(redis ? { redis: redisUp ? 'up' : 'down', ...(redisUp ? {} : { reason: redisReason }) } : {}),
        responses: {
          ...counters.responses,
          hitRate: responseLookups ? counters.responses.hits / responseLookups : 0,
          ...(responseLru ? { entries: responseLru.size, bytes: responseLru.calculatedSize } : {}),
        },
        hits: counters.hits,
        misses: counters.misses,
        bypassed: counters.bypassed,
        hitRate: lookups ? counters.hits / lookups : 0,
        stores: counters.stores,
        invalidations: counters.invalidations,
        redisErrors: counters.redisErrors,
        size,
        outbox: Object.fromEntries(outboxStatus),
      };
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await polling;
      if (redis) {
        redis.removeAllListeners('close');
        redis.disconnect();
      }
    },
  };
}

/** Size of a Redis cache: the whole server's keys and memory (its own `maxmemory` bounds it). */
async function redisSize(redis: Redis): Promise<Record<string, number>> {
  const [keys, info] = await Promise.all([redis.dbsize(), redis.info('memory')]);
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { redisKeys: keys, redisUsedBytes: field('used_memory'), redisMaxBytes: field('maxmemory') };
}

/**
 * The whole-response layer, in front of the per-fetch one: Apollo's response-cache plugin, keyed by the operation,
 * its variables, the caller and the generations of every subgraph, in the same backend. A hit skips the query plan and
 * every fetch. It reads the cache policy the gateway computed from the subgraphs' hints, so an answer no subgraph
 * allowed to be kept is not kept, and a PRIVATE one only under its caller. A mutation is never read from it.
 */
export function responseCachePlugin<Ctx extends { authorization?: string | null }>(
  cache: ReadCache,
): ApolloServerPlugin<Ctx> {
  // The generation a request was keyed under, from its lookup to its store (a write in between makes it unreachable).
  const generations = new WeakMap<object, string | null>();
  const caller = (ctx: Ctx) => callerKey(ctx.authorization ?? null).key;
  return responseCache<Ctx>({
    cache: cache.responses,
    sessionId: async ({ contextValue }) => (contextValue.authorization ? caller(contextValue) : null),
    extraCacheKeyData: async ({ contextValue }) => {
      const generation = await cache.responseGeneration();
      generations.set(contextValue, generation);
      return { caller: caller(contextValue), generation };
    },
    shouldReadFromCache: async ({ contextValue }) => generations.get(contextValue) != null,
    shouldWriteToCache: async ({ contextValue }) => generations.get(contextValue) != null,
  });
}
