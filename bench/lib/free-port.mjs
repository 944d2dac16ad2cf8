// A TCP port on 127.0.0.1 that was free a moment ago, for an address given by number (a config's,
// or one a sender connects to before its receiver binds it).
import { createServer } from 'node:net';

/**
 * Picked below the ephemeral range (Linux: 32768–60999; elsewhere higher still): the kernel never
 * hands such a port to another socket's `:*` bind or to an outgoing connection, so between the
 * check and the bind no other test's socket can take it, and a sender retrying a connect to it
 * cannot connect to itself (TCP's simultaneous open, which made the port its own).
 */
const LOW = 20_000;
const HIGH = 32_000;

export async function freePort() {
  for (;;) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
