import {
  ExportError,
  messageOf,
  type DropWith,
  type MessageContext,
  type OutputBooks,
  type Receipt,
} from '@tapline/core';
import { deferred, type Deferred } from '@tapline/core/io';
import type { Predicate } from '@tapline/core/condition';
import type { Delivery, DeliverySink } from './delivery.js';
import type { DiskBufferedTarget } from './disk/disk-target.js';

/** What an output asks of its exporter for the records routed to it alone. */
export interface AloneSink {
  /** `count` records routed here alone are no longer held in the queue. */
  release(count: number): void;
  /** The receipt of a record only this output has. */
  receiptOf(output: Output): Receipt;
  /** The drop of a record this output dropped when full. */
  dropOf(output: Output): DropWith;
  /** The error of records routed here alone that this output gave up on. */
  failureOf(output: Output, reason: string, cause?: unknown): ExportError;
  /** Answers a cohort once `output`, the last of its outputs, wrote it (or gave up: `failure`). */
  settleCohort(output: Output, cohort: Cohort, failure: string | undefined, cause: unknown): void;
}

/**
 * Records of one write whose other outputs had already said how they ended there when this one
 * took them (dropped or dead-lettered them when full): they end together, with one answer.
 */
export interface Cohort {
  readonly dropped: number;
  readonly failed: number;
  count: number;
  readonly answer: Deferred<Receipt | DropWith>;
}

/** How an output would take a record now: take it, drop it, dead-letter it, or it must wait (or is closing). */
export const enum Verdict {
  Take,
  Drop,
  DeadLetter,
  Other,
}
import type { ExportTarget } from './target.js';

export type WhenFull = 'block' | 'drop_newest' | 'dead_letter';

/** What an output is, from its target's options: the fields of {@link Output} that say so. */
export type OutputSpec = Pick<
  Output,
  'name' | 'type' | 'bit' | 'maxRecords' | 'maxBytes' | 'whenFull' | 'where' | 'route'
>;

/**
 * The records one write of the target answers with one promise (a file's batch, one ZeroMQ
 * send): those routed to several outputs (`deliveries`), and how many were routed here alone
 * (`alone`), which share one answer.
 */
interface Run {
  readonly promise: Promise<void>;
  readonly deliveries: Delivery[];
  alone: number;
  bytes: number;
  /** The first record's context: the oldest of the run. */
  first: MessageContext | undefined;
  /** What the records routed here alone are answered with; made with the first of them. */
  answer: Deferred<Receipt> | undefined;
  cohorts: Cohort[] | undefined;
  done: boolean;
}

/** Settled runs are cut off the front this often, so the list cannot creep under steady load. */
const COMPACT_AT = 1024;

/**
 * One named target with its own bounded queue, policy when full, and books. A record it takes
 * goes to the target at once, which writes what it holds as one batch where it can (a file) and
 * retries on its own; the record stays queued here until the target says it has it for good or
 * gave up. Per output, at every moment: `routed = written + dropped + deadLettered + lost + queued`.
 */
export class Output {
  routed = 0;
  written = 0;
  dropped = 0;
  deadLettered = 0;
  lost = 0;
  queued = 0;
  queuedBytes = 0;
  private readonly runs: Run[] = [];
  private runsHead = 0;
  private lastRun: Run | undefined;
  /** Records a `block` output keeps waiting for room: not routed here yet. */
  private readonly waitingList: Delivery[] = [];
  private waitingHead = 0;
  /** Set once the exporter shuts down: what is still queued then is given up on. */
  private closing = false;
  /**
   * The disk buffer `target` is, when it is one: a record is then queued until it is durable in
   * the log, and the room is the log's bytes from this target's cursor on, against `maxBytes`.
   */
  disk: DiskBufferedTarget | undefined;

  readonly name: string;
  readonly type: string;
  /** This output's bit in a record's masks. */
  readonly bit: number;
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly whenFull: WhenFull;
  readonly where: Predicate | undefined;
  /** Which records it takes, in words (for validate, the metrics and the dashboard). */
  readonly route: string;

  constructor(
    spec: OutputSpec,
    public target: ExportTarget,
    private readonly sink: DeliverySink & AloneSink,
  ) {
    ({
      name: this.name,
      type: this.type,
      bit: this.bit,
      maxRecords: this.maxRecords,
      maxBytes: this.maxBytes,
      whenFull: this.whenFull,
      where: this.where,
      route: this.route,
    } = spec);
  }

