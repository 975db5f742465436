// Starts the gateway: `npm run gateway [-- --supergraph path/to/supergraph.graphql]`.
// GATEWAY_WORKERS=N (default 1) runs N gateway processes sharing the port (node:cluster): this process
// then only supervises them. A worker that dies is replaced; SIGINT/SIGTERM stops every worker, then it.
// Workers share nothing in memory: state that must be shared between them (a read cache) goes to Redis.
import cluster, { type Worker } from 'node:cluster';
import { listen } from '../subgraphs/runtime/http.ts';
import { gatewayConfig } from './config.ts';
import { createGateway } from './gateway.ts';

const workers = gatewayConfig(process.env).workers;

if (workers > 1 && cluster.isPrimary) {
  let stopping = false;
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      console.error(`gateway worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
      setTimeout(() => !stopping && fork(), 1000);
    });
    return worker;
  };
  for (let i = 0; i < workers; i++) fork();
  console.log(`gateway: ${workers} workers (GATEWAY_WORKERS) sharing the port, supervised by pid ${process.pid}`);
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    // Each worker drains its requests and stops as a single gateway would (SHUTDOWN_GRACE_MS).
    await Promise.all(
      running.map(
        (w) =>
          new Promise((done) => {
            w.once('exit', done);
            w.process.kill('SIGTERM');
          }),
      ),
    );
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  const flag = process.argv.indexOf('--supergraph');
  const supergraphFile = flag > 0 ? process.argv[flag + 1] : undefined;
  const gateway = await createGateway({ supergraphFile });
  const port = await listen(gateway.http, Number(process.env.GATEWAY_PORT ?? process.env.PORT ?? 4000));
  const host = process.env.HOST ?? '127.0.0.1';
  const worker = cluster.isWorker ? ` (worker pid ${process.pid})` : '';
  console.log(`gateway ready at http://${host}:${port}/graphql${worker} (GraphiQL in a browser at the same address)`);
  if (!cluster.isWorker || cluster.worker?.id === 1)
    for (const [name, url] of gateway.subgraphs) console.log(`  ${name} → ${url}`);

  let stopping = false;
  const stop = async () => {
    // Ctrl-C reaches the supervisor and its workers at once, and the supervisor forwards a SIGTERM.
    if (stopping) return;
    stopping = true;
    await gateway.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
