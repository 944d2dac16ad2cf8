import type { Writable } from 'node:stream';
import { ExportError, messageOf } from '@tapline/core';
import { deferred, type Deferred } from '@tapline/core/io';
import type { ExportTarget } from './target.js';

interface Chunk {
  text: string;
  lines: number;
  readonly done: Deferred;
}

/**
 * NDJSON lines to standard output (or any writable stream). Lines taken during one turn of the
 * event loop go out in one write: stdout is synchronous on Linux for pipes and files, so a write
 * per message would be blocking I/O per message. Each line's promise settles with its chunk's
 * write callback, so a record completes once the stream took it, and a reader that does not
 * keep up holds the pipeline back.
 */
export class StdoutTarget implements ExportTarget {
  readonly name: string;
  written = 0;
  failed = 0;
  private chunk: Chunk | undefined;
  private failure: unknown;
  private closing: Promise<void> | undefined;
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(
    private readonly stream: Writable = process.stdout,
    name = 'stdout',
  ) {
    this.name = name;
  }

  open(): Promise<void> {
    this.stream.on('error', this.onError);
    return Promise.resolve();
  }

  write(json: string): Promise<void> {
    if (this.failure !== undefined) {
      throw new ExportError(this.name, `the stream failed (${messageOf(this.failure)})`, this.failure);
    }
    if (this.closing !== undefined) throw new ExportError(this.name, 'the exporter is shutting down');
    let c = this.chunk;
    if (c === undefined) {
      c = this.chunk = { text: '', lines: 0, done: deferred() };
      setImmediate(this.flushNow);
    }
    c.text += json;
    c.text += '\n';
    c.lines++;
    return c.done.promise;
  }

  close(): Promise<void> {
    return (this.closing ??= this.finish());
  }

  private async finish(): Promise<void> {
    this.flushNow();
    try {
      await this.lastWrite;
    } finally {
      this.stream.off('error', this.onError);
    }
  }

  private readonly flushNow = (): void => {
    const c = this.chunk;
    if (c === undefined) return;
    this.chunk = undefined;
    // Writes complete in order: this chunk's callback means every earlier line is out too.
    this.lastWrite = new Promise<void>((resolve, reject) => {
      this.stream.write(c.text, (err?: Error | null) => {
        if (err) {
          this.failed += c.lines;
          const failure = new ExportError(this.name, `could not write: ${messageOf(err)}`, err);
          c.done.reject(failure);
          reject(failure);
        } else {
          this.written += c.lines;
          c.done.resolve();
          resolve();
        }
      });
    });
    this.lastWrite.catch(() => {});
  };

  private readonly onError = (err: unknown): void => {
    this.failure = err;
  };
}