  /** Records waiting for room (`block` only). */
  get waiting(): number {
    return this.waitingList.length - this.waitingHead;
  }

  /** When the oldest record queued or waiting here was received, or undefined when there is none. */
  oldestReceivedAt(): number | undefined {
    let oldest: MessageContext | undefined;
    for (let i = this.runsHead; i < this.runs.length && oldest === undefined; i++) {
      const run = this.runs[i]!;
      if (!run.done) oldest = run.first;
    }
    oldest ??= this.waitingList[this.waitingHead]?.message;
    return oldest?.receivedAt;
  }

  /** A snapshot of the books, at `now` (monotonic ms). */
  books(now: number): OutputBooks {
    const oldest = this.oldestReceivedAt();
    let ageMs = oldest === undefined ? 0 : Math.max(0, now - oldest);
    const disk = this.disk?.state();
    if (disk?.oldest !== undefined) ageMs = Math.max(ageMs, Date.now() - disk.oldest);
    const books: OutputBooks = {
      name: this.name,
      type: this.type,
      whenFull: this.whenFull,
      route: this.route,
      maxRecords: this.maxRecords,
      maxBytes: this.maxBytes,
      routed: this.routed,
      written: this.written,
      dropped: this.dropped,
      deadLettered: this.deadLettered,
      lost: this.lost,
      queued: this.queued,
      queuedBytes: this.queuedBytes,
      waiting: this.waiting,
      oldestAgeMs: ageMs,
    };
    if (disk === undefined) return books;
    const { buffered, delivered, carriedOver, logBytes, lagBytes } = disk;
    return { ...books, buffer: 'disk', buffered, delivered, carriedOver, logBytes, lagBytes };
  }

  /** The disk buffer's reader moved on: records kept waiting for room may fit now. */
  roomMade(): void {
    this.admitWaiting();
  }

  /**
   * Takes a record routed to this output alone: its answer (shared by the records of its
   * write), its drop, or undefined when it must wait for room (`block`: the caller offers it as
   * a `Delivery`). Throws the `ExportError` of a record dead-lettered at once.
   */
  offerAlone(
    json: string,
    bytes: number,
    message: MessageContext | undefined,
  ): Promise<Receipt> | DropWith | undefined {
    if (!this.closing && this.waiting === 0 && this.hasRoom(bytes)) {
      const run = this.take(json, bytes, message);
      run.alone++;
      return (run.answer ??= deferred<Receipt>()).promise;
    }
    if (this.closing) {
      this.routed++;
      this.deadLettered++;
      throw this.sink.failureOf(this, 'the exporter is shutting down');
    }
    switch (this.whenFull) {
      case 'block':
        return undefined;
      case 'drop_newest':
        this.routed++;
        this.dropped++;
        return this.sink.dropOf(this);
      case 'dead_letter':
        this.routed++;
        this.deadLettered++;
        throw this.sink.failureOf(this, this.fullReason);
    }
  }

  /** How this output would take a record of `bytes` now; changes nothing. */
  verdict(bytes: number): Verdict {
    if (this.closing) return Verdict.Other;
    if (this.waiting === 0 && this.hasRoom(bytes)) return Verdict.Take;
    return this.fullVerdict;
  }

  /**
   * Whether a batch's records can share one write here: the target writes batches, and the
   * room is the memory queue's (see {@link Output.verdictAt}).
   */
  get writesBatches(): boolean {
    return this.target.writeBatch !== undefined && this.disk === undefined;
  }

  /**
   * How this output would take a record of `bytes` once it queues `queued` records of
   * `queuedBytes` (records of a batch planned before it); changes nothing. For outputs that
   * {@link Output.writesBatches} only.
   */
  verdictAt(queued: number, queuedBytes: number, bytes: number): Verdict {
    if (this.closing) return Verdict.Other;
    if (this.waiting === 0 && this.roomAt(queued, queuedBytes, bytes)) return Verdict.Take;
    return this.fullVerdict;
  }

  private get fullVerdict(): Verdict {
    return this.whenFull === 'drop_newest'
      ? Verdict.Drop
      : this.whenFull === 'dead_letter'
        ? Verdict.DeadLetter
        : Verdict.Other;
  }

  /** Counts a record this output dropped or dead-lettered when full (its `verdict`). */
  refuse(verdict: Verdict.Drop | Verdict.DeadLetter, count = 1): void {
    this.routed += count;
    if (verdict === Verdict.Drop) this.dropped += count;
    else this.deadLettered += count;
  }

