// Ports a test chooses before starting processes that must know each other's addresses (`npm start`).
// Outside the kernel's ephemeral range (32768-60999 on Linux), which every `listen(0)` of the other test
// files draws from: a port found free here cannot be taken by one of them before our process binds it.
import { createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_000;

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    const server = createServer();
    const bound = await new Promise<boolean>((done) => {
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => done(true));
    });
    if (bound) {
      await new Promise((r) => server.close(r));
      return port;
    }
  }
  throw new Error(`no free port found between ${LOW} and ${HIGH}`);
}
