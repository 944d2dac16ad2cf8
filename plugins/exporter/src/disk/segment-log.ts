import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '@tapline/core';
import { deferred, type Deferred } from '@tapline/core/io';
import { loadCursor, type Cursor } from './cursor-file.js';
import { HEADER_BYTES, encodeFrame } from './frame.js';
import { recover, reportRemoved, type Backlog, type Damage, type Segment } from './log-recovery.js';
import { fsyncPath, replaceFile } from './fsync-path.js';

export type SyncPolicy = 'always' | 'interval';

export interface LogOptions {
  readonly sync: SyncPolicy;
  readonly syncIntervalMs: number;
  readonly segmentBytes: number;
}

/** What the log tells the readers of its targets. */
export interface LogListener {
  /** Where the target's reader is. */
  readonly cursor: Cursor;
  /** Bytes of the log before its cursor. */
  passedBytes: number;
  /** `count` more records for this target are durably in the log, the first appended at `time`. */
  appended(count: number, time: number): void;
}

const SEGMENT = /^segment-(\d{12})\.log$/;
const segmentName = (id: number) => `segment-${String(id).padStart(12, '0')}.log`;

/**
 * The append side of a disk buffer: records go to segment files in one folder, each once
 * however many targets it is for (`mask`), in batches (group commit: a write begins once the
 * previous one returned, with what arrived meanwhile). A batch's promise resolves once it is
 * durable by the policy: `always` after its fdatasync, `interval` once the OS has it (synced
 * within `syncIntervalMs`). Targets read it back at their own cursors (`LogReader`).
 */
