// Starts the gateway: `npm run start:gateway [-- --supergraph path/to/supergraph.graphql]`.
import { listen } from '../subgraphs/runtime/http.ts';
import { createGateway } from './gateway.ts';

const flag = process.argv.indexOf('--supergraph');
const supergraphFile = flag > 0 ? process.argv[flag + 1] : undefined;
const gateway = await createGateway({ supergraphFile });
const port = await listen(gateway.http, Number(process.env.GATEWAY_PORT ?? process.env.PORT ?? 4000));
const host = process.env.HOST ?? '127.0.0.1';
console.log(`gateway ready at http://${host}:${port}/graphql (GraphiQL in a browser at the same address)`);
for (const [name, url] of gateway.subgraphs) console.log(`  ${name} → ${url}`);

const stop = async () => {
  await gateway.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
