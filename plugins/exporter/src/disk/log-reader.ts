import { open, type FileHandle } from 'node:fs/promises';
import { messageOf, type Logger } from '@tapline/core';
import type { RetryPolicy } from '@tapline/core/io';
import type { ExportTarget } from '../target.js';
import { saveCursor, type Cursor } from './cursor-file.js';
import { readFrame, resync } from './frame.js';
import type { LogListener, SegmentLog } from './segment-log.js';

/** Records one delivery window holds at most: a target has at most these in flight. */
export const WINDOW_RECORDS = 1024;
/** Stands for a frame of the window that is not for this target (or was damaged). */
const SKIP = Promise.resolve();
const CHUNK_BYTES = 256 * 1024;

/**
 * Delivers the log's records for one target, in the log's order, from its cursor: reads a
 * window, writes each record to the target, and once the target has them all, moves the cursor
 * past them and saves it. A window that fails is retried from the first record the target did
 * not take, with backoff: the log holds the records meanwhile. Once that record has failed
 * `maxRetries` tries again (unless -1), it is handed to `giveUp` (its late dead letter) and the
 * cursor moves past it, so one record the target never takes cannot hold back the rest. After a
 * crash, the records of the window in flight may be delivered again; no record is skipped.
 */
export class LogReader implements LogListener {
  /** Records for the target durably in the log and not yet delivered. */
  buffered: number;
  delivered = 0;
  /** Records found for it at start-up: carried over from the last run. */
  readonly carriedOver: number;
  /** Damaged frames skipped while reading. */
  skipped = 0;
  /** When the oldest record not yet delivered was appended, epoch ms. */
  oldest: number | undefined;
  /** Bytes of the log before the cursor. */
  passedBytes = 0;
  private stopped = false;
  private wake: (() => void) | undefined;
  private fh: FileHandle | undefined;
  private fhSegment = -1;
  private running: Promise<void> | undefined;
  /** Where the next window is read: ahead of the saved cursor by what the target may not confirm yet. */
  private readonly at: Cursor;
  /** Window ends read past and not saved yet, with the records sent in each. */
  private readonly marks: Array<{ segment: number; offset: number; records: number; bytes: number }> = [];
  /** Records sent after the saved cursor. */
  private sentAfter = 0;
  /** Bytes of the log from the saved cursor to where the next window is read. */
  private heldBytes = 0;
  /** Records the target may have answered for without the next hop having them (`unconfirmed`). */
  private readonly holdBack: number;
  /** Where the record that failed last starts (segment, offset), and how often it failed. */
  private failingSegment = -1;
  private failingAt = -1;
  private tries = 0;

  constructor(
    private readonly log: SegmentLog,
    private readonly bit: number,
    readonly cursor: Cursor,
    private readonly target: ExportTarget,
    private readonly retry: RetryPolicy,
    private readonly logger: Logger,
    private readonly onAdvance: () => void,
    private readonly maxRetries: number,
    private readonly giveUp: (json: string, err: unknown, tries: number) => Promise<void>,
  ) {
    this.at = { ...cursor };
    this.holdBack = target.unconfirmed ?? 0;
    const backlog = log.backlogs[bit];
    this.buffered = this.carriedOver = backlog?.records ?? 0;
    this.oldest = backlog?.oldest;
    this.measure();
  }

  appended(count: number, time: number): void {
    this.buffered += count;
    this.oldest ??= time;
    this.wake?.();
  }

  /** Bytes of the log not sent yet, those not yet written included. */
  lagBytes(): number {
    return this.log.bytes - this.passedBytes - this.heldBytes;
  }

  start(): void {
    this.running ??= this.run().catch((err: unknown) => {
      this.logger.error({ err, target: this.target.name }, 'disk buffer: delivery stopped');
    });
  }

