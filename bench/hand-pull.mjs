// The default pipeline's work by hand, in one plain loop with no host: receive, decode as the
// zmq source does (strict UTF-8, JSON.parse, an object), the processor's and metrics' work
// (hand-written.mjs), stamp, JSON.stringify, and the exporter's group-commit write to --out,
// reading no further while 1,024 records (the host's maxInFlight) wait for their write.
// Prints one JSON line: how many records were received, exported, dropped and failed, the
// metrics it kept, and its peak RSS.
//   node bench/hand-pull.mjs --address tcp://127.0.0.1:PORT --count N --out FILE [--batch B]
//     [--idle-wake MS] [--yield-every N]   see lib/pull-loop.mjs
//     [--spin-us US]   busy-waits US µs more per record: the same work plus a host's cost in CPU
import { TextDecoder, parseArgs } from 'node:util';
import { createMetrics, processRecord } from './hand-written.mjs';
import { openLineFile } from './lib/line-file.mjs';
import { RECEIVER_OPTIONS, bindPull, cpuMsSinceReady, eachLine, pullRecords } from './lib/pull-loop.mjs';

const { values } = parseArgs({
  options: {
    ...RECEIVER_OPTIONS,
    'idle-wake': { type: 'string', default: '-1' },
    'yield-every': { type: 'string', default: '256' },
    'spin-us': { type: 'string', default: '0' },
  },
});
const count = Number(values.count);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const metrics = createMetrics();
const file = await openLineFile(values.out);
const socket = await bindPull(values.address);

const spinMs = Number(values['spin-us']) / 1000;
/** Burns `spinMs` of CPU: what a host would add per record, without its structure. */
function spin() {
  const until = performance.now() + spinMs;
  while (performance.now() < until);
}

const tally = { received: 0, exported: 0, dropped: 0, failed: 0 };
/** One record: decode, the pipeline's work, the write. A failure counts; a dead letter is the host's. */
function take(payload) {
  tally.received++;
  let line;
  try {
    const r = JSON.parse(typeof payload === 'string' ? payload : utf8.decode(payload));
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new Error('not a JSON object');
    line = processRecord(r, metrics);
  } catch {
    tally.failed++;
    return;
  }
  if (line === undefined) {
    tally.dropped++;
    return;
  }
  tally.exported++;
  if (spinMs > 0) spin();
  file.append(line);
}
const batched = Number(values.batch) > 1;
await pullRecords(
  socket,
  count,
  (frame) => {
    if (batched) return eachLine(utf8.decode(frame), take);
    take(frame);
    return 1;
  },
  {
    hold: () => file.full(),
    idleWakeMs: Number(values['idle-wake']),
    yieldEvery: Number(values['yield-every']),
  },
);
socket.close();
await file.close();
const metricsJson = {
  counts: Object.fromEntries([...metrics.counts].map(([s, m]) => [s, Object.fromEntries(m)])),
  latency: Object.fromEntries(
    [...metrics.latency].map(([s, h]) => [s, { count: h.count, sum: h.sum, buckets: [...h.buckets] }]),
  ),
};
const cpuMs = cpuMsSinceReady();
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ ...tally, metrics: metricsJson, cpuMs, peakRssBytes }) + '\n');
