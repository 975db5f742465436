// How the gateway talks to a subgraph: undici's pooled keep-alive requests, a per-subgraph timeout,
// the caller's identity and the hub's shared secret forwarded, and failures named after the subgraph.
import { STATUS_CODES } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { Pool } from 'undici';
import { allowedTtlMs, callerKey, hitAnswer, type CachedAnswer, type ReadCache } from './cache.ts';

export interface HubContext {
  /** The caller's `Authorization` header, forwarded as is: subgraphs verify the token themselves. */
  authorization?: string;
}

export const GATEWAY_SECRET_HEADER = 'x-hub-gateway-secret';

// Every subgraph fetch is sent once: neither this fetcher nor Apollo's RemoteGraphQLDataSource retries, so a mutation
// the client was told failed is never replayed (the subgraph's write deadline, runtime/deadline.ts, stays below
// SUBGRAPH_TIMEOUT_MS so such a write is rolled back, not committed late).
/** A subgraph request body whose operation is a mutation (the gateway writes `"query":"mutation …`). */
const MUTATION = /"query":"\s*mutation\b/;

/** A subgraph's answer, read whole: what the cache keeps and every caller of a shared fetch gets a copy of. */
type Answer = Omit<CachedAnswer, 'expiresAt'>;

/**
 * The answer as Apollo's RemoteGraphQLDataSource reads it (status, headers, text or JSON), over the body already read.
 * Node's fetch wrapped every request and answer in WHATWG streams and sent a string body as chunks: a third of the
 * gateway's CPU per panier (bench/OPTIMISATIONS.md); undici's `request` writes it in one go.
 */
class SubgraphResponse implements FetcherResponse {
  readonly ok: boolean;
  readonly headers: Headers;
  readonly redirected = false;
  readonly type = 'basic';
  bodyUsed = false;
  constructor(
    readonly url: string,
    private readonly answer: Answer,
  ) {
    this.ok = answer.status >= 200 && answer.status < 300;
    this.headers = new Headers(answer.headers);
  }
  get status() {
    return this.answer.status;
  }
  get statusText() {
    return this.answer.statusText;
  }
  async text() {
    this.bodyUsed = true;
    return this.answer.body;
  }
  async json() {
    return JSON.parse(await this.text()) as unknown;
  }
  async arrayBuffer() {
    const bytes = Buffer.from(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  clone() {
    return new SubgraphResponse(this.url, this.answer);
  }
}

/** undici's header record as name/value pairs (repeated headers joined, as fetch's Headers would). */
function headerPairs(headers: Record<string, string | string[] | undefined>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) pairs.push([name, Array.isArray(value) ? value.join(', ') : value]);
  return pairs;
}

export class HubDataSource extends RemoteGraphQLDataSource<HubContext> {
  /** Keep-alive connections to this subgraph, as many as concurrent fetches need (closed by `close`). */
  private readonly pool: Pool;

