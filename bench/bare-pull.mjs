// The ceiling: a bare zeromq.js PULL socket that only JSON.parses each message. Prints one JSON
// line with throughput and latency, measured exactly as the Tapline run is.
//   node bench/bare-pull.mjs --address tcp://127.0.0.1:PORT --count N
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
while (n < count) {
  const [frame] = await socket.receive();
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
}

function readPeakRss() {
  return process.resourceUsage().maxRSS * 1024;
}
