// The whole hub for tests: every subgraph of schema/supergraph.yaml over HTTP on an ephemeral
// port, each on its own throw-away database, and the gateway in front of them.
import type { Server } from 'node:http';
import { listen } from '../../subgraphs/runtime/http.ts';
import { forgetReferences } from '../../subgraphs/runtime/loaders.ts';
import { envKey, readSubgraphList } from '../../subgraphs/runtime/registry.ts';
import type { SubgraphContext, SubgraphModule } from '../../subgraphs/runtime/subgraph.ts';
import { createGateway, type Gateway } from '../../gateway/gateway.ts';
import { compose, sourcesFromList } from '../../schema/compose.ts';
import { InFlight, startTestSubgraph, trackInFlight, type TestSubgraph } from './harness.ts';

export interface TestHub {
  gatewayUrl: string;
  gateway: Gateway;
  subgraphs: Map<string, { test: TestSubgraph<SubgraphContext>; url: string }>;
  /** SQL statements and HTTP requests seen by every subgraph since the last reset. */
  counters(): Record<string, { requests: number; statements: number }>;
  resetCounters(): void;
  /** Every subgraph forgets the reference rows it holds (runtime/loaders.ts referenceLoader): the next reads are cold. */
  forgetReferences(): void;
  /** Resolves when neither the gateway nor any subgraph has a request in flight. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function loadModule(name: string): Promise<SubgraphModule> {
  const module = await import(`../../subgraphs/${name}/subgraph.ts`);
  return module.default as SubgraphModule;
}

export interface TestHubOptions {
  /** Environment of the gateway only. */
  gatewayEnv?: NodeJS.ProcessEnv;
  /** Environment of the gateway and of every subgraph's HTTP server (e.g. TEST_JWT_ENV). */
  env?: NodeJS.ProcessEnv;
  /** Only these subgraphs, composed here (so other subgraphs' work in progress does not matter); default: all. */
  only?: string[];
  /** Databases by subgraph name instead of throw-away ones (see startTestSubgraph). */
  databases?: Record<string, { url: string; schema?: string }>;
}

export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const subgraphs = new Map<string, { test: TestSubgraph<SubgraphContext>; url: string }>();
  const list = readSubgraphList(undefined, {}).filter((e) => !options.only || options.only.includes(e.name));
  // One environment for every subgraph, completed once they listen with each one's URL (`<NAME>_URL`, unless the
  // test set it): subgraphs that call another (operators checking action sheets with the programme) reach this hub's.
  const env: NodeJS.ProcessEnv = { ...process.env, ...(options.env ?? {}) };
  await Promise.all(
    list.map(async (entry) => {
      const test = await startTestSubgraph(await loadModule(entry.name), options.databases?.[entry.name]);
      subgraphs.set(entry.name, { test, url: await test.listen(env) });
    }),
  );
  for (const [name, s] of subgraphs) {
    const key = `${envKey(name)}_URL`;
    if (options.env?.[key] === undefined) env[key] = s.url;
  }
  const subgraphUrls = Object.fromEntries([...subgraphs].map(([name, s]) => [name, s.url]));
  let supergraphSdl: string | undefined;
  if (options.only) {
    const composed = compose(sourcesFromList().filter((s) => s.name in subgraphUrls));
    if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
    supergraphSdl = composed.supergraphSdl;
  }
  const gateway = await createGateway({
    supergraphSdl,
    subgraphUrls,
    env: { ...(options.env ?? {}), ...(options.gatewayEnv ?? {}) },
  });
  const gatewayInFlight = new InFlight();
  trackInFlight(gateway.http as Server, gatewayInFlight);
  const settled = async () => {
    await gatewayInFlight.settled();
    await Promise.all([...subgraphs.values()].map((s) => s.test.settled()));
  };
  const port = await listen(gateway.http as Server, 0);
  const base = new Map<string, { requests: number; statements: number }>();
  const snapshot = () =>
    Object.fromEntries(
      [...subgraphs].map(([name, s]) => [
        name,
        {
          requests: s.test.prepared.stats.requests,
          statements: s.test.prepared.database.stats.statements,
        },
      ]),
    );
  const resetCounters = () => {
    for (const [name, value] of Object.entries(snapshot())) base.set(name, value);
  };
  resetCounters();
  return {
    gatewayUrl: `http://127.0.0.1:${port}/graphql`,
    gateway,
    subgraphs,
    counters: () =>
      Object.fromEntries(
        Object.entries(snapshot()).map(([name, now]) => [
          name,
          {
            requests: now.requests - base.get(name)!.requests,
            statements: now.statements - base.get(name)!.statements,
          },
        ]),
      ),
    resetCounters,
    forgetReferences: () => {
      for (const s of subgraphs.values()) forgetReferences(s.test.prepared.database.db);
    },
    settled,
    async stop() {
      await gateway.stop();
      await Promise.all([...subgraphs.values()].map((s) => s.test.stop()));
    },
  };
}
