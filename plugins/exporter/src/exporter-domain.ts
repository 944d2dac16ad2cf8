import { resolve } from 'node:path';
import {
  type AnyDomain,
  BaseDomain,
  ExportError,
  ShutdownError,
  dropWith,
  messageOf,
  type DomainIdentity,
  type DropWith,
  type LateDeadLetter,
  type MessageContext,
  type OutputBooks,
  prometheus,
  type Receipt,
} from '@tapline/core';
import { isDeepStrictEqual } from 'node:util';
import { createTarget } from './create-target.js';
import { Handovers } from './hand-over.js';
import { FanOutPlan, type SharedFate } from './fan-out-plan.js';
import { Delivery, bitCount, type DeliverySink } from './delivery.js';
import { DiskBufferedTarget, type SharedLogs } from './disk/disk-target.js';
import { BUFFER_DEFAULTS, DISK_DEFAULTS, type ExporterOptions } from './options.js';
import { Output, Verdict, type AloneSink, type Cohort } from './output.js';
import { compileRoutes, describeRoute, targetNames } from './routes.js';
import { registerTargetMetrics } from './target-metrics.js';
import type { ExportTarget } from './target.js';

/**
 * A message attribute naming the outputs a record goes to, instead of its routes: what `tapline
 * replay` sets for a letter that names the targets lacking the record.
 */
export const ONLY_TARGETS = 'targets';

/** What the exporter needs from its plugin context. */
export interface ExporterContext extends DomainIdentity {
  /** Relative file paths resolve against it; the working directory when absent. */
  readonly configDir?: string;
  /** Where the exporter's per-target counters are registered, when given. */
  readonly registry?: prometheus.Registry;
  /** Takes the dead letter of a record a disk buffer gave up on after it completed. */
  readonly lateDeadLetter?: (letter: LateDeadLetter) => Promise<boolean>;
}

/** Without a host, a late dead letter is counted and kept nowhere, as with no dead-letter file. */
const KEPT_NOWHERE = (): Promise<boolean> => Promise.resolve(true);

const UNMATCHED = dropWith('unmatched');

/**
 * Routes each record to its targets and writes it, serialized once, to each independently:
 * every target has its own bounded queue, policy when full, retries and books, so a slow or
 * dead target never holds back the others. A record completes with a receipt once every target
 * it was routed to wrote it; is dropped (`buffer_full`, `unmatched`) when a policy or no route
 * took it; and fails with an `ExportError` naming the targets that lack it (and those that have
 * it) when a target gave up on it, so the host dead-letters it for those targets alone.
 */
export class ExporterDomain extends BaseDomain<unknown, Receipt> implements DeliverySink, AloneSink {
  /** What each output writes to, in the order of the options. */
  readonly targets: readonly ExportTarget[];
  /** The named targets with their queues and books, in the order of the options. */
  readonly outputs: readonly Output[];
  /** Records no route took and no `unmatched` target took: dropped. */
  unmatched = 0;
  private readonly route: (record: unknown) => number;
  private readonly timestampField: string | undefined;
  /** Receipts by the mask of targets that wrote the record: made once each. */
  private readonly receipts = new Map<number, Receipt>();
  private readonly fullDrops: DropWith[];
  private readonly fanOutPlan: FanOutPlan;
  /** What {@link FanOutPlan.plan} fills, made once. */
  private readonly fate: SharedFate = { end: 0, takers: 0, dropped: 0, failed: 0 };
  /** Per output, what makes its target: a reload keeps the target when this is unchanged. */
  private readonly makings: readonly unknown[];
  private readonly handovers = new Handovers();
  private opened: Promise<void> | undefined;
  private closed: Promise<void> | undefined;

