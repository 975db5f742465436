// How the gateway talks to a subgraph: Node's fetch (keep-alive), a per-subgraph timeout,
// the caller's identity and the hub's shared secret forwarded, and failures named after the subgraph.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';

export interface HubContext {
  /** The caller's `Authorization` header, forwarded as is: subgraphs verify the token themselves. */
  authorization?: string;
}

export const GATEWAY_SECRET_HEADER = 'x-hub-gateway-secret';

export class HubDataSource extends RemoteGraphQLDataSource<HubContext> {
  constructor(private readonly options: { name: string; url: string; timeoutMs: number; secret?: string }) {
    super({ url: options.url });
    const { name, timeoutMs } = options;
    const fetcher = (async (url: string, init: RequestInit) => {
      try {
        return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable';
        throw subgraphError(name, reason);
      }
    }) as unknown as Fetcher;
    this.fetcher = fetcher;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<HubContext>): void {
    if (context?.authorization) request.http?.headers.set('authorization', context.authorization);
    if (this.options.secret) request.http?.headers.set(GATEWAY_SECRET_HEADER, this.options.secret);
  }

  override async parseBody(response: Response, request?: unknown, context?: HubContext): Promise<object | string> {
    try {
      return (await super.parseBody(response as never, request as never, context)) as object | string;
    } catch {
      throw subgraphError(this.options.name, 'answered with a body that is not valid JSON');
    }
  }

  override didEncounterError(error: Error): void {
    if (error instanceof GraphQLError && error.extensions.code === 'SUBGRAPH_UNAVAILABLE') throw error;
    // Non-2xx answers and bodies that are not GraphQL JSON: name the subgraph, keep the status, hide the body.
    const response = (error as GraphQLError).extensions?.response as { status?: number } | undefined;
    throw subgraphError(this.options.name, response?.status ? `answered HTTP ${response.status}` : 'answered with something that is not a GraphQL JSON response');
  }
}

function subgraphError(name: string, reason: string): GraphQLError {
  return new GraphQLError(`subgraph "${name}" is unavailable: ${reason}`, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: name } });
}
