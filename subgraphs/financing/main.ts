// Starts the financing subgraph alone: `npx tsx subgraphs/financing/main.ts` (port 4002).
import { runSubgraph } from '../runtime/subgraph.ts';
import { financing } from './subgraph.ts';

await runSubgraph(financing);
