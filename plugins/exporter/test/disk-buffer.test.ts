import { appendFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Pull } from 'zeromq';
import { eventually, type LogEntry } from '@tapline/testkit';
import type { TargetOptions } from '../src/index.js';
import { context, exporterTo, shutdownExporters, tempDir as newTempDir } from './helpers.js';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await newTempDir();
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await shutdownExporters();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const lines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { seq: number }).seq);

/** A ZeroMQ target with no peer: each send waits for one, so what is logged stays in the log. */
/** The log's one segment, holding `records` frames of one size: its path, size, bytes and frame size. */
async function onlySegment(log: string, records: number) {
  const segment = join(
    log,
    (await readdir(log)).find((f) => f.startsWith('segment-'))!,
  );
  const size = (await stat(segment)).size;
  return { segment, size, bytes: await readFile(segment), frame: size / records };
}

/**
 * Restarts a file target on a log (damaged, say) until it delivered `n`: its output, its books
 * once it had, and the warnings it logged.
 */
async function deliverFrom(dir: string, log: string, n: number) {
  const out = join(dir, 'out.ndjson');
  const logs: LogEntry[] = [];
  const d = exporterTo(
    { name: 'hop', type: 'file', path: out, buffer: { type: 'disk', path: log } },
    {},
    logs,
  );
  await d.initialize();
  await eventually(() => d.outputBooks()[0]!.delivered === n || undefined, { what: `${n} delivered` });
  const books = d.outputBooks()[0]!;
  await d.shutdown();
  return { out, books, warned: logs.filter((l) => l.level === 'warn').map((l) => l.fields) };
}

const nowhere = (dir: string, log: string): TargetOptions => ({
  name: 'hop',
  type: 'zmq',
  address: `ipc://${join(dir, 'nobody')}`,
  sendTimeoutMs: -1,
  buffer: { type: 'disk', path: log },
});