  constructor(options: ExporterOptions, ctx: ExporterContext = {}) {
    super(ctx);
    const { retries, retryDelayMs, retryMaxDelayMs } = options;
    const retry = { retries, retryDelayMs, retryMaxDelayMs };
    this.timestampField = options.timestampField;
    const dir = ctx.configDir ?? process.cwd();
    const names = targetNames(options.targets);
    const unmatchedAt = options.unmatched === undefined ? -1 : names.indexOf(options.unmatched);
    const { wheres, route } = compileRoutes(options, unmatchedAt < 0 ? 0 : 1 << unmatchedAt);
    this.route = route;
    this.targets = options.targets.map((t) => createTarget(t, retry, dir, this.log));
    this.makings = options.targets.map((t) => ({ t, retry, dir }));
    const logs: SharedLogs = new Map();
    this.outputs = options.targets.map((t, i) => {
      const spec = {
        name: names[i]!,
        type: t.type,
        bit: 1 << i,
        where: wheres[i],
        route: describeRoute(t.where, options.route === 'first', unmatchedAt === i),
      };
      if (t.buffer?.type === 'disk') {
        const b = { ...DISK_DEFAULTS, ...t.buffer };
        const disk = new DiskBufferedTarget(
          this.targets[i]!,
          spec.name,
          logs,
          resolve(dir, b.path),
          b,
          retry,
          this.log,
          { maxRetries: b.maxRetries, lateDeadLetter: ctx.lateDeadLetter ?? KEPT_NOWHERE },
        );
        const o = new Output(
          { ...spec, maxRecords: 0, maxBytes: b.maxBytes, whenFull: b.whenFull },
          disk,
          this,
        );
        o.disk = disk;
        disk.onRoom = () => o.roomMade();
        disk.onCarriedOver = (records) => o.carriedOver(records);
        disk.onLateLetter = (written) => o.lateLetter(written);
        return o;
      }
      const { maxRecords, maxBytes, whenFull } = { ...BUFFER_DEFAULTS, ...t.buffer };
      return new Output({ ...spec, maxRecords, maxBytes, whenFull }, this.targets[i]!, this);
    });
    this.fullDrops = names.map((target) => dropWith('buffer_full', { target }));
    this.fanOutPlan = new FanOutPlan(this.outputs);
    if (ctx.registry !== undefined) registerTargetMetrics(ctx.registry, this);
  }

  /**
   * On a reload that changed the exporter's options: each target whose own options (and the
   * retries and folder it is made with) are unchanged is kept, open, with what it still queues
   * from records of the previous exporter, which finish there; new records queue behind them.
   * A disk-buffered target's log is not handed over: a reload that would open a log the
   * running exporter has open is refused.
   */
  override takeOver(previous: AnyDomain): void {
    if (!(previous instanceof ExporterDomain)) return;
    for (const o of this.outputs) {
      const dir = o.disk?.logDir;
      if (dir === undefined || !previous.outputs.some((p) => p.disk?.logDir === dir)) continue;
      // Two exporters appending to one segment log at once would interleave its records.
      throw new Error(
        `The disk buffer in ${dir} is in use by the running exporter, and a reload cannot hand ` +
          "it over: restart tapline to change this exporter's options, or give the buffer a new path.",
      );
    }
    this.outputs.forEach((o, i) => {
      if (o.disk !== undefined) return;
      const j = previous.outputs.findIndex(
        (p, k) =>
          p.name === o.name &&
          p.disk === undefined &&
          isDeepStrictEqual(previous.makings[k], this.makings[i]),
      );
      const target = previous.outputs[j]?.target;
      if (target === undefined || previous.handovers.handedOn(target)) return;
      this.handovers.take(target, previous.handovers);
      o.target = target;
      (this.targets as ExportTarget[])[i] = target;
    });
  }

  override initialize(): Promise<void> {
    return (this.opened ??= this.openAll());
  }

  execute(input: unknown, message?: MessageContext): Receipt | DropWith | Promise<Receipt | DropWith> {
    const mask = this.prepare(input, message);
    if (mask === 0) {
      this.unmatched++;
      return UNMATCHED;
    }
    const json = serialize(input);
    return this.deliver(json, Buffer.byteLength(json), message, mask);
  }

