import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExportError, ShutdownError, messageOf, type Logger } from '@tapline/core';
import { FILE_DEFAULTS, type FileTargetOptions, type RetryPolicy } from './options.js';
import { withRetry } from './retry.js';
import { fitting, rotateFiles } from './rotation.js';
import type { ExportTarget } from './target.js';

/** Past this many times `flushBytes` waiting in memory, writers wait for the disk to catch up. */
const HIGH_WATER_FACTOR = 8;

/**
 * NDJSON lines to a file. Lines collect in memory and go out in one write every
 * `flushIntervalMs` or `flushBytes`, whichever comes first; `close` writes the rest and fsyncs.
 * A write that fails is retried with backoff; while one keeps failing, new lines are refused.
 */
export class FileTarget implements ExportTarget {
  readonly name: string;
  private readonly flushBytes: number;
  private readonly highWater: number;
  private fh: FileHandle | undefined;
  private size = 0;
  /** Lines taken and not yet handed to the OS; string concatenation is cheap in V8 (ropes). */
  private pending = '';
  /** `pending.length`: UTF-16 units, a cheap estimate of its bytes (exact for ASCII). */
  private pendingLength = 0;
  /** Bytes already encoded that a failed write left behind; they go out before `pending`. */
  private carry: Buffer | undefined;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;
  private closing: Promise<void> | undefined;

  constructor(
    readonly path: string,
    private readonly options: FileTargetOptions,
    private readonly retry: RetryPolicy,
    private readonly log: Logger,
  ) {
    this.name = `file:${path}`;
    this.flushBytes = options.flushBytes ?? FILE_DEFAULTS.flushBytes;
    this.highWater = this.flushBytes * HIGH_WATER_FACTOR;
  }

  async open(): Promise<void> {
    await this.ensureOpen();
    const every = this.options.flushIntervalMs ?? FILE_DEFAULTS.flushIntervalMs;
    this.timer = setInterval(() => void this.flush().catch(() => {}), every);
    this.timer.unref();
  }

  write(json: string): void | Promise<void> {
    if (this.closing !== undefined) throw new ExportError(this.name, 'the exporter is shutting down');
    if (this.failure !== undefined) {
      throw new ExportError(this.name, `writes keep failing (${messageOf(this.failure)})`, this.failure);
    }
    this.pending += json;
    this.pending += '\n';
    this.pendingLength += json.length + 1;
    if (this.pendingLength < this.flushBytes) return;
    const flushed = this.flush();
    // The line is in the buffer either way; a writer that outpaces the disk just waits.
    if (this.pendingLength >= this.highWater) return flushed.catch(() => {});
    flushed.catch(() => {});
  }

  /** Writes out what is buffered. Resolves once the buffer is written, rejects when it could not be. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  close(): Promise<void> {
    return (this.closing ??= this.finish());
  }

  private async finish(): Promise<void> {
    clearInterval(this.timer);
    try {
      await this.flushing?.catch(() => {});
      while (this.carry !== undefined || this.pending.length > 0) await this.flush();
      await this.fh?.sync();
    } catch (err) {
      const left = (this.carry?.length ?? 0) + Buffer.byteLength(this.pending);
      throw new ShutdownError(
        'TAPLINE_ERR_FLUSH_FAILED',
        `Could not flush ${left} bytes to ${this.path}: ${messageOf(err)}`,
        err,
      );
    } finally {
      await this.fh?.close().catch(() => {});
      this.fh = undefined;
    }
  }

  private async drain(): Promise<void> {
    while (this.carry !== undefined || this.pending.length > 0) {
      if (this.carry === undefined) {
        this.carry = Buffer.from(this.pending, 'utf8');
        this.pending = '';
        this.pendingLength = 0;
      }
      try {
        await withRetry(
          this.retry,
          () => this.writeCarry(),
          (err, retry, delayMs) =>
            this.log.warn({ err, target: this.name, retry, delayMs }, 'file write failed; retrying'),
        );
      } catch (err) {
        this.failure = err;
        this.log.error(
          { err, target: this.name },
          'file write failed; refusing new messages until it recovers',
        );
        throw err;
      }
      this.failure = undefined;
    }
  }

  private async writeCarry(): Promise<void> {
    let buf = this.carry!;
    while (buf.length > 0) {
      const fh = await this.ensureOpen(); // a rotation swaps the handle
      const n = fitting(buf, this.size, this.options.rotateBytes);
      if (n === 0) {
        await this.rotate();
        continue;
      }
      const { bytesWritten } = await fh.write(buf, 0, n);
      this.size += bytesWritten;
      buf = buf.subarray(bytesWritten);
      this.carry = buf; // progress survives a failure: a retry resumes here
    }
    this.carry = undefined;
  }

  private async rotate(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.sync();
    await fh?.close();
    await rotateFiles(this.path, this.options.rotateKeep ?? FILE_DEFAULTS.rotateKeep);
    await this.ensureOpen();
  }

  private async ensureOpen(): Promise<FileHandle> {
    if (this.fh !== undefined) return this.fh;
    await mkdir(dirname(this.path), { recursive: true });
    const fh = await open(this.path, 'a');
    this.size = (await fh.stat()).size;
    this.fh = fh;
    return fh;
  }
}
