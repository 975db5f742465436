// `npm run subgraph -- <name>`: starts one subgraph of schema/supergraph.yaml on its own.
import { subgraphEntry } from './registry.ts';
import { runSubgraph } from './subgraph.ts';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run subgraph -- <name>   (names: see schema/supergraph.yaml)');
  process.exit(2);
}
try {
  subgraphEntry(name);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const module = await import(`../${name}/subgraph.ts`);
await runSubgraph(module.default);