  /**
   * A batch in one serialization pass, then one write per target: the records routed to one
   * target alone go to it together when its queue has room for all of them (one append of
   * every line for a file); the rest (several targets, a full queue) go record by record.
   */
  override executeBatch(
    inputs: readonly unknown[],
    messages: readonly MessageContext[],
  ): Array<Receipt | DropWith | Promise<Receipt | DropWith>> {
    const n = inputs.length;
    const results = new Array<Receipt | DropWith | Promise<Receipt | DropWith>>(n);
    const jsons = new Array<string>(n);
    const sizes = new Array<number>(n);
    const masks = new Array<number>(n).fill(0);
    let common = -1; // the one mask every routed record has; 0 once they differ
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      try {
        const input = inputs[i];
        const mask = this.prepare(input, messages[i]);
        if (mask === 0) {
          this.unmatched++;
          results[i] = UNMATCHED;
          continue;
        }
        const json = serialize(input);
        jsons[i] = json;
        bytes += sizes[i] = Buffer.byteLength(json);
        masks[i] = mask;
        common = common === -1 || common === mask ? mask : 0;
      } catch (err) {
        results[i] = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    if (common > 0 && (common & (common - 1)) !== 0) {
      this.fanOutBatch(jsons, sizes, masks, messages, results, common);
      return results;
    }
    if (common > 0) {
      const routed = masks.reduce((k, m) => (m === 0 ? k : k + 1), 0);
      const lines = routed === n ? jsons : jsons.filter((_, i) => masks[i] !== 0);
      const first = messages[masks.indexOf(common)];
      const answer = this.outputs[31 - Math.clz32(common)]!.offerAloneBatch(lines, bytes, first);
      if (answer !== undefined) {
        this.bufferHeld(routed);
        for (let i = 0; i < n; i++) if (masks[i] !== 0) results[i] = answer;
        return results;
      }
    }
    for (let i = 0; i < n; i++) {
      if (masks[i] === 0) continue;
      try {
        results[i] = this.deliver(jsons[i]!, sizes[i]!, messages[i], masks[i]!);
      } catch (err) {
        results[i] = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    return results;
  }

  /**
   * A batch whose records all go to the outputs of `mask`: each run of records that share one
   * fate (see {@link FanOutPlan}) is taken with one write per taking output and answered once;
   * a record that must go alone goes through {@link ExporterDomain.deliver}. In order, so each
   * output gets the records in the batch's order.
   */
  private fanOutBatch(
    jsons: string[],
    sizes: number[],
    masks: number[],
    messages: readonly MessageContext[],
    results: Array<Receipt | DropWith | Promise<Receipt | DropWith>>,
    mask: number,
  ): void {
    const n = masks.length;
    const fate = this.fate;
    let i = 0;
    while (i < n) {
      if (masks[i] === 0) {
        i++;
      } else if (!this.fanOutPlan.plan(sizes, masks, i, mask, fate)) {
        try {
          results[i] = this.deliver(jsons[i]!, sizes[i]!, messages[i], mask);
        } catch (err) {
          results[i] = Promise.reject(err instanceof Error ? err : new Error(String(err)));
        }
        i++;
      } else {
        const answer = this.shareFate(jsons, sizes, masks, messages, i, fate);
        for (; i < fate.end; i++) if (masks[i] !== 0) results[i] = answer;
      }
    }
  }

  /** Takes the run of records `from` to `fate.end` as its fate says: their one answer. */
  private shareFate(
    jsons: string[],
    sizes: number[],
    masks: number[],
    messages: readonly MessageContext[],
    from: number,
    fate: SharedFate,
  ): Receipt | DropWith | Promise<Receipt | DropWith> {
    const { end, takers, dropped, failed } = fate;
    let count = 0;
    let bytes = 0;
    for (let i = from; i < end; i++) {
      if (masks[i] === 0) continue;
      count++;
      bytes += sizes[i]!;
    }
    for (const o of this.outputs) {
      if ((dropped & o.bit) !== 0) o.refuse(Verdict.Drop, count);
      else if ((failed & o.bit) !== 0) o.refuse(Verdict.DeadLetter, count);
    }
    if (takers === 0) {
      if (failed === 0) return this.dropFor(dropped);
      return Promise.reject(this.cohortFailure(failed, 0, dropped, undefined, undefined, undefined));
    }
    const lines =
      count === end - from
        ? from === 0 && end === jsons.length
          ? jsons
          : jsons.slice(from, end)
        : jsons.slice(from, end).filter((_, k) => masks[from + k] !== 0);
    const first = messages[from];
    const d = new Delivery('', bytes, first, takers | dropped | failed, bitCount(takers), count);
    d.dropped = dropped;
    d.failed = failed;
    if (failed !== 0) {
      d.reasons = this.outputs.filter((o) => (failed & o.bit) !== 0).map((o) => `${o.name}: ${o.fullReason}`);
    }
    for (const o of this.outputs) if ((takers & o.bit) !== 0) o.takeShared(lines, bytes, first, d);
    this.hold(d);
    return new Promise((resolve, reject) => {
      d.resolve = resolve as (value: unknown) => void;
      d.reject = reject;
    });
  }

  /** Stamps the record when asked to, and routes it: the mask of its targets (0: none). */
  private prepare(input: unknown, message: MessageContext | undefined): number {
    if (
      this.timestampField !== undefined &&
      input !== null &&
      typeof input === 'object' &&
      !Array.isArray(input)
    ) {
      (input as Record<string, unknown>)[this.timestampField] = performance.timeOrigin + performance.now();
    }
    const only = message?.attributes?.[ONLY_TARGETS];
    return only === undefined ? this.route(input) : this.maskOf(only);
  }

  private deliver(
    json: string,
    bytes: number,
    message: MessageContext | undefined,
    mask: number,
  ): Receipt | DropWith | Promise<Receipt | DropWith> {
    if ((mask & (mask - 1)) === 0) {
      // Routed to one output: answered with the other records of its write, nothing of its own.
      const answer = this.outputs[31 - Math.clz32(mask)]!.offerAlone(json, bytes, message);
      if (answer instanceof Promise) {
        this.bufferHeld(1);
        return answer;
      }
      if (answer !== undefined) return answer;
    }
    const quick = this.lastOf(json, bytes, message, mask);
    if (quick !== undefined) return quick;
    const d = new Delivery(json, bytes, message, mask, bitCount(mask));
    const outputs = this.outputs;
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      if ((mask & o.bit) !== 0 && !o.offer(d)) d.waiting++;
    }
    if (d.pending === 0) return this.outcomeNow(d);
    if (d.waiting === 0) this.hold(d);
    return new Promise((resolve, reject) => {
      d.resolve = resolve as (value: unknown) => void;
      d.reject = reject;
    });
  }

  /**
   * The outputs a replayed record goes to: exactly those its dead letter names as lacking it,
   * whatever the routes say now. A name no output has any more fails the record.
   */
  private maskOf(names: unknown): number {
    let mask = 0;
    const missing: string[] = [];
    for (const name of Array.isArray(names) ? (names as unknown[]) : [names]) {
      const output = this.outputs.find((o) => o.name === name);
      if (output === undefined) missing.push(String(name));
      else mask |= output.bit;
    }
    if (missing.length > 0) {
      throw new ExportError(
        missing.join(','),
        'the record is to go to this target, which this exporter no longer has',
      );
    }
    return mask;
  }

  written(d: Delivery, bit: number): void {
    d.written |= bit;
    if (--d.pending === 0) this.finish(d);
  }

  dropped(d: Delivery, bit: number): void {
    d.dropped |= bit;
    if (--d.pending === 0) this.finish(d);
  }

  failed(d: Delivery, bit: number, output: string, reason: string, cause?: unknown): void {
    d.failed |= bit;
    (d.reasons ??= []).push(`${output}: ${reason}`);
    d.cause ??= cause;
    if (--d.pending === 0) this.finish(d);
  }

  release(count: number): void {
    this.bufferHeld(-count);
  }

  receiptOf(output: Output): Receipt {
    return this.receiptFor(output.bit);
  }

  dropOf(output: Output): DropWith {
    return this.dropFor(output.bit);
  }

  failureOf(output: Output, reason: string, cause?: unknown): ExportError {
    return new ExportError(output.name, reason, cause, {
      targets: [output.name],
      onLost: this.onDeadLetterLost,
    });
  }

  settleCohort(output: Output, c: Cohort, failure: string | undefined, cause: unknown): void {
    const written = failure === undefined ? output.bit : 0;
    const failed = c.failed | (failure === undefined ? 0 : output.bit);
    if (failed !== 0) c.answer.reject(this.cohortFailure(failed, written, c.dropped, output, failure, cause));
    else c.answer.resolve(c.dropped !== 0 ? this.dropFor(c.dropped) : this.receiptFor(written));
  }

  /**
   * A record routed to several outputs of which at most one takes it now, the others dropping
   * or dead-lettering it for want of room: it ends with that one's write, with the records of
   * its cohort, and costs nothing of its own. Undefined when it needs a `Delivery` (several
   * take it, one makes it wait, or one is closing).
   */
  private lastOf(
    json: string,
    bytes: number,
    message: MessageContext | undefined,
    mask: number,
  ): Promise<Receipt | DropWith> | DropWith | undefined {
    const outputs = this.outputs;
    let taker: Output | undefined;
    let dropped = 0;
    let failed = 0;
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      if ((mask & o.bit) === 0) continue;
      const v = o.verdict(bytes);
      if (v === Verdict.Take) {
        if (taker !== undefined) return undefined;
        taker = o;
      } else if (v === Verdict.Drop) dropped |= o.bit;
      else if (v === Verdict.DeadLetter) failed |= o.bit;
      else return undefined;
    }
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      if (((dropped | failed) & o.bit) !== 0)
        o.refuse((dropped & o.bit) !== 0 ? Verdict.Drop : Verdict.DeadLetter);
    }
    if (taker === undefined) {
      if (failed !== 0) throw this.cohortFailure(failed, 0, dropped, undefined, undefined, undefined);
      return this.dropFor(dropped);
    }
    const answer = taker.offerLast(json, bytes, message, dropped, failed);
    this.bufferHeld(1);
    return answer;
  }

