import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorTypeOf } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { deferred, type Deferred } from './deferred.js';
import { withRetry, type RetryPolicy } from './retry.js';
import { fitting, rotateFiles } from './rotation.js';

/** How a {@link LineFile} batches, rotates and retries. */
export interface LineFileOptions {
  /**
   * How long lines may collect before a write begins. 0 (the default): a write begins as soon
   * as the previous one returned, so lines taken meanwhile go out together (group commit).
   */
  readonly lingerMs?: number;
  /** With `lingerMs`, a write begins at once when this many bytes (UTF-16 units) wait. */
  readonly batchBytes?: number;
  /** Rotate to `path.1`, `path.2` … once the file would exceed this size. */
  readonly rotateBytes?: number;
  /** Rotated files kept (default 5). */
  readonly rotateKeep?: number;
  /** Retries of a failed write (default: none). While writes keep failing, each batch gets one attempt. */
  readonly retry?: RetryPolicy;
  readonly logger?: Logger;
  /** What a batch that could not be written rejects with, made from the write's error (default: it). */
  readonly errorFor?: (err: unknown) => unknown;
}

interface Batch {
  text: string;
  lines: number;
  readonly done: Deferred;
}

const NO_RETRY: RetryPolicy = { retries: 0, retryDelayMs: 0, retryMaxDelayMs: 0 };
/** Batches up to this many bytes are encoded into one buffer the file keeps; larger ones into their own. */
const KEPT_BUFFER_BYTES = 1024 * 1024;
/** A file that keeps failing is reported at most this often. */
const REPORT_EVERY_MS = 10_000;

/**
 * An append-only file of lines whose every `append` answers when the line reached the OS.
 * Lines are written in batches, and each line's promise settles with its batch's `write`: it
 * resolves once the bytes are in the file, and rejects when they could not be written (retries
 * included). A write that fails part-way is cut back, so no torn line stays. After every write
 * the file is checked: if it was deleted meanwhile, the batch is written again to a new file at
 * the path; if it was moved away (rotated by another tool), later batches go to a new file.
 */
export class LineFile {
  /** Lines the OS took. */
  written = 0;
  /** Lines that could not be written. */
  failed = 0;
  private readonly lingerMs: number;
  private readonly batchBytes: number;
  private readonly retry: RetryPolicy;
  private readonly log: Logger;
  private fh: FileHandle | undefined;
  private ino = 0;
  private dev = 0;
  private size = 0;
  private batch: Batch | undefined;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private failing = false;
  private reopenWanted = false;
  private closing: Promise<void> | undefined;
  private unreported = 0;
  private reportedAt = -Infinity;
  /** Where batches are encoded, write after write (one write at a time): grown up to KEPT_BUFFER_BYTES. */
  private out: Buffer | undefined;

  constructor(
    readonly path: string,
    private readonly options: LineFileOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 0;
    this.batchBytes = options.batchBytes ?? 64 * 1024;
    this.retry = options.retry ?? NO_RETRY;
    this.log = options.logger ?? silentLogger;
  }

  /** Opens (or creates) the file for appending, making its directory if needed. */
  async open(): Promise<void> {
    await this.handle();
  }

  /** Takes one line (without its newline). Settles when its batch was written, or could not be. */
  append(line: string): Promise<void> {
    if (this.closing !== undefined) return Promise.reject(new Error(`${this.path} is closed`));
    let b = this.batch;
    if (b === undefined) {
      b = this.batch = { text: '', lines: 0, done: deferred() };
      if (this.writing === undefined) this.schedule();
    }
    b.text += line;
    b.text += '\n';
    b.lines++;
    if (this.lingerMs > 0 && b.text.length >= this.batchBytes && this.writing === undefined) this.kick();
    return b.done.promise;
  }

  /** Takes several lines at once, in order: one promise for all, as `append` gives each. */
  appendAll(lines: readonly string[]): Promise<void> {
    if (this.closing !== undefined) return Promise.reject(new Error(`${this.path} is closed`));
    let b = this.batch;
    if (b === undefined) {
      b = this.batch = { text: '', lines: 0, done: deferred() };
      if (this.writing === undefined) this.schedule();
    }
    for (const line of lines) {
      b.text += line;
      b.text += '\n';
    }
    b.lines += lines.length;
    if (this.lingerMs > 0 && b.text.length >= this.batchBytes && this.writing === undefined) this.kick();
    return b.done.promise;
  }

  /** The next write opens the path anew (after log rotation by another tool). */
  reopen(): void {
    this.reopenWanted = true;
  }

  /** Writes what is waiting, fsyncs and closes. Idempotent. Rejects only when the fsync failed. */
  close(): Promise<void> {
    return (this.closing ??= this.finish());
  }

  private async finish(): Promise<void> {
    this.kick();
    await this.writing;
    if (this.unreported > 0) {
      this.log.error(
        { file: this.path, lines: this.unreported, failedSoFar: this.failed },
        `${this.unreported} more line(s) could not be written to ${this.path}`,
      );
    }
    const fh = this.fh;
    this.fh = undefined;
    try {
      await fh?.sync();
    } finally {
      await fh?.close().catch(() => {});
    }
  }

  private schedule(): void {
    this.timer = this.lingerMs > 0 ? setTimeout(this.kick, this.lingerMs) : setImmediate(this.kick);
  }