  /**
   * Takes the records of a batch that share one fate across the outputs (`d`, standing for
   * `d.records` records), in one write: planned with {@link Output.verdictAt}, so they fit.
   */
  takeShared(jsons: readonly string[], bytes: number, first: MessageContext | undefined, d: Delivery): void {
    this.take(jsons, bytes, first, d.records).deliveries.push(d);
  }

  /** Why a record found no room here (the same words for every one, so records share them). */
  get fullReason(): string {
    if (this.disk !== undefined) return `its disk buffer was full (${this.maxBytes} bytes undelivered)`;
    return `its queue was full (${this.maxRecords} records or ${this.maxBytes} bytes)`;
  }

  /**
   * Takes a record whose other outputs already dropped (`dropped`) or dead-lettered (`failed`)
   * it: it ends with this output's write, answered with the records of its cohort.
   */
  offerLast(
    json: string,
    bytes: number,
    message: MessageContext | undefined,
    dropped: number,
    failed: number,
  ): Promise<Receipt | DropWith> {
    const run = this.take(json, bytes, message);
    const cohorts = (run.cohorts ??= []);
    for (const c of cohorts) {
      if (c.dropped === dropped && c.failed === failed) {
        c.count++;
        return c.answer.promise;
      }
    }
    const c: Cohort = { dropped, failed, count: 1, answer: deferred<Receipt | DropWith>() };
    cohorts.push(c);
    return c.answer.promise;
  }

  /**
   * Takes the records of a batch routed to this output alone, `bytes` in all, in one write,
   * when the target writes batches and the queue has room for all of them; their one answer,
   * or undefined when they must go one by one (`offerAlone`).
   */
  offerAloneBatch(
    jsons: readonly string[],
    bytes: number,
    first: MessageContext | undefined,
  ): Promise<Receipt> | undefined {
    const n = jsons.length;
    if (this.target.writeBatch === undefined || this.closing || this.waiting > 0) return undefined;
    const fits =
      this.queued + n <= this.maxRecords &&
      (this.queuedBytes + bytes <= this.maxBytes || (this.queued === 0 && n === 1));
    if (!fits) return undefined;
    const run = this.take(jsons, bytes, first, n);
    run.alone += n;
    return (run.answer ??= deferred<Receipt>()).promise;
  }

  /** Takes a record routed here; false when it waits for room (`block`). */
  offer(d: Delivery): boolean {
    if (this.closing) {
      this.routed++;
      this.deadLettered++;
      this.sink.failed(d, this.bit, this.name, 'the exporter is shutting down');
      return true;
    }
    if (this.waiting === 0 && this.hasRoom(d.bytes)) {
      this.take(d.json, d.bytes, d.message).deliveries.push(d);
      return true;
    }
    switch (this.whenFull) {
      case 'block':
        this.waitingList.push(d);
        return false;
      case 'drop_newest':
        this.routed++;
        this.dropped++;
        this.sink.dropped(d, this.bit);
        return true;
      case 'dead_letter':
        this.routed++;
        this.deadLettered++;
        this.sink.failed(d, this.bit, this.name, this.fullReason);
        return true;
    }
  }

  /**
   * The disk buffer found `records` for this output in its log at start: they count as routed
   * here and written (into the log), so that `written = delivered + buffered` holds across runs.
   */
  carriedOver(records: number): void {
    this.routed += records;
    this.written += records;
  }

  /**
   * The disk buffer gave up on a record it had taken (written into the log): it moves from
   * `written` to `deadLettered`, or to `lost` when its late dead letter could not be written.
   */
  lateLetter(written: boolean): void {
    this.written--;
    if (written) this.deadLettered++;
    else this.lost++;
  }

  /** The dead letter of a record this output gave up on could not be written. */
  deadLetterLost(): void {
    this.deadLettered--;
    this.lost++;
  }

  /**
   * Gives up on what is still queued or waiting: each record is dead-lettered for this output,
   * reason `shutdown timeout`. Later records are refused the same way.
   */
  abandon(): void {
    this.closing = true;
    const reason = 'shutdown timeout: still queued when the exporter shut down';
    // A copy: each settle may cut the settled runs off the front of `runs`.
    for (const run of this.runs.slice(this.runsHead)) this.settle(run, reason, undefined);
    while (this.waiting > 0) {
      const d = this.waitingList[this.waitingHead++]!;
      d.waiting--;
      this.routed++;
      this.deadLettered++;
      this.sink.failed(d, this.bit, this.name, reason);
    }
    this.waitingList.length = 0;
    this.waitingHead = 0;
  }