  /** The error of records that `failed` outputs lack: the full ones and, with `failure`, `last`. */
  private cohortFailure(
    failed: number,
    written: number,
    dropped: number,
    last: Output | undefined,
    failure: string | undefined,
    cause: unknown,
  ): ExportError {
    const reasons: string[] = [];
    for (const o of this.outputs) {
      if ((failed & o.bit) === 0) continue;
      reasons.push(`${o.name}: ${o === last && failure !== undefined ? failure : o.fullReason}`);
    }
    const targets = this.namesOf(failed);
    return new ExportError(targets.join(', '), reasons.join('; '), cause, {
      targets,
      written: this.namesOf(written),
      dropped: this.namesOf(dropped),
      onLost: this.onDeadLetterLost,
    });
  }

  admitted(d: Delivery): void {
    if (d.waiting === 0 && d.pending > 0) this.hold(d);
  }

  override outputBooks(): OutputBooks[] {
    const now = performance.now();
    return this.outputs.map((o) => o.books(now));
  }

  /** Reopens the file targets at their paths (log rotation). */
  override reopen(): void {
    for (const o of this.outputs) o.target.reopen?.();
  }

  /**
   * Flushes and closes every target. What a target still queues once it closed is dead-lettered
   * for that target, reason `shutdown timeout`. Throws `TAPLINE_ERR_FLUSH_FAILED` when one
   * could not flush.
   */
  override shutdown(): Promise<void> {
    return (this.closed ??= this.closeAll());
  }

