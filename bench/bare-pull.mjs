// The ceiling: a bare zeromq.js PULL socket that only JSON.parses each message. Prints one JSON
// line with throughput and latency, measured exactly as the Tapline run is. It reads the fastest
// way zeromq.js allows, as the Tapline source does: with no timeout while messages are queued
// (no event poll per receive), blocking only once the queue runs empty. Like the source, it yields
// to the event loop every 256 messages: without that zeromq.js never gets to release the frames
// it handed out, and the process grows by hundreds of MiB, which no long-running consumer can do.
//   node bench/bare-pull.mjs --address tcp://127.0.0.1:PORT --count N
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Pull } from 'zeromq';
import { summarize } from './stats.mjs';

const { values } = parseArgs({ options: { address: { type: 'string' }, count: { type: 'string' } } });
const count = Number(values.count);
const socket = new Pull({ receiveHighWaterMark: 1000, linger: 0 });
await socket.bind(values.address);
process.stdout.write('ready\n');

const latencies = new Float64Array(count);
let firstSentAt = Infinity;
let n = 0;
socket.receiveTimeout = 0;
let waiting = false;
while (n < count) {
  let frame;
  try {
    [frame] = await socket.receive();
  } catch (err) {
    if (err.code !== 'EAGAIN') throw err;
    socket.receiveTimeout = -1;
    waiting = true;
    continue;
  }
  if (waiting) {
    socket.receiveTimeout = 0;
    waiting = false;
  }
  const record = JSON.parse(frame.toString());
  const doneAt = performance.timeOrigin + performance.now();
  if (record.sentAt < firstSentAt) firstSentAt = record.sentAt;
  latencies[n++] = doneAt - record.sentAt;
  if (n === count) {
    const elapsedMs = doneAt - firstSentAt;
    socket.close();
    const peakRssBytes = readPeakRss();
    process.stdout.write(
      JSON.stringify({
        count,
        elapsedMs,
        perSecond: (count * 1000) / elapsedMs,
        latency: summarize(latencies),
        peakRssBytes,
      }) + '\n',
    );
  }
  if ((n & 255) === 0) await nextTurn();
}

function readPeakRss() {
  return process.resourceUsage().maxRSS * 1024;
}
