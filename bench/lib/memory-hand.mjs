// The hand-written loop of the in-memory benchmark: the same frames, decoded as the source
// does, the pipeline's work (hand-written.mjs) and the file target's group commit
// (line-file.mjs), reading no further while 1,024 records wait for their write.
//   node lib/memory-hand.mjs COUNT OUT [BATCH]   prints {"records":N,"cpuUs":µs per record}
// BATCH: records a turn of the event loop, as the memory source takes them (256 when not given).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TextDecoder } from 'node:util';
import { createMetrics, processRecord } from '../hand-written.mjs';
import { openLineFile } from './line-file.mjs';
import { cpuUsSince, makeFrames } from './memory-frames.mjs';

const count = Number(process.argv[2]);
const perTurn = Number(process.argv[4] ?? 256);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const metrics = createMetrics();
const file = await openLineFile(process.argv[3]);
const frames = makeFrames(count);
const cpuAtStart = process.cpuUsage();
let sinceYield = 0;
for (let i = 0; i < count; i++) {
  let line;
  try {
    const r = JSON.parse(utf8.decode(frames[i]));
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new Error('not a JSON object');
    line = processRecord(r, metrics);
  } catch {
    continue;
  }
  frames[i] = undefined;
  if (line !== undefined) file.append(line);
  const full = file.full();
  if (full !== undefined) await full;
  if (++sinceYield === perTurn) {
    sinceYield = 0;
    await nextTurn();
  }
}
await file.close();
process.stdout.write(JSON.stringify({ records: count, cpuUs: cpuUsSince(cpuAtStart) / count }) + '\n');