  /** Tells the host the record now waits only in the outputs' own bounded queues. */
  private hold(d: Delivery): void {
    d.held = true;
    this.bufferHeld(d.records);
  }

  /** Settles a record whose every output said how it ended there. */
  private finish(d: Delivery): void {
    if (d.resolve === undefined) return; // still inside execute: it answers
    if (d.held) this.bufferHeld(-d.records);
    if (d.failed !== 0) d.reject!(this.failure(d));
    else d.resolve(d.dropped !== 0 ? this.dropFor(d.dropped) : this.receiptFor(d.written));
  }

  private outcomeNow(d: Delivery): Receipt | DropWith {
    if (d.failed !== 0) throw this.failure(d);
    return d.dropped !== 0 ? this.dropFor(d.dropped) : this.receiptFor(d.written);
  }

  private dropFor(mask: number): DropWith {
    return this.fullDrops[31 - Math.clz32(mask & -mask)]!;
  }

  private receiptFor(mask: number): Receipt {
    let receipt = this.receipts.get(mask);
    if (receipt === undefined) {
      const targets = Object.freeze(this.namesOf(mask));
      receipt = Object.freeze({ delivered: targets.length, targets });
      this.receipts.set(mask, receipt);
    }
    return receipt;
  }

  private namesOf(mask: number): string[] {
    return this.outputs.filter((o) => (mask & o.bit) !== 0).map((o) => o.name);
  }