export class SegmentLog {
  readonly segments: Segment[] = [];
  /** The targets in the log's own table: a record's mask bit i is `names[i]`. */
  readonly names: string[] = [];
  readonly listeners: (LogListener | undefined)[] = [];
  backlogs: Backlog[] = [];
  damage: Damage[] = [];
  cursors: (Cursor | undefined)[] = [];
  /** Bytes in segment files, and taken but not yet written. */
  bytes = 0;
  private seq = 0;
  private fh: FileHandle | undefined;
  private jsons: string[] = [];
  private sizes: number[] = [];
  private masks: number[] = [];
  private batch: Deferred | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private opened: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly options: LogOptions,
    private readonly log: Logger,
  ) {}

  /** The bit of target `name` in this log's masks, once open. */
  bitOf(name: string): number {
    return this.names.indexOf(name);
  }

  /** Opens the folder: reads the target table and cursors, recovers the segments, opens the last. */
  open(targets: readonly string[]): Promise<void> {
    return (this.opened ??= this.load(targets));
  }

  /**
   * Appends one record for the target at `bit`. A record the previous append already holds for
   * other targets (the same JSON, not yet for this one) is not written again: the exporter
   * offers one record to its targets in a row.
   */
  append(json: string, bytes: number, bit: number): Promise<void> {
    const last = this.jsons.length - 1;
    if (last >= 0 && (this.masks[last]! & (1 << bit)) === 0 && this.jsons[last] === json) {
      this.masks[last]! |= 1 << bit;
    } else {
      this.jsons.push(json);
      this.sizes.push(bytes);
      this.masks.push(1 << bit);
      this.bytes += HEADER_BYTES + bytes;
    }
    const batch = (this.batch ??= deferred());
    this.writing ??= this.writeAll();
    return batch.promise;
  }

  /** Deletes the segments every reader's cursor is past (never the one written to). */
  release(): void {
    let min = Infinity;
    for (const l of this.listeners) if (l !== undefined) min = Math.min(min, l.cursor.segment);
    while (this.segments.length > 1 && this.segments[0]!.id < min) {
      const seg = this.segments.shift()!;
      this.bytes -= seg.size;
      for (const l of this.listeners) if (l !== undefined) l.passedBytes -= seg.size;
      unlink(seg.path).catch((err: unknown) =>
        this.log.warn({ err, segment: seg.path }, 'disk buffer: could not delete a segment'),
      );
    }
  }

  /** Writes what waits, syncs and closes the segment. Idempotent. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.opened?.catch(() => {});
    while (this.writing !== undefined) await this.writing;
    const fh = this.fh;
    this.fh = undefined;
    if (fh === undefined) return;
    try {
      if (this.dirty) await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  private async load(targets: readonly string[]): Promise<void> {
    const made = await mkdir(this.dir, { recursive: true });
    // A folder made here is durable once the folder holding it is synced.
    if (made !== undefined) {
      for (let d = resolve(this.dir); ; d = dirname(d)) {
        await this.syncPath(dirname(d));
        if (d === resolve(made) || d === dirname(d)) break;
      }
    }
    const tablePath = join(this.dir, 'targets.json');
    const table = await readFile(tablePath, 'utf8').then(
      (t) => JSON.parse(t) as string[],
      () => [],
    );
    this.names.push(...table);
    for (const name of targets) if (!this.names.includes(name)) this.names.push(name);
    if (this.names.length > 32)
      throw new Error(
        `the log in ${this.dir} names more than 32 targets; remove targets.json of targets gone for good`,
      );
    // Lost, the table would be rebuilt from the config, maybe in another order: the masks would
    // then name other targets.
    await replaceFile(tablePath, `${JSON.stringify(this.names)}\n`, this.options.sync === 'always');
    const files = (await readdir(this.dir)).filter((f) => SEGMENT.test(f));
    for (const m of files.sort())
      this.segments.push({ id: Number(m.slice(8, 20)), path: join(this.dir, m), size: 0 });
    const first = this.segments[0]?.id ?? 1;
    // A target without a cursor reads from the oldest segment; its records are in it if it had any.
    this.cursors = await Promise.all(
      this.names.map(async (n) => (await loadCursor(this.dir, n, this.log)) ?? { segment: first, offset: 0 }),
    );
    const found = await recover(this.segments, this.cursors, this.log);
    this.backlogs = found.backlogs;
    reportRemoved(this.dir, this.names, targets, this.backlogs, this.log);
    this.damage = found.damage;
    this.seq = found.lastSeq;
    for (const s of this.segments) this.bytes += s.size;
    const created = this.segments.length === 0;
    if (created) this.segments.push({ id: 1, path: join(this.dir, segmentName(1)), size: 0 });
    this.fh = await open(this.segments.at(-1)!.path, 'a');
    if (created) await this.syncPath(this.dir);
    if (this.options.sync === 'interval') {
      this.timer = setInterval(() => void this.syncNow(), this.options.syncIntervalMs);
      this.timer.unref();
    }
  }

  /** With `sync: "always"`, fsyncs a file, or a folder so that the names made in it are durable. */
  private async syncPath(path: string): Promise<void> {
    if (this.options.sync === 'always') await fsyncPath(path);
  }

  private async syncNow(): Promise<void> {
    if (!this.dirty || this.fh === undefined) return;
    this.dirty = false;
    await this.fh.datasync().catch((err: unknown) => {
      this.dirty = true;
      this.log.warn({ err, dir: this.dir }, 'disk buffer: fdatasync failed; retrying at the next interval');
    });
  }

  private async writeAll(): Promise<void> {
    // Records appended in this turn of the event loop go out together.
    await new Promise((r) => setImmediate(r));
    while (this.jsons.length > 0) {
      const { jsons, sizes, masks } = this;
      const batch = this.batch!;
      this.jsons = [];
      this.sizes = [];
      this.masks = [];
      this.batch = undefined;
      try {
        await this.writeBatch(jsons, sizes, masks);
        batch.resolve();
      } catch (err) {
        for (const s of sizes) this.bytes -= HEADER_BYTES + s;
        batch.reject(err);
      }
    }
    this.writing = undefined;
  }

  private async writeBatch(jsons: string[], sizes: number[], masks: number[]): Promise<void> {
    let total = 0;
    for (const s of sizes) total += HEADER_BYTES + s;
    let seg = this.segments.at(-1)!;
    if (seg.size > 0 && seg.size + total > this.options.segmentBytes) seg = await this.roll(seg);
    const buf = Buffer.allocUnsafe(total);
    const time = Date.now();
    const firstSeq = this.seq + 1;
    let at = 0;
    for (let i = 0; i < jsons.length; i++)
      at = encodeFrame(buf, at, jsons[i]!, sizes[i]!, masks[i]!, ++this.seq, time);
    try {
      const { bytesWritten } = await this.fh!.write(buf, 0, total);
      if (bytesWritten !== total) throw new Error(`a short write (${bytesWritten} of ${total} bytes)`);
      if (this.options.sync === 'always') await this.fh!.datasync();
      else this.dirty = true;
    } catch (err) {
      this.seq = firstSeq - 1;
      // Cut a part-written batch back, so the segment never holds a torn frame behind good ones.
      await this.fh!.truncate(seg.size).catch(() => {});
      throw err;
    }
    seg.size += total;
    const counts = new Array<number>(this.names.length).fill(0);
    for (const m of masks) for (let b = 0; b < counts.length; b++) if ((m & (1 << b)) !== 0) counts[b]!++;
    for (let b = 0; b < counts.length; b++) if (counts[b]! > 0) this.listeners[b]?.appended(counts[b]!, time);
  }

  /**
   * Moves appending to a new segment. The next one is opened before the current one is let go:
   * when it cannot be (a full disk, too many open files), the batch that needed it fails and
   * the current segment stays open, so the next batch tries again.
   */
  private async roll(seg: Segment): Promise<Segment> {
    const next: Segment = { id: seg.id + 1, path: join(this.dir, segmentName(seg.id + 1)), size: 0 };
    const fh = await open(next.path, 'a');
    const previous = this.fh!;
    try {
      await previous.datasync();
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
    this.fh = fh;
    this.segments.push(next);
    this.dirty = false;
    await previous.close().catch(() => {});
    // Before a record is taken into it: a segment whose name is lost takes its records with it.
    await this.syncPath(this.dir);
    return next;
  }
}
