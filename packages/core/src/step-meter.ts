import { DurationHistogram } from './duration-histogram.js';
import type { MessageContext } from './message-context.js';

/**
 * What a step writes its counts and times to, per batch where it can (a `StepMeter`).
 * @internal
 */
export interface StepCounter {
  /** Records that ended at this step without error (dropped ones included). */
  success: number;
  dropped: number;
  /** The step worked `ms` on a batch of `n` records, ending `at` (monotonic ms). */
  served(n: number, ms: number, at?: number): void;
  /** `n` records waited `ms` each. */
  waited(n: number, ms: number): void;
  failed(errorType: string): void;
}

/**
 * What a step reports to the Monitor, per batch where it can: counts exact per record, and
 * one service time and one queue wait per batch, into fixed-bucket histograms. No event
 * object is made for it.
 * @internal
 */
export class StepMeter implements StepCounter {
  /** Records that ended at this step without error (dropped ones included). */
  success = 0;
  dropped = 0;
  errors = 0;
  batches = 0;
  readonly errorTypes = new Map<string, number>();
  /** A record's share of its batch's service time: the batch's duration over its size. */
  readonly service: DurationHistogram;
  /** How long each record's batch waited before the step began on it, or, for records an
   * asynchronous `execute` answered later, how long they waited for that answer. */
  readonly wait: DurationHistogram;

  constructor(
    readonly domain: string,
    readonly operation: string,
    window: number,
  ) {
    this.service = new DurationHistogram(window);
    this.wait = new DurationHistogram(window);
  }

  /** When the step began its first batch and ended its latest one (monotonic ms). */
  firstAt = NaN;
  lastAt = NaN;

  /** The step worked `ms` on a batch of `n` records, ending `at` (monotonic ms). */
  served(n: number, ms: number, at = NaN): void {
    this.batches++;
    this.service.add(ms / n, n);
    if (this.batches === 1) this.firstAt = at - ms;
    this.lastAt = at;
  }

  /**
   * The share of the time from its first batch's start to its latest batch's end that the step
   * spent serving batches: steady while the step is idle, so two snapshots without traffic agree.
   */
  get utilisation(): number {
    const span = this.lastAt - this.firstAt;
    return span > 0 ? Math.min(1, this.service.totalMs / span) : 0;
  }

  /** `n` records waited `ms` each. */
  waited(n: number, ms: number): void {
    this.wait.add(ms, n);
  }

  failed(errorType: string): void {
    this.errors++;
    this.errorTypes.set(errorType, (this.errorTypes.get(errorType) ?? 0) + 1);
  }
}

/**
 * What the host takes from a step, per record and without an event object: the records it
 * dropped and those it failed. Errors must not escape it.
 * @internal
 */
export interface StepLedger {
  dropped(message: MessageContext, reason: string | undefined): void;
  /**
   * `durationMs` is the record's share of its batch's service time. `input` is what the step was
   * handed for the record, as the step holds it when it fails (an `execute` that changed its
   * input in place leaves it changed), or undefined when it is not at hand. Keep it only for as
   * long as the failure is being reported.
   */
  failed(err: unknown, message: MessageContext, operation: string, durationMs: number, input: unknown): void;
}
