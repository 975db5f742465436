// Starts the programme subgraph alone: `npx tsx subgraphs/programme/main.ts`.
import { runSubgraph } from '../runtime/subgraph.ts';
import { programme } from './subgraph.ts';

await runSubgraph(programme);
