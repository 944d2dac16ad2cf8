import type { Writable } from 'node:stream';
import { ExportError, messageOf } from '@tapline/core';
import type { ExportTarget } from './target.js';

/**
 * NDJSON lines to standard output (or any writable stream). Lines taken during one turn of the
 * event loop go out in one write: stdout is synchronous on Linux for pipes and files, so a write
 * per message would be blocking I/O per message. While the stream is over its high-water mark,
 * writers wait for `drain`.
 */
export class StdoutTarget implements ExportTarget {
  readonly name: string;
  private pending = '';
  private scheduled = false;
  /** Set while the stream pushes back; settles on `drain` (or fails on a stream error). */
  private drained: Promise<void> | undefined;
  private releaseDrain: ((err?: unknown) => void) | undefined;
  private failure: unknown;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly stream: Writable = process.stdout,
    name = 'stdout',
  ) {
    this.name = name;
  }

  async open(): Promise<void> {
    this.stream.on('error', this.onError);
    this.stream.on('drain', this.onDrain);
  }

  write(json: string): void | Promise<void> {
    if (this.failure !== undefined) {
      throw new ExportError(this.name, `the stream failed (${messageOf(this.failure)})`, this.failure);
    }
    if (this.closing !== undefined) throw new ExportError(this.name, 'the exporter is shutting down');
    this.pending += json;
    this.pending += '\n';
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushNow);
    }
    return this.drained;
  }

  close(): Promise<void> {
    return (this.closing ??= this.finish());
  }

  private async finish(): Promise<void> {
    const chunk = this.pending;
    this.pending = '';
    try {
      if (this.failure !== undefined) throw this.failure;
      if (chunk.length === 0 && this.stream.writableLength === 0) return;
      // Writes complete in order, so this callback means every earlier line is out too.
      await new Promise<void>((resolve, reject) =>
        this.stream.write(chunk, (err?: Error | null) => (err ? reject(err) : resolve())),
      );
    } catch (err) {
      throw new ExportError(this.name, `could not flush standard output: ${messageOf(err)}`, err);
    } finally {
      this.stream.off('error', this.onError);
      this.stream.off('drain', this.onDrain);
    }
  }

  private readonly flushNow = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0 || this.closing !== undefined) return;
    const chunk = this.pending;
    this.pending = '';
    if (!this.stream.write(chunk) && this.drained === undefined) {
      this.drained = new Promise<void>((resolve, reject) => {
        this.releaseDrain = (err) => (err === undefined ? resolve() : reject(err));
      });
      this.drained.catch(() => {}); // waiters get the rejection; nobody waiting is fine too
    }
  };

  private readonly onDrain = (): void => this.settleDrain();

  private readonly onError = (err: unknown): void => {
    this.failure = err;
    this.settleDrain(new ExportError(this.name, `the stream failed (${messageOf(err)})`, err));
  };

  private settleDrain(err?: unknown): void {
    const release = this.releaseDrain;
    this.drained = undefined;
    this.releaseDrain = undefined;
    release?.(err);
  }
}
