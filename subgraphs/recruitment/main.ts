// Starts the recruitment subgraph alone: `npx tsx subgraphs/recruitment/main.ts` (port 4003).
import { runSubgraph } from '../runtime/subgraph.ts';
import { recruitment } from './subgraph.ts';

await runSubgraph(recruitment);