/** Sends `seqs` to an exporter whose hop is down and stops it: the records stay in the log. */
async function strand(dir: string, log: string, seqs: number[], segmentBytes?: number): Promise<void> {
  const target = nowhere(dir, log);
  if (segmentBytes !== undefined) Object.assign(target.buffer!, { segmentBytes });
  const d = exporterTo(target);
  await d.initialize();
  // In several batches: a segment is closed between two batches.
  for (let i = 0; i < seqs.length; i += 100) {
    await Promise.all(
      seqs.slice(i, i + 100).map((seq) => d.execute({ seq, pad: 'x'.repeat(40) }, context())),
    );
  }
  const books = d.outputBooks()[0]!;
  expect(books).toMatchObject({ written: seqs.length, buffered: seqs.length, delivered: 0 });
  await d.shutdown();
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('disk buffer', () => {
  it('takes a record once it is in the log and delivers it to the target after', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out.ndjson');
    const d = exporterTo({ type: 'file', path: out, buffer: { type: 'disk', path: join(dir, 'log') } });
    await d.initialize();
    await Promise.all(range(0, 2000).map((seq) => d.execute({ seq }, context())));
    await eventually(() => d.outputBooks()[0]!.delivered === 2000 || undefined, { what: 'all delivered' });
    expect(d.outputBooks()[0]).toMatchObject({ routed: 2000, written: 2000, buffered: 0, queued: 0 });
    await d.shutdown();
    expect(await lines(out)).toEqual(range(0, 2000));
  });

  it('carries what was not delivered over to the next start, in order, each once', async () => {
    const dir = await tempDir();
    const log = join(dir, 'log');
    await strand(dir, log, range(0, 3000), 8192);
    expect((await readdir(log)).filter((f) => f.startsWith('segment-')).length).toBeGreaterThan(3);
    const { out, books } = await deliverFrom(dir, log, 3000);
    expect(books).toMatchObject({ carriedOver: 3000, buffered: 0, routed: 3000, written: 3000 });
    expect(await lines(out)).toEqual(range(0, 3000));
    // Every segment the cursor passed is gone: only the one written to is left.
    expect((await readdir(log)).filter((f) => f.startsWith('segment-')).length).toBe(1);
  });

  it('skips a corrupt record in the middle, cuts a torn tail off, reports both and delivers the rest', async () => {
    const dir = await tempDir();
    const log = join(dir, 'log');
    await strand(dir, log, range(100, 200)); // frames of one size
    const { segment, size, bytes, frame } = await onlySegment(log, 100);
    bytes.writeUInt8(bytes.readUInt8(50 * frame + 40) ^ 0xff, 50 * frame + 40); // inside record 51's JSON
    await writeFile(segment, bytes);
    await appendFile(segment, bytes.subarray(0, frame - 5)); // a frame cut short
    const { out, warned } = await deliverFrom(dir, log, 99);
    expect(await lines(out)).toEqual(range(100, 200).filter((s) => s !== 150));
    expect(warned).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ bytes: frame, at: 50 * frame, records: [51] }),
        expect.objectContaining({ bytes: frame - 5, at: size }),
      ]),
    );
    expect(warned.length).toBe(2); // each reported once, at start-up
    expect((await stat(segment)).size).toBe(size);
  });

  it('skips a record whose length field is corrupt and keeps every intact record after it', async () => {
    const dir = await tempDir();
    const log = join(dir, 'log');
    await strand(dir, log, range(100, 200));
    const { segment, size, bytes, frame } = await onlySegment(log, 100);
    // Record 51's length now reaches past the end of the segment: it looks like a torn tail.
    bytes.writeUInt8(bytes.readUInt8(50 * frame + 6) ^ 0xff, 50 * frame + 6);
    await writeFile(segment, bytes);
    const { out, warned } = await deliverFrom(dir, log, 99);
    expect(await lines(out)).toEqual(range(100, 200).filter((s) => s !== 150));
    expect(warned).toEqual([expect.objectContaining({ bytes: frame, at: 50 * frame, records: [51] })]);
    expect((await stat(segment)).size).toBe(size);
  });

  it('warns of the records a target removed from the config had undelivered, and keeps no segment for it', async () => {
    const dir = await tempDir();
    const log = join(dir, 'log');
    await strand(dir, log, range(0, 300), 8192);
    let bytes = 0;
    for (const f of await readdir(log))
      if (f.startsWith('segment-')) bytes += (await stat(join(log, f))).size;
    const out = join(dir, 'out.ndjson');
    const logs: LogEntry[] = [];
    // The log's targets.json still names "hop"; this run has only "archive".
    const d = exporterTo(
      { name: 'archive', type: 'file', path: out, buffer: { type: 'disk', path: log, segmentBytes: 8192 } },
      {},
      logs,
    );
    await d.initialize();
    await Promise.all(range(300, 310).map((seq) => d.execute({ seq }, context())));
    await eventually(() => d.outputBooks()[0]!.delivered === 10 || undefined, { what: '10 delivered' });
    await d.shutdown();
    expect(await lines(out)).toEqual(range(300, 310));
    const warned = logs.filter((l) => l.level === 'warn').map((l) => l.fields);
    expect(warned).toEqual([{ target: 'hop', dir: log, records: 300, bytes }]);
    expect((await readdir(log)).filter((f) => f.startsWith('segment-')).length).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['not JSON', '{"segment":1,"off'],
  ])('a cursor file %s (a power failure after its rename) delivers from the start again', async (_, text) => {
    const dir = await tempDir();
    const log = join(dir, 'log');
    const out = join(dir, 'out.ndjson');
    const target: TargetOptions = {
      name: 'hop',
      type: 'file',
      path: out,
      buffer: { type: 'disk', path: log },
    };
    const first = exporterTo(target);
    await first.initialize();
    await Promise.all(range(0, 100).map((seq) => first.execute({ seq }, context())));
    await eventually(() => first.outputBooks()[0]!.delivered === 100 || undefined, { what: 'all delivered' });
    await first.shutdown();
    await writeFile(join(log, 'cursor-hop.json'), text);
    const logs: LogEntry[] = [];
    const d = exporterTo(target, {}, logs);
    await d.initialize();
    await eventually(() => d.outputBooks()[0]!.delivered === 100 || undefined, {
      what: 'all delivered again',
    });
    expect(d.outputBooks()[0]).toMatchObject({ carriedOver: 100, buffered: 0 });
    await d.shutdown();
    expect(await lines(out)).toEqual([...range(0, 100), ...range(0, 100)]);
    const warned = logs.filter((l) => l.level === 'warn').map((l) => l.fields);
    expect(warned).toEqual([{ target: 'hop', file: join(log, 'cursor-hop.json') }]);
  });
});

