// A next hop that is alive but reads slowly: a PULL socket that takes `--rate` messages a second
// at most, with a small high-water mark so that ZeroMQ's own buffers do not hide the slowness.
//   node bench/lib/slow-hop.mjs --address tcp://127.0.0.1:PORT --rate 2000
// Prints "ready" once bound, then, on SIGTERM, {"received": n} and exits.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Pull } from 'zeromq';

const { values } = parseArgs({
  options: { address: { type: 'string' }, rate: { type: 'string', default: '2000' } },
});
const rate = Number(values.rate);
const pull = new Pull({ receiveHighWaterMark: 100, linger: 0 });
await pull.bind(values.address);
console.log('ready');

let received = 0;
let stopping = false;
process.once('SIGTERM', () => {
  stopping = true;
  pull.close();
});
const began = performance.now();
while (!stopping) {
  try {
    await pull.receive();
  } catch {
    break; // closed
  }
  received++;
  // Paced against a schedule: never ahead of `rate` messages a second.
  const due = began + (received * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 1) await sleep(wait);
}
console.log(JSON.stringify({ received }));