  /** From now on, a write the target fails counts as given up at the stop. */
  closingDown(): void {
    this.closing = true;
  }

  private hasRoom(bytes: number): boolean {
    if (this.disk !== undefined) {
      const lag = this.disk.lagBytes();
      return lag === 0 || lag + bytes <= this.maxBytes;
    }
    return this.roomAt(this.queued, this.queuedBytes, bytes);
  }

  private roomAt(queued: number, queuedBytes: number, bytes: number): boolean {
    // An empty queue takes a record larger than maxBytes: it would never fit otherwise.
    return queued < this.maxRecords && (queued === 0 || queuedBytes + bytes <= this.maxBytes);
  }

  /** Hands the target one record's JSON, or (`count` > 1) a batch's, in one write. */
  private take(
    json: string | readonly string[],
    bytes: number,
    message: MessageContext | undefined,
    count = 1,
  ): Run {
    this.routed += count;
    this.queued += count;
    this.queuedBytes += bytes;
    let p: Promise<void>;
    try {
      p = typeof json === 'string' ? this.target.write(json, bytes) : this.target.writeBatch!(json, bytes);
    } catch (err) {
      // A target that takes nothing more throws its ExportError: the record fails like a write.
      p = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    let run = this.lastRun;
    if (run === undefined || run.promise !== p || run.done) {
      const made: Run = (run = {
        promise: p,
        deliveries: [],
        alone: 0,
        bytes: 0,
        first: message,
        answer: undefined,
        cohorts: undefined,
        done: false,
      });
      this.runs.push(made);
      this.lastRun = made;
      p.then(
        () => this.settle(made, undefined, undefined),
        (err: unknown) => this.settle(made, this.closing ? 'shutdown timeout' : reasonOf(err), err),
      );
    }
    run.bytes += bytes;
    return run;
  }

  private settle(run: Run, failure: string | undefined, cause: unknown): void {
    if (run.done) return;
    run.done = true;
    if (this.lastRun === run) this.lastRun = undefined;
    let count = run.alone;
    for (const d of run.deliveries) count += d.records;
    if (run.cohorts !== undefined) for (const c of run.cohorts) count += c.count;
    this.queued -= count;
    this.queuedBytes -= run.bytes;
    if (failure === undefined) this.written += count;
    else this.deadLettered += count;
    for (const d of run.deliveries) {
      if (failure === undefined) this.sink.written(d, this.bit);
      else this.sink.failed(d, this.bit, this.name, failure, cause);
    }
    if (run.alone > 0) {
      this.sink.release(run.alone);
      if (failure === undefined) run.answer!.resolve(this.sink.receiptOf(this));
      else run.answer!.reject(this.sink.failureOf(this, failure, cause));
    }
    if (run.cohorts !== undefined)
      for (const c of run.cohorts) this.sink.settleCohort(this, c, failure, cause);
    // A settled run keeps nothing alive: it may wait in `runs` behind an older one, and up to
    // COMPACT_AT of them before a cut, and what it held would be promoted to the old generation.
    run.deliveries.length = 0;
    run.first = undefined;
    run.answer = undefined;
    run.cohorts = undefined;
    while (this.runsHead < this.runs.length && this.runs[this.runsHead]!.done) {
      this.runs[this.runsHead++] = undefined as never;
    }
    if (this.runsHead >= COMPACT_AT || this.runsHead === this.runs.length) {
      this.runs.splice(0, this.runsHead);
      this.runsHead = 0;
    }
    this.admitWaiting();
  }

  private admitWaiting(): void {
    if (this.closing) return; // what waits is given up on by abandon()
    while (this.waiting > 0 && this.hasRoom(this.waitingList[this.waitingHead]!.bytes)) {
      const d = this.waitingList[this.waitingHead]!;
      this.waitingList[this.waitingHead++] = undefined as never;
      this.take(d.json, d.bytes, d.message).deliveries.push(d);
      d.waiting--;
      this.sink.admitted(d);
    }
    if (this.waitingHead >= COMPACT_AT || (this.waitingHead > 0 && this.waiting === 0)) {
      this.waitingList.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
  }
}

/** Why a write failed, without the "Export to … failed" an ExportError says first. */
function reasonOf(err: unknown): string {
  return err instanceof ExportError ? err.reason : messageOf(err);
}