  /** Stops after the window in flight; the target's close ends a send that waits. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async finished(): Promise<void> {
    await this.running;
    await this.fh?.close().catch(() => {});
    this.fh = undefined;
  }

  private measure(): void {
    let passed = this.cursor.offset;
    for (const s of this.log.segments) if (s.id < this.cursor.segment) passed += s.size;
    this.passedBytes = passed;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const segs = this.log.segments;
      if (this.at.segment < segs[0]!.id) Object.assign(this.at, { segment: segs[0]!.id, offset: 0 });
      const i = segs.findIndex((s) => s.id === this.at.segment);
      const seg = segs[i]!;
      if (this.at.offset >= seg.size) {
        if (i < segs.length - 1) {
          Object.assign(this.at, { segment: segs[i + 1]!.id, offset: 0 });
          await this.mark(this.at.segment, 0, 0, 0);
          continue;
        }
        if (this.buffered === 0) this.oldest = undefined;
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
        continue;
      }
      const done = await this.deliverWindow(seg.id, seg.path, seg.size);
      if (done) {
        failures = 0;
        continue;
      }
      const delayMs = Math.min(this.retry.retryMaxDelayMs, this.retry.retryDelayMs * 2 ** failures++);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, delayMs).unref();
      });
      this.wake = undefined;
    }
  }

  /** Delivers the next window; false when the target did not take all of it. */
  private async deliverWindow(segment: number, path: string, size: number): Promise<boolean> {
    if (this.fhSegment !== segment) {
      await this.fh?.close();
      this.fh = await open(path, 'r');
      this.fhSegment = segment;
    }
    const start = this.at.offset;
    let buf = await this.read(start, Math.min(CHUNK_BYTES, size - start));
    const sends: Promise<void>[] = [];
    const jsons: string[] = [];
    const ends: number[] = [];
    let at = 0;
    let oldest: number | undefined;
    while (at < buf.length && sends.length < WINDOW_RECORDS) {
      const r = readFrame(buf, at, start);
      // Short within what the segment holds: read more. Short to its end: a damaged length field.
      if (r.kind === 'short' && start + buf.length < size) {
        if (at > 0) break;
        // One frame larger than a chunk: read all of it.
        buf = await this.read(start, size - start);
        continue;
      }
      if (r.kind !== 'frame') {
        const rest = await this.read(start + at, size - start - at);
        const next = resync(rest, 0);
        const skip = next > 0 ? next : rest.length;
        this.skipped++;
        const known = this.log.damage.some((d) => d.segment === path && d.at === start + at);
        this.logger[known ? 'debug' : 'warn'](
          { target: this.target.name, segment: path, at: start + at, bytes: skip },
          'disk buffer: skipped a damaged record',
        );
        ends.push(start + at + skip);
        sends.push(SKIP);
        break;
      }
      const f = r.frame;
      at = f.end - start;
      ends.push(f.end);
      if ((f.mask & (1 << this.bit)) === 0) sends.push(SKIP);
      else {
        oldest ??= f.time;
        const json = f.json.toString('utf8');
        jsons[sends.length] = json;
        sends.push(this.send(json));
      }
    }
    if (oldest !== undefined) this.oldest = oldest;
    let taken = sends.length;
    let failure: unknown;
    try {
      await Promise.all(sends);
    } catch (err) {
      const results = await Promise.allSettled(sends);
      taken = results.findIndex((x) => x.status === 'rejected');
      failure = (results[taken] as PromiseRejectedResult).reason;
      this.logger.warn(
        { err: messageOf(err), target: this.target.name, taken },
        'disk buffer: delivery failed; retrying from the log',
      );
    }
    if (taken > 0) await this.advance(segment, start, ends[taken - 1]!, sends.slice(0, taken));
    if (taken === sends.length) return true;
    return this.failed(segment, taken === 0 ? start : ends[taken - 1]!, ends[taken]!, jsons[taken]!, failure);
  }

  /**
   * The record from `at` to `end` failed once more: true once it was given up on (dead-lettered
   * and passed), so the next window follows at once; false to try it again after a backoff.
   */
  private async failed(
    segment: number,
    at: number,
    end: number,
    json: string,
    err: unknown,
  ): Promise<boolean> {
    // A send the stop cut short is no try: the record stays in the log for the next start.
    if (this.stopped) return false;
    if (segment === this.failingSegment && at === this.failingAt) this.tries++;
    else {
      this.failingSegment = segment;
      this.failingAt = at;
      this.tries = 1;
    }
    if (this.maxRetries < 0 || this.tries <= this.maxRetries) return false;
    await this.giveUp(json, err, this.tries);
    this.failingSegment = this.failingAt = -1;
    this.tries = 0;
    this.buffered--;
    this.at.offset = end;
    await this.mark(segment, end, 0, end - at);
    return true;
  }

  private send(json: string): Promise<void> {
    try {
      return this.target.write(json);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private async advance(segment: number, start: number, end: number, taken: Promise<void>[]): Promise<void> {
    let sent = 0;
    for (const p of taken) if (p !== SKIP) sent++;
    this.delivered += sent;
    this.buffered -= sent;
    this.at.offset = end;
    await this.mark(segment, end, sent, end - start);
  }

  /**
   * The reader is past `offset` of `segment`, `records` more sent. The saved cursor follows to
   * the latest such point that has at least `holdBack` records sent after it: what a target
   * answered for while only this process held it (a ZeroMQ socket's queue) is sent again after a
   * crash instead of being lost with it.
   */
  private async mark(segment: number, offset: number, records: number, bytes: number): Promise<void> {
    this.marks.push({ segment, offset, records, bytes });
    this.sentAfter += records;
    this.heldBytes += bytes;
    let moved = false;
    let passedSegment = false;
    while (this.marks.length > 0 && this.sentAfter - this.marks[0]!.records >= this.holdBack) {
      const m = this.marks.shift()!;
      this.sentAfter -= m.records;
      this.heldBytes -= m.bytes;
      passedSegment ||= m.segment !== this.cursor.segment;
      this.cursor.segment = m.segment;
      this.cursor.offset = m.offset;
      moved = true;
    }
    if (moved) {
      this.measure();
      await this.save();
      if (passedSegment) this.log.release();
    }
    this.onAdvance();
  }

  private read(at: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    return this.fh!.read(buf, 0, length, at).then(({ bytesRead }) => buf.subarray(0, bytesRead));
  }

  private save(): Promise<void> {
    const sync = this.log.options.sync === 'always';
    return saveCursor(this.log.dir, this.log.names[this.bit]!, this.cursor, sync);
  }
}
