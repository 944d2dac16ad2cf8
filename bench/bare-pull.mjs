// The ceiling: a bare zeromq.js PULL socket that only JSON.parses each record (each line of a
// frame with --batch). Records each record's send and done times (epoch ms) into --out as two
// Float64Arrays back to back, and prints one JSON line with the count and its peak RSS.
//   node bench/bare-pull.mjs --address tcp://127.0.0.1:PORT --count N --out FILE [--batch B]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RECEIVER_OPTIONS, bindPull, cpuMsSinceReady, eachLine, pullRecords } from './lib/pull-loop.mjs';

const { values } = parseArgs({ options: RECEIVER_OPTIONS });
const count = Number(values.count);
const socket = await bindPull(values.address);

const sentAt = new Float64Array(count);
const doneAt = new Float64Array(count);
let n = 0;
const take = (json) => {
  const record = JSON.parse(json);
  doneAt[n] = performance.timeOrigin + performance.now();
  sentAt[n++] = record.sentAt;
};
await pullRecords(
  socket,
  count,
  Number(values.batch) > 1
    ? (frame) => eachLine(frame.toString(), take)
    : (frame) => {
        take(frame.toString());
        return 1;
      },
);
socket.close();
const cpuMs = cpuMsSinceReady();
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
writeFileSync(values.out, Buffer.concat([Buffer.from(sentAt.buffer), Buffer.from(doneAt.buffer)]));
process.stdout.write(JSON.stringify({ received: n, cpuMs, peakRssBytes }) + '\n');