  private failure(d: Delivery): ExportError {
    const targets = this.namesOf(d.failed);
    return new ExportError(targets.join(', '), d.reasons!.join('; '), d.cause, {
      targets,
      written: this.namesOf(d.written),
      dropped: this.namesOf(d.dropped),
      onLost: this.onDeadLetterLost,
    });
  }

  private readonly onDeadLetterLost = (err: ExportError): void => {
    for (const o of this.outputs) if (err.targets.includes(o.name)) o.deadLetterLost();
  };

  private async openAll(): Promise<void> {
    // Through the outputs: a test may have given them targets of its own.
    const targets = this.outputs.map((o) => o.target);
    const fresh = targets.filter((t) => !this.handovers.tookOver(t));
    const results = await Promise.allSettled(fresh.map((t) => t.open()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed === undefined) return;
    await Promise.allSettled(targets.filter((t) => this.handovers.closes(t, false)).map((t) => t.close()));
    throw failed.reason;
  }

  private async closeAll(): Promise<void> {
    await this.opened?.catch(() => {});
    this.handovers.closing = true;
    const live = this.outputs.some((o) => o.routed > 0) || this.unmatched > 0;
    const closed = this.outputs.filter((o) => this.handovers.closes(o.target, live));
    for (const o of closed) o.closingDown();
    const results = await Promise.allSettled(closed.map((o) => o.target.close()));
    // A target's close settles what it had; what no write answered is given up on now.
    await Promise.resolve();
    for (const o of closed) o.abandon();
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length === 0) return;
    const cause = errors.length === 1 ? errors[0] : new AggregateError(errors);
    throw new ShutdownError(
      'TAPLINE_ERR_FLUSH_FAILED',
      `The exporter could not flush ${errors.length} target(s): ${errors.map(messageOf).join('; ')}`,
      cause,
    );
  }
}

function serialize(input: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch (err) {
    throw new ExportError('every target', `the message is not JSON-serializable: ${messageOf(err)}`, err);
  }
  if (json === undefined) throw new ExportError('every target', `a ${typeof input} is not JSON`);
  return json;
}
