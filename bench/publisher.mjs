// The benchmark's sender: realistic log records, each stamped with its send time (fractional
// epoch ms) as it goes out, over PUSH sockets connected to one address. The records are made
// up front so the sender spends its time sending, not generating.
//   node bench/publisher.mjs --address tcp://127.0.0.1:PORT --count N [--sockets 2]
//     [--rate R]      records per second, paced against a schedule (one socket)
//     [--batch B]     B records per frame, one JSON object per line (NDJSON)
//     [--prefill]     queue every frame before any receiver is there, print "queued", then
//                     deliver once one binds: the receiver then runs without the sender beside it
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Push } from 'zeromq';
import { recordTails } from './lib/record-tails.mjs';
import { takeReadings } from './lib/threads.mjs';

const { values } = parseArgs({
  options: {
    address: { type: 'string' },
    count: { type: 'string' },
    sockets: { type: 'string', default: '2' },
    rate: { type: 'string' },
    batch: { type: 'string', default: '1' },
    prefill: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const batch = Number(values.batch);
const rate = values.rate === undefined ? 0 : Number(values.rate);
const tails = recordTails();

const line = (i) => `{"sentAt":${performance.timeOrigin + performance.now()},"seq":${i},${tails[i & 1023]}`;
/** The frame holding records [i, i + n). */
function frame(i, n) {
  if (n === 1) return line(i);
  let text = line(i);
  for (let k = 1; k < n; k++) text += '\n' + line(i + k);
  return text;
}

// Prefill: no send limit, and a connect that queues before the peer exists (ZeroMQ makes the
// pipe at connect time), lingering long enough on close for the queue to reach the receiver.
const sockets = Array.from(
  { length: rate > 0 ? 1 : Number(values.sockets) },
  () =>
    new Push(
      values.prefill
        ? { linger: 300_000, sendHighWaterMark: 0 }
        : { linger: 30_000, sendHighWaterMark: 1000 },
    ),
);
for (const s of sockets) s.connect(values.address);

let next = 0;
const started = performance.now();
async function sendLoop(socket) {
  while (next < count) {
    const i = next;
    const n = Math.min(batch, count - i);
    next += n;
    await socket.send(frame(i, n));
  }
}
// How far behind its schedule the paced sender fell: a sender that was not running (the machine
// busy elsewhere) then sends what was due all at once, and the receiver gets a burst.
const late = { over5Ms: 0, maxMs: 0 };
/** Sends each frame when the schedule says it is due, so the rate holds on average. */
async function pacedLoop(socket) {
  const perMs = rate / 1000;
  while (next < count) {
    const due = Math.min(count, Math.floor((performance.now() - started) * perMs) + 1);
    while (next < due) {
      const i = next;
      const n = Math.min(batch, count - i);
      next += n;
      const behind = performance.now() - started - i / perMs;
      if (behind > 5) late.over5Ms += n;
      if (behind > late.maxMs) late.maxMs = behind;
      await socket.send(frame(i, n));
    }
    if (next < count) await sleep(Math.max(1, (next - (performance.now() - started) * perMs) / perMs));
  }
}
// While it sends, a reading of its threads every half second: how long they waited for a CPU
// that the receiver (or anyone) held, to set beside the receiver's steady state.
const readings = takeReadings();
await Promise.all(sockets.map(rate > 0 ? pacedLoop : sendLoop));
const threads = readings.stop();
const elapsedMs = performance.now() - started;
if (values.prefill) process.stdout.write('queued\n');
for (const s of sockets) s.close();
const report = { sent: count, frames: Math.ceil(count / batch), elapsedMs };
process.stdout.write(JSON.stringify(rate > 0 ? { ...report, late, threads } : report) + '\n');
