// A source plugin for the in-memory benchmark: it decodes as the zmq source's "record" does
// (strict UTF-8, JSON.parse, an object), hands the host pre-made frames in batches as fast as
// the host's intake allows, yielding every 256 as the zmq source does (every `batch`, given
// one), and once every frame has settled writes the CPU time per record to `out` and stops the
// process with SIGTERM.
import { writeFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TextDecoder } from 'node:util';
import { API_VERSION, SourceDomain, Type, batchRoom, definePlugin } from '@tapline/core';
import { cpuUsSince, makeFrames } from './memory-frames.mjs';

const utf8 = new TextDecoder('utf-8', { fatal: true });

class MemorySource extends SourceDomain {
  constructor(options, ctx) {
    super(ctx);
    this.options = options;
    this.settledCount = 0;
  }

  execute(frame) {
    const value = JSON.parse(utf8.decode(frame));
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new Error('not a JSON object');
    return value;
  }

  settled() {
    if (++this.settledCount !== this.options.count) return;
    const cpuUs = cpuUsSince(this.cpuAtStart) / this.options.count;
    writeFileSync(this.options.out, JSON.stringify({ records: this.options.count, cpuUs }) + '\n');
    process.kill(process.pid, 'SIGTERM');
  }

  async start() {
    this.frames = makeFrames(this.options.count);
    setImmediate(() => void this.feed());
  }

  async feed() {
    const frames = this.frames;
    this.cpuAtStart = process.cpuUsage();
    // Records a turn of the event loop: 256, a saturated socket's; fewer, a socket at lower
    // rates, which wakes the process for each few records.
    const perTurn = this.options.batch ?? 256;
    let sinceYield = 0;
    for (let i = 0; i < frames.length;) {
      if (!this.intake.hasCapacity) await this.intake.waitForCapacity();
      // What a socket would have queued: as many as a batch may hold, never more than a turn's.
      const n = Math.min(batchRoom(this.intake), perTurn - sinceYield, frames.length - i);
      const batch = frames.slice(i, i + n);
      frames.fill(undefined, i, i + n);
      i += n;
      void this.ingestBatch(batch);
      if ((sinceYield += n) >= perTurn) {
        sinceYield = 0;
        await nextTurn();
      }
    }
  }

  async stop() {}
}

export default definePlugin({
  name: 'bench-memory-source',
  apiVersion: API_VERSION,
  kind: 'source',
  input: 'bytes',
  output: 'record',
  options: Type.Object({
    count: Type.Integer({ minimum: 1 }),
    out: Type.String(),
    batch: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
  }),
  create: (options, ctx) => new MemorySource(options, ctx),
});