describe('disk buffer full (maxBytes undelivered)', () => {
  const maxBytes = 16 * 1024;
  const full = (dir: string, whenFull: 'block' | 'drop_newest' | 'dead_letter'): TargetOptions => ({
    ...nowhere(dir, join(dir, 'log')),
    buffer: { type: 'disk', path: join(dir, 'log'), maxBytes, whenFull },
  });
  const N = 2000; // about 150 KiB of frames: many times maxBytes

  it.each(['drop_newest', 'dead_letter'] as const)(
    '%s: takes what fits, and refuses the rest',
    async (whenFull) => {
      const dir = await tempDir();
      const d = exporterTo(full(dir, whenFull));
      await d.initialize();
      const outcomes = await Promise.allSettled(
        range(0, N).map(async (seq) => {
          // One at a time into the log: each record sees the room the ones before it left.
          await new Promise((r) => setImmediate(r));
          return d.execute({ seq, pad: 'x'.repeat(40) }, context());
        }),
      );
      const b = d.outputBooks()[0]!;
      expect(b.written).toBeGreaterThan(0);
      expect(b.lagBytes).toBeLessThanOrEqual(maxBytes);
      expect(b.written + b.dropped + b.deadLettered).toBe(N);
      if (whenFull === 'drop_newest') {
        expect(b).toMatchObject({ deadLettered: 0, dropped: N - b.written });
        expect(outcomes.filter((o) => o.status === 'rejected').length).toBe(0);
      } else {
        expect(b).toMatchObject({ dropped: 0, deadLettered: N - b.written });
        const failed = outcomes.flatMap((o) =>
          o.status === 'rejected' ? [o.reason as { code: string; targets: string[] }] : [],
        );
        expect(failed.length).toBe(N - b.written);
        expect(failed[0]).toMatchObject({ code: 'TAPLINE_ERR_EXPORT', targets: ['hop'] });
      }
    },
  );

  it('block: what does not fit waits outside the log, and goes in once the hop takes records', async () => {
    const dir = await tempDir();
    const d = exporterTo(full(dir, 'block'));
    await d.initialize();
    let done = 0;
    const all = range(0, N).map((seq) =>
      Promise.resolve(d.execute({ seq, pad: 'x'.repeat(40) }, context())).then(() => done++),
    );
    await eventually(
      () => (d.outputBooks()[0]!.waiting > 0 && d.outputBooks()[0]!.queued === 0) || undefined,
      {
        what: 'records waiting for room',
      },
    );
    const b = d.outputBooks()[0]!;
    expect(b.lagBytes).toBeLessThanOrEqual(maxBytes);
    expect(b.written + b.waiting).toBe(N);
    expect(done).toBe(b.written);
    const hop = new Pull({ linger: 0 });
    await hop.bind(`ipc://${join(dir, 'nobody')}`);
    const got: number[] = [];
    try {
      while (got.length < N)
        got.push((JSON.parse((await hop.receive())[0]!.toString()) as { seq: number }).seq);
      await Promise.all(all);
    } finally {
      hop.close();
    }
    expect(got).toEqual(range(0, N));
    expect(d.outputBooks()[0]).toMatchObject({ routed: N, written: N, waiting: 0 });
  });

  it('a segment that cannot be opened fails the batch that needed it, and the log goes on once it can', async () => {
    const dir = await tempDir();
    const log = join(dir, 'log');
    const out = join(dir, 'out.ndjson');
    const d = exporterTo({
      type: 'file',
      path: out,
      buffer: { type: 'disk', path: log, segmentBytes: 8192 },
    });
    await d.initialize();
    // Where the second segment goes, a folder: opening it for appending fails (EISDIR).
    const second = join(log, 'segment-000000000002.log');
    await mkdir(second);
    const taken: number[] = [];
    let refused = 0;
    for (let from = 0; refused === 0; from += 100) {
      expect(from).toBeLessThan(1000); // the first segment fills within a few batches
      const results = await Promise.allSettled(
        range(from, from + 100).map((seq) => d.execute({ seq, pad: 'x'.repeat(40) }, context())),
      );
      results.forEach((r, i) => (r.status === 'fulfilled' ? taken.push(from + i) : refused++));
    }
    await rm(second, { recursive: true });
    const after = range(10_000, 10_100);
    await Promise.all(after.map((seq) => d.execute({ seq, pad: 'x'.repeat(40) }, context())));
    const expected = [...taken, ...after];
    await eventually(() => d.outputBooks()[0]!.delivered === expected.length || undefined, {
      what: 'every record taken delivered',
    });
    await d.shutdown();
    expect(await lines(out)).toEqual(expected);
  });
});
