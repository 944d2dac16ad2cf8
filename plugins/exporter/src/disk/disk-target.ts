import { ExportError, messageOf, type LateDeadLetter, type Logger } from '@tapline/core';
import type { RetryPolicy } from '@tapline/core/io';
import type { ExportTarget } from '../target.js';
import { LogReader } from './log-reader.js';
import { SegmentLog, type LogOptions } from './segment-log.js';

/** The disk buffer's state a target's books and metrics show. */
export interface DiskState {
  readonly buffered: number;
  readonly delivered: number;
  readonly carriedOver: number;
  /** Bytes of the log's segment files (shared by the targets of one log). */
  readonly logBytes: number;
  /** Bytes of the log from this target's cursor on. */
  readonly lagBytes: number;
  /** When the oldest record not yet delivered was appended (epoch ms), or undefined. */
  readonly oldest: number | undefined;
}

/** What a disk-buffered target does when its log's delivery gives up on a record. */
export interface GiveUp {
  /** Tries again after a failure before a record is dead-lettered; -1: never give up. */
  readonly maxRetries: number;
  /** Hands the host the late dead letter; resolves whether it was written. */
  readonly lateDeadLetter: (letter: LateDeadLetter) => Promise<boolean>;
}

/** A log and the number of targets that still use it, by folder. */
export type SharedLogs = Map<string, { log: SegmentLog; users: number; names: string[] }>;

/**
 * A target behind a disk buffer: `write` appends the record to the log (once for all the targets
 * of one log) and answers once it is durable there; a `LogReader` delivers it to the real target
 * later, from the target's cursor. Closing carries what is still in the log over to the next start.
 */
export class DiskBufferedTarget implements ExportTarget {
  readonly name: string;
  /** Called whenever the reader moved the cursor on: a `block` output may have room again. */
  onRoom: () => void = () => {};
  /** Told, before any is delivered, how many records the log held for this target at start. */
  onCarriedOver: (records: number) => void = () => {};
  /** Told each record given up on from the log: its late dead letter was written, or not. */
  onLateLetter: (written: boolean) => void = () => {};
  private reader: LogReader | undefined;
  private bit = -1;
  private closing: Promise<void> | undefined;

  /** The folder of its segment log. */
  get logDir(): string {
    return this.dir;
  }

  constructor(
    readonly inner: ExportTarget,
    private readonly targetName: string,
    private readonly shared: SharedLogs,
    private readonly dir: string,
    options: LogOptions,
    private readonly retry: RetryPolicy,
    private readonly logger: Logger,
    private readonly giveUp: GiveUp,
  ) {
    this.name = inner.name;
    let entry = shared.get(dir);
    if (entry === undefined)
      shared.set(dir, (entry = { log: new SegmentLog(dir, options, logger), users: 0, names: [] }));
    entry.users++;
    entry.names.push(targetName);
  }

  get log(): SegmentLog {
    return this.shared.get(this.dir)!.log;
  }

  get written(): number {
    return this.inner.written;
  }

  get failed(): number {
    return this.inner.failed;
  }

  get peersRefused(): Readonly<Record<string, number>> | undefined {
    return this.inner.peersRefused;
  }

  state(): DiskState {
    const r = this.reader;
    return {
      buffered: r?.buffered ?? 0,
      delivered: r?.delivered ?? 0,
      carriedOver: r?.carriedOver ?? 0,
      logBytes: this.log.bytes,
      lagBytes: r?.lagBytes() ?? 0,
      oldest: r?.oldest,
    };
  }

  /** Bytes of the log from this target's cursor on, those not yet written included. */
  lagBytes(): number {
    return this.reader?.lagBytes() ?? 0;
  }

  async open(): Promise<void> {
    const log = this.log;
    await log.open(this.shared.get(this.dir)!.names);
    await this.inner.open();
    this.bit = log.bitOf(this.targetName);
    const reader = new LogReader(
      log,
      this.bit,
      log.cursors[this.bit]!,
      this.inner,
      this.retry,
      this.logger,
      () => this.onRoom(),
      this.giveUp.maxRetries,
      (json, err, tries) => this.deadLetter(json, err, tries),
    );
    log.listeners[this.bit] = reader;
    this.reader = reader;
    this.onCarriedOver(reader.carriedOver);
    if (reader.carriedOver > 0) {
      this.logger.info(
        { target: this.targetName, records: reader.carriedOver, dir: log.dir },
        `disk buffer: ${reader.carriedOver} records carried over for ${this.targetName}`,
      );
    }
    reader.start();
  }

  write(json: string, bytes = Buffer.byteLength(json)): Promise<void> {
    return this.log.append(json, bytes, this.bit);
  }

  /** The late dead letter of a record the log's delivery gave up on after `tries` tries. */
  private async deadLetter(json: string, err: unknown, tries: number): Promise<void> {
    const reason = err instanceof ExportError ? err.reason : messageOf(err);
    const error = new ExportError(
      this.targetName,
      `delivery from the disk buffer failed ${tries} times: ${reason}`,
      err,
    );
    this.logger.warn(
      { target: this.targetName, tries, err: reason },
      `disk buffer: gave up on a record for ${this.targetName}; dead-lettered for it`,
    );
    this.onLateLetter(await this.giveUp.lateDeadLetter({ target: this.targetName, record: json, error }));
  }

  reopen(): void {
    this.inner.reopen?.();
  }

  close(): Promise<void> {
    return (this.closing ??= this.finish());
  }

  private async finish(): Promise<void> {
    const entry = this.shared.get(this.dir)!;
    try {
      this.reader?.stop();
      // Ends a send that waits for the next hop; the record stays in the log for the next start.
      await this.inner.close();
      await this.reader?.finished();
    } finally {
      if (--entry.users === 0) await entry.log.close();
    }
  }
}