  private readonly kick = (): void => {
    if (this.timer !== undefined) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    if (this.writing !== undefined || this.batch === undefined) return;
    this.writing = this.pump().finally(() => {
      this.writing = undefined;
      if (this.batch !== undefined) this.schedule();
    });
  };

  /** Writes batches one after another until none waits: lines taken during a write form the next one. */
  private async pump(): Promise<void> {
    for (let b = this.batch; b !== undefined; b = this.batch) {
      this.batch = undefined;
      try {
        await this.writeOut(this.encode(b.text));
        this.written += b.lines;
        b.done.resolve();
      } catch (err) {
        this.failed += b.lines;
        this.report(err, b.lines);
        b.done.reject(this.options.errorFor === undefined ? err : this.options.errorFor(err));
      }
    }
  }

  /**
   * A batch's bytes, in the buffer the file keeps. A buffer made per write would be garbage
   * whose memory outlives it: one still being written at a scavenge or two is promoted, and its
   * memory waits for a full collection.
   */
  private encode(text: string): Buffer {
    let out = this.out;
    let size: number | undefined;
    if (out !== undefined) {
      const n = out.write(text, 0, 'utf8');
      // A write that stopped short of the end fits; one that reached it may have been cut.
      if (out.length - n >= 4 || (size = Buffer.byteLength(text, 'utf8')) === n) return out.subarray(0, n);
    }
    size ??= Buffer.byteLength(text, 'utf8');
    if (size >= KEPT_BUFFER_BYTES) return Buffer.from(text, 'utf8');
    out = this.out = Buffer.allocUnsafeSlow(Math.min(KEPT_BUFFER_BYTES, 2 ** Math.ceil(Math.log2(size + 4))));
    return out.subarray(0, out.write(text, 0, 'utf8'));
  }

  private async writeOut(buf: Buffer): Promise<void> {
    let offset = 0; // progress survives a failed attempt: a retry resumes after the lines written
    const attempt = async (): Promise<void> => {
      while (offset < buf.length) offset += await this.writeChunk(buf.subarray(offset));
    };
    const onRetry = (err: unknown, retry: number, delayMs: number): void =>
      this.log.warn({ err, file: this.path, retry, delayMs }, 'write failed; retrying');
    await withRetry(this.failing ? NO_RETRY : this.retry, attempt, onRetry).then(
      () => (this.failing = false),
      (err: unknown) => {
        this.failing = true;
        throw err;
      },
    );
  }

  /** Writes the whole lines of `buf` that fit before a rotation; returns how many bytes that was. */
  private async writeChunk(buf: Buffer): Promise<number> {
    let fh = await this.handle();
    let n = fitting(buf, this.size, this.options.rotateBytes);
    if (n === 0) {
      await this.rotate();
      fh = await this.handle();
      n = fitting(buf, this.size, this.options.rotateBytes);
    }
    const start = this.size;
    try {
      for (let done = 0; done < n;) {
        const { bytesWritten } = await fh.write(buf, done, n - done);
        done += bytesWritten;
        this.size += bytesWritten;
      }
    } catch (err) {
      // A torn line must not stay in the file: cut it back to where this write began.
      await fh.truncate(start).then(
        () => (this.size = start),
        (cut: unknown) => this.log.error({ err: cut, file: this.path }, 'could not cut back a torn write'),
      );
      throw err;
    }
    if (await this.unlinked(fh)) {
      this.log.warn({ file: this.path }, `${this.path} was deleted; writing to a new file there`);
      await this.drop();
      return 0; // written to a file nobody can read: write these lines again
    }
    return n;
  }

  /** The open handle, (re)opened when there is none, a reopen was asked, or the path moved away. */
  private async handle(): Promise<FileHandle> {
    if (this.fh !== undefined && !this.reopenWanted) {
      if (!(await this.movedAway())) return this.fh;
      this.log.warn({ file: this.path }, `${this.path} was moved or replaced; opening it anew`);
    }
    this.reopenWanted = false;
    await this.drop();
    await mkdir(dirname(this.path), { recursive: true });
    const fh = await open(this.path, 'a');
    try {
      const st = await fh.stat();
      this.size = st.size;
      this.ino = st.ino;
      this.dev = st.dev;
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
    this.fh = fh;
    return fh;
  }

  private async movedAway(): Promise<boolean> {
    try {
      const st = await stat(this.path);
      return st.ino !== this.ino || st.dev !== this.dev;
    } catch (err) {
      const code = errorTypeOf(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return true;
      throw err;
    }
  }

  private async unlinked(fh: FileHandle): Promise<boolean> {
    return (await fh.stat()).nlink === 0;
  }

  private async drop(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close().catch(() => {});
  }

  private async rotate(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.sync();
    await fh?.close();
    await rotateFiles(this.path, this.options.rotateKeep ?? 5);
  }

  /** One error line per failing stretch, then at most one every REPORT_EVERY_MS with the count. */
  private report(err: unknown, lines: number): void {
    this.unreported += lines;
    const now = performance.now();
    if (now - this.reportedAt < REPORT_EVERY_MS) return;
    this.log.error(
      { err, file: this.path, lines: this.unreported, failedSoFar: this.failed },
      `${this.unreported} line(s) could not be written to ${this.path}`,
    );
    this.reportedAt = now;
    this.unreported = 0;
  }
}
