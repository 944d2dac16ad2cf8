import { ExportError, ShutdownError, messageOf, type Logger } from '@tapline/core';
import { LineFile, type RetryPolicy } from '@tapline/core/io';
import { FILE_DEFAULTS, type FileTargetOptions } from './options.js';
import type { ExportTarget } from './target.js';

/**
 * NDJSON lines to a file, written in batches: a write begins as soon as the previous one
 * returned (or after `flushIntervalMs` when set), so lines taken meanwhile go out together.
 * Each line's promise resolves once its batch's write returned: the record is with the OS. A
 * write that fails (disk full, I/O error) is retried and cut back, then fails every record of
 * its batch. A file deleted or moved away while running is noticed after the next write and
 * opened anew, with a warning; lines written to a deleted file are written again.
 */
export class FileTarget implements ExportTarget {
  readonly name: string;
  private readonly file: LineFile;
  private closing: Promise<void> | undefined;

  constructor(
    readonly path: string,
    options: FileTargetOptions,
    retry: RetryPolicy,
    log: Logger,
  ) {
    this.name = `file:${path}`;
    this.file = new LineFile(path, {
      lingerMs: options.flushIntervalMs ?? FILE_DEFAULTS.flushIntervalMs,
      batchBytes: options.flushBytes ?? FILE_DEFAULTS.flushBytes,
      rotateBytes: options.rotateBytes,
      rotateKeep: options.rotateKeep ?? FILE_DEFAULTS.rotateKeep,
      retry,
      logger: log.child({ target: this.name }),
      errorFor: (err) => new ExportError(this.name, `the write failed: ${messageOf(err)}`, err),
    });
  }

  get written(): number {
    return this.file.written;
  }

  get failed(): number {
    return this.file.failed;
  }

  open(): Promise<void> {
    return this.file.open();
  }

  write(json: string): Promise<void> {
    if (this.closing !== undefined) throw new ExportError(this.name, 'the exporter is shutting down');
    return this.file.append(json);
  }

  writeBatch(jsons: readonly string[]): Promise<void> {
    if (this.closing !== undefined) throw new ExportError(this.name, 'the exporter is shutting down');
    return this.file.appendAll(jsons);
  }

  reopen(): void {
    this.file.reopen();
  }

  close(): Promise<void> {
    return (this.closing ??= this.finish());
  }

  private async finish(): Promise<void> {
    try {
      await this.file.close();
    } catch (err) {
      throw new ShutdownError(
        'TAPLINE_ERR_FLUSH_FAILED',
        `Could not sync ${this.path}: ${messageOf(err)}`,
        err,
      );
    }
  }
}
