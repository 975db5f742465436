// Starts the engineering subgraph alone: `npx tsx subgraphs/engineering/main.ts`.
import { runSubgraph } from '../runtime/subgraph.ts';
import { engineering } from './subgraph.ts';

await runSubgraph(engineering);
