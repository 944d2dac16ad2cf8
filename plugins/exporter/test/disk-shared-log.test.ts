import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Pull } from 'zeromq';
import { eventually } from '@tapline/testkit';
import type { ExporterDomain, TargetOptions } from '../src/index.js';
import { context, exporterTo, shutdownExporters, tempDir } from './helpers.js';

const sockets: Pull[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await shutdownExporters();
  for (const s of sockets.splice(0)) s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const SEGMENT_BYTES = 4096;
const SEND_HWM = 10;
/**
 * Records a ZeroMQ target's saved cursor stays behind what it sent (`unconfirmed`): its socket's
 * queue and the 8 KiB its engine batches, so a crash sends them again instead of losing them.
 */
const HELD_BACK = SEND_HWM + 2049;

async function workDir(): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
}

/** A ZeroMQ next hop at an ipc path in `dir`, behind the disk buffer in `dir`/log. */
const hop = (dir: string, name: string): TargetOptions => ({
  name,
  type: 'zmq',
  address: `ipc://${join(dir, name)}`,
  sendTimeoutMs: -1,
  sendHighWaterMark: SEND_HWM,
  buffer: { type: 'disk', path: join(dir, 'log'), segmentBytes: SEGMENT_BYTES },
});

/** Binds the hop `name`'s PULL socket; collects the sequence numbers it receives. */
async function startHop(dir: string, name: string): Promise<number[]> {
  const pull = new Pull({ linger: 0 });
  sockets.push(pull);
  await pull.bind(`ipc://${join(dir, name)}`);
  const got: number[] = [];
  void (async () => {
    for await (const [frame] of pull) got.push((JSON.parse(frame!.toString()) as { seq: number }).seq);
  })().catch(() => {});
  return got;
}

/** The log's segment files, oldest first, their total size, and the records in them in order. */
async function logged(log: string): Promise<{ ids: number[]; bytes: number; seqs: number[] }> {
  const files = (await readdir(log)).filter((f) => /^segment-\d+\.log$/.test(f)).sort();
  let bytes = 0;
  const seqs: number[] = [];
  for (const f of files) {
    bytes += (await stat(join(log, f))).size;
    const text = (await readFile(join(log, f))).toString('latin1');
    for (const m of text.matchAll(/"seq":(\d+)/g)) seqs.push(Number(m[1]));
  }
  return { ids: files.map((f) => Number(f.slice(8, 20))), bytes, seqs };
}

/**
 * The log once its files hold what the books say and its first segment is gone: a segment is
 * taken off the books when the cursors passed it, and its file deleted after.
 */
function trimmedLog(log: string, books: () => number | undefined) {
  return eventually(
    async () => {
      const l = await logged(log).catch(() => undefined); // a file deleted while read
      return l !== undefined && l.ids[0]! > 1 && l.bytes === books() ? l : undefined;
    },
    { what: 'the first segments deleted, the files as the books say', timeoutMs: 30_000 },
  );
}

/** Sends `seqs` in batches of 100; each batch completes once its records are in the log. */
async function send(d: ExporterDomain, seqs: number[]): Promise<void> {
  for (let i = 0; i < seqs.length; i += 100) {
    await Promise.all(
      seqs.slice(i, i + 100).map((seq) => d.execute({ seq, pad: 'x'.repeat(40) }, context())),
    );
  }
}

const until = (what: string, ok: () => boolean) =>
  eventually(() => ok() || undefined, { what, timeoutMs: 30_000 });

describe('two disk-buffered targets sharing one log', { timeout: 60_000 }, () => {
  it('two ZeroMQ hops: one copy per record, each hop at its own pace, a segment deleted once both cursors are past it', async () => {
    const dir = await workDir();
    const log = join(dir, 'log');
    const N = 6000;
    const fast = await startHop(dir, 'hop-a');
    const d = exporterTo([hop(dir, 'hop-a'), hop(dir, 'hop-b')]);
    await d.initialize();
    await send(d, range(0, N));
    await until('hop-a has every record', () => fast.length === N);
    await until('hop-a delivered every record', () => d.outputBooks()[0]!.delivered === N);

    // hop-b is down: hop-a's cursor passed every segment, hop-b's none, and all are kept.
    const kept = await logged(log);
    expect(kept.seqs).toEqual(range(0, N)); // one copy of each record, for both hops
    expect(kept.ids.length).toBeGreaterThan(20);
    expect(kept.ids).toEqual(range(1, kept.ids.length + 1));
    const [a, b] = d.outputBooks();
    expect(a).toMatchObject({ written: N, delivered: N, buffered: 0, lagBytes: 0, logBytes: kept.bytes });
    expect(b).toMatchObject({
      written: N,
      delivered: 0,
      buffered: N,
      lagBytes: kept.bytes,
      logBytes: kept.bytes,
    });

    const slow = await startHop(dir, 'hop-b');
    await until('hop-b has every record', () => slow.length === N);
    expect(slow).toEqual(range(0, N));
    expect(fast).toEqual(range(0, N)); // hop-b's reading sent hop-a nothing again
    await until('hop-b delivered every record', () => d.outputBooks()[1]!.delivered === N);
    const left = await trimmedLog(log, () => d.outputBooks()[1]!.logBytes);
    expect(left.ids).toEqual(range(left.ids[0]!, kept.ids.at(-1)! + 1));
    // What is left is the log's tail, from where the cursors were saved: behind what each
    // hop's socket may still hold.
    expect(left.seqs).toEqual(range(left.seqs[0]!, N));
    expect(left.seqs[0]).toBeGreaterThan(0);
    expect(left.seqs[0]).toBeLessThanOrEqual(N - HELD_BACK);
    expect(d.outputBooks()[0]).toMatchObject({ lagBytes: 0, buffered: 0, delivered: N });
    expect(d.outputBooks()[1]).toMatchObject({ lagBytes: 0, buffered: 0, delivered: N });
  });

  it('a file and a ZeroMQ hop: a stop keeps what the hop has not had, and after the start only the hop gets it', async () => {
    const dir = await workDir();
    const log = join(dir, 'log');
    const out = join(dir, 'archive.ndjson');
    const N = 3000;
    const targets: TargetOptions[] = [
      {
        name: 'archive',
        type: 'file',
        path: out,
        buffer: { type: 'disk', path: log, segmentBytes: SEGMENT_BYTES },
      },
      hop(dir, 'hop'),
    ];
    const first = exporterTo(targets);
    await first.initialize();
    await send(first, range(0, N));
    await until('the archive delivered every record', () => first.outputBooks()[0]!.delivered === N);
    expect(first.outputBooks()[1]).toMatchObject({ delivered: 0, buffered: N });
    await first.shutdown();
    const kept = await logged(log);
    expect(kept.seqs).toEqual(range(0, N));
    expect(kept.ids).toEqual(range(1, kept.ids.length + 1));
    expect(kept.ids.length).toBeGreaterThan(10);

    const second = exporterTo(targets);
    await second.initialize();
    // Each target resumes from its own cursor: the archive had all, the hop none.
    expect(second.outputBooks()[0]).toMatchObject({ carriedOver: 0, buffered: 0 });
    expect(second.outputBooks()[1]).toMatchObject({ carriedOver: N, buffered: N });
    const got = await startHop(dir, 'hop');
    await until('the hop has every record', () => got.length === N);
    expect(got).toEqual(range(0, N));
    const left = await trimmedLog(log, () => second.outputBooks()[0]!.logBytes);
    expect(left.seqs).toEqual(range(left.seqs[0]!, N));
    await second.shutdown();
    const lines = (await readFile(out, 'utf8')).split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual(range(0, N));
  });
});