  constructor(
    private readonly options: {
      name: string;
      url: string;
      timeoutMs: number;
      secret?: string;
      deduplicate?: boolean;
      /** The read cache (cache.ts); with GATEWAY_CACHE=off it still versions the deduplication below. */
      cache: ReadCache;
    },
  ) {
    super({ url: options.url });
    const { name, timeoutMs, cache } = options;
    // Apollo sends every fetch of this data source to its `url`: one pool for that origin, one path.
    const target = new URL(options.url);
    const path = target.pathname + target.search;
    this.pool = new Pool(target.origin);
    const send = async (init: RequestInit): Promise<Answer> => {
      try {
        const answer = await this.pool.request({
          path,
          method: 'POST',
          headers: init.headers as Record<string, string>,
          body: init.body as string,
          // The whole exchange, the body's last byte included, within the subgraph's timeout.
          signal: AbortSignal.timeout(timeoutMs),
        });
        return {
          status: answer.statusCode,
          statusText: STATUS_CODES[answer.statusCode] ?? '',
          headers: headerPairs(answer.headers),
          body: await answer.body.text(),
        };
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable';
        throw subgraphError(name, reason);
      }
    };
    // In-flight deduplication: identical query fetches (same URL, headers, body and generation of the subgraph's
    // data) sent while one is already waiting for its answer share that answer; each caller gets its own copy of
    // the response. The generation changes with every write through this gateway, so a read sent after a write
    // never joins a fetch sent before it. Mutations are never shared.
    const inflight = new Map<string, Promise<Answer>>();
    const fetcher = async (url: string, init: RequestInit): Promise<SubgraphResponse> => {
      const body = init.body;
      if (typeof body !== 'string') return new SubgraphResponse(url, await send(init));
      if (MUTATION.test(body)) {
        // Whatever the outcome (a failed answer may still have committed), the subgraph's entries go before the
        // answer leaves: a read that starts after it returned cannot meet them.
        try {
          return new SubgraphResponse(url, await send(init));
        } finally {
          await cache.invalidateAfterWrite(name);
        }
      }
      const headers = new Headers(init.headers as HeadersInit);
      const caller = callerKey(headers.get('authorization'));
      const key = `${caller.key}\n${body}`;
      const lookup = await cache.lookup(name, key);
      if (lookup.hit) return new SubgraphResponse(url, hitAnswer(lookup.hit));
      const fetchAnswer = async () => {
        const answer = await send(init);
        if (lookup.usable) {
          const ttl = allowedTtlMs(answer, caller, cache.config);
          if (ttl > 0) await cache.store(name, lookup.generation, key, { ...answer, expiresAt: Date.now() + ttl });
        }
        return answer;
      };
      let shared: Promise<Answer> | undefined;
      if (options.deduplicate === false) shared = fetchAnswer();
      else {
        const dedupKey = `${url}\n${lookup.generation}\n${JSON.stringify([...headers])}\n${body}`;
        shared = inflight.get(dedupKey);
        if (!shared) {
          shared = fetchAnswer();
          inflight.set(dedupKey, shared);
          const forget = () => inflight.delete(dedupKey);
          shared.then(forget, forget);
        }
      }
      return new SubgraphResponse(url, await shared);
    };
    this.fetcher = fetcher as unknown as Fetcher;
  }

  /** Drops the keep-alive connections (the gateway's stop, once it serves no request: a fetch still waiting is abandoned). */
  close(): Promise<void> {
    return this.pool.destroy();
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<HubContext>): void {
    if (context?.authorization) request.http?.headers.set('authorization', context.authorization);
    if (this.options.secret) request.http?.headers.set(GATEWAY_SECRET_HEADER, this.options.secret);
  }

  override async parseBody(
    response: FetcherResponse,
    request?: unknown,
    context?: HubContext,
  ): Promise<object | string> {
    try {
      return (await super.parseBody(response as never, request as never, context)) as object | string;
    } catch {
      throw subgraphError(this.options.name, 'answered with a body that is not valid JSON');
    }
  }

  override didEncounterError(error: Error): void {
    if (error instanceof GraphQLError && error.extensions.code === 'SUBGRAPH_UNAVAILABLE') throw error;
    // Non-2xx answers and bodies that are not GraphQL JSON: name the subgraph, keep the status, hide the body.
    const response = (error as GraphQLError).extensions?.response as { status?: number; body?: unknown } | undefined;
    // A 4xx whose body is a GraphQL error raised while executing the operation (it has a path), e.g. a
    // write refused with 401 UNAUTHENTICATED: the caller's own error, passed on with its code.
    const first = (
      response?.body as
        { errors?: { message?: unknown; path?: unknown; extensions?: Record<string, unknown> }[] } | undefined
    )?.errors?.[0];
    if (response?.status && response.status < 500 && typeof first?.message === 'string' && Array.isArray(first.path)) {
      throw new GraphQLError(first.message, { extensions: { ...first.extensions, serviceName: this.options.name } });
    }
    throw subgraphError(
      this.options.name,
      response?.status
        ? `answered HTTP ${response.status}`
        : 'answered with something that is not a GraphQL JSON response',
    );
  }
}

function subgraphError(name: string, reason: string): GraphQLError {
  return new GraphQLError(`subgraph "${name}" is unavailable: ${reason}`, {
    extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: name },
  });
}
