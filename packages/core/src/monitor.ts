import type { AnyDomain } from './base-domain.js';
import type { DurationStats } from './duration-window.js';
import { HANDLE_OPERATION } from './events.js';
import { StepMeter } from './step-meter.js';

export interface MonitorOptions {
  /** How many of the latest records' durations the percentiles cover per step (default 1000). */
  durationsWindow?: number;
}

/** What the Monitor knows of one `domain.operation`. */
export interface OperationMetrics {
  readonly domain: string;
  readonly operation: string;
  /** Messages handled: `success + errors`. */
  readonly handled: number;
  /** Messages handled without error (dropped ones included). */
  readonly success: number;
  /** Messages this domain filtered out with `DROP`. */
  readonly dropped: number;
  readonly errors: number;
  /** Error counts by `errorType`. */
  readonly errorTypes: Readonly<Record<string, number>>;
  /** Batches the step ran. */
  readonly batches: number;
  /**
   * Service time per record: each batch's duration over its size, in fixed buckets, over the
   * latest `durationsWindow` records or more (percentiles are bucket bounds, within 9%).
   */
  readonly durations: DurationStats;
  /**
   * Queue wait per record: how long its batch waited before the step began on it (at the
   * source: from intake to the chain's start), or for a record an asynchronous `execute`
   * answered later (an exporter's write), how long it waited for that answer.
   */
  readonly queueWait: DurationStats;
  /** The share of the time from its first batch's start to its latest batch's end that the step spent serving. */
  readonly utilisation: number;
}

/** `Monitor.getMetrics()`: plain JSON, keyed by `domain.operation`. */
export interface MonitorMetrics {
  readonly durationsWindow: number;
  readonly operations: Readonly<Record<string, OperationMetrics>>;
}

/**
 * Collects what every domain attached to it reports: counts exact per record, and per batch
 * one service time and one queue wait into fixed-bucket histograms. It takes them from the
 * step's meter, never from per-record events, so it costs the pipeline no event object.
 */
export class Monitor {
  readonly durationsWindow: number;
  private readonly meters = new Map<string, StepMeter>();

  constructor(options: MonitorOptions = {}) {
    this.durationsWindow = options.durationsWindow ?? 1000;
    new StepMeter('', '', this.durationsWindow); // validates the size once, up front
  }

  /** Gives a domain its meter. Call while wiring; a domain attached again keeps its figures. */
  attach(domain: AnyDomain): this {
    let meter = this.meters.get(domain.id);
    if (meter === undefined) {
      meter = new StepMeter(domain.id, HANDLE_OPERATION, this.durationsWindow);
      this.meters.set(domain.id, meter);
    }
    domain.meter = meter;
    return this;
  }

  /** A plain JSON snapshot. */
  getMetrics(): MonitorMetrics {
    const operations: Record<string, OperationMetrics> = {};
    for (const s of this.meters.values()) {
      const durations = s.service.stats();
      operations[`${s.domain}.${s.operation}`] = {
        domain: s.domain,
        operation: s.operation,
        handled: s.success + s.errors,
        success: s.success,
        dropped: s.dropped,
        errors: s.errors,
        errorTypes: Object.fromEntries(s.errorTypes),
        batches: s.batches,
        durations,
        queueWait: s.wait.stats(),
        utilisation: s.utilisation,
      };
    }
    return { durationsWindow: this.durationsWindow, operations };
  }
}
