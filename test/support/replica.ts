// One "replica" of a subgraph for test/replicas.test.ts: waits for "go" on stdin (so that several
// start at the same moment), prepares the subgraph's database as a real start does, checks it can
// serve, and prints one JSON line: how many times its own process ran the data load.
import { createInterface } from 'node:readline';
import { prepareDatabase, type SubgraphModule } from '../../subgraphs/runtime/subgraph.ts';

const [name, url, schema] = process.argv.slice(2);
if (!name || !url) throw new Error('usage: tsx test/support/replica.ts <subgraph> <database url> [schema]');
const module = (await import(`../../subgraphs/${name}/subgraph.ts`)).default as SubgraphModule;

let loads = 0;
const observed: SubgraphModule = {
  ...module,
  load: async (trx) => {
    loads++;
    await module.load(trx);
  },
};

console.log('waiting');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();

const database = await prepareDatabase(observed, { url, ...(schema ? { schema } : {}) });
try {
  // What the subgraph's /ready checks.
  const state = await database.db.selectFrom('load_state').select('version').where('key', '=', 'data').execute();
  console.log(JSON.stringify({ loads, loadStateRows: state.length, version: state[0]?.version }));
} finally {
  await database.close();
}
