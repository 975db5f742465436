// Starts the territories subgraph alone: `npx tsx subgraphs/territories/main.ts`.
import { runSubgraph } from '../runtime/subgraph.ts';
import { territories } from './subgraph.ts';

await runSubgraph(territories);
