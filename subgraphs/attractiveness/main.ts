// Starts the attractiveness subgraph alone: `npx tsx subgraphs/attractiveness/main.ts`.
import { runSubgraph } from '../runtime/subgraph.ts';
import { attractiveness } from './subgraph.ts';

await runSubgraph(attractiveness);
