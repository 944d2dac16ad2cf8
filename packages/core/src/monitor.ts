import type { AnyDomain } from './base-domain.js';
import { DurationWindow, type DurationStats } from './duration-window.js';
import { HANDLE_OPERATION, type ErrorEvent, type SuccessEvent } from './events.js';

export interface MonitorOptions {
  /** How many of the latest durations to keep per `domain.operation` (default 1000). */
  durationsWindow?: number;
}

/** What the Monitor knows of one `domain.operation`. */
export interface OperationMetrics {
  readonly domain: string;
  readonly operation: string;
  /** Messages handled without error (dropped ones included). */
  readonly success: number;
  /** Messages this domain filtered out with `DROP`. */
  readonly dropped: number;
  readonly errors: number;
  /** Error counts by `errorType`. */
  readonly errorTypes: Readonly<Record<string, number>>;
  /** Over the last `durationsWindow` successful executions. */
  readonly durations: DurationStats;
}

/** `Monitor.getMetrics()`: plain JSON, keyed by `domain.operation`. */
export interface MonitorMetrics {
  readonly durationsWindow: number;
  readonly operations: Readonly<Record<string, OperationMetrics>>;
}

class OperationStats {
  success = 0;
  dropped = 0;
  errors = 0;
  readonly errorTypes = new Map<string, number>();
  readonly durations: DurationWindow;
  constructor(
    readonly domain: string,
    readonly operation: string,
    window: number,
  ) {
    this.durations = new DurationWindow(window);
  }
}

/**
 * Collects the monitoring channel of every domain attached to it: counts, error types and a
 * bounded window of durations per `domain.operation`. Its taps never throw into the pipeline.
 */
export class Monitor {
  readonly durationsWindow: number;
  // domain → operation → stats: two lookups and no key string built per event.
  private readonly stats = new Map<string, Map<string, OperationStats>>();

  constructor(options: MonitorOptions = {}) {
    this.durationsWindow = options.durationsWindow ?? 1000;
    new DurationWindow(this.durationsWindow); // validates the size once, up front
  }

  /** Taps a domain's monitoring channel. Call while wiring. */
  attach(domain: AnyDomain): this {
    // Nearly every event is the domain's `handle`: its entry is found once, here.
    const handled = this.entry(domain.id, HANDLE_OPERATION);
    domain.onSuccess((event) => {
      if (event.domain !== handled.domain || event.operation !== HANDLE_OPERATION) {
        this.recordSuccess(event);
        return;
      }
      handled.success++;
      handled.durations.add(event.durationMs);
    }, 'tapline:monitor');
    domain.onError((event) => this.recordError(event), 'tapline:monitor');
    domain.onDropped((event) => this.recordDrop(event), 'tapline:monitor');
    return this;
  }

  private recordSuccess(event: SuccessEvent): void {
    try {
      const s = this.entry(event.domain, event.operation);
      s.success++;
      s.durations.add(event.durationMs);
    } catch {
      // A monitor must never break the pipeline it watches.
    }
  }

  private recordDrop(event: SuccessEvent): void {
    try {
      this.entry(event.domain, event.operation).dropped++;
    } catch {
      // See recordSuccess.
    }
  }

  private recordError(event: ErrorEvent): void {
    try {
      const s = this.entry(event.domain, event.operation);
      s.errors++;
      s.errorTypes.set(event.errorType, (s.errorTypes.get(event.errorType) ?? 0) + 1);
    } catch {
      // See recordSuccess.
    }
  }

  /** A plain JSON snapshot. */
  getMetrics(): MonitorMetrics {
    const operations: Record<string, OperationMetrics> = {};
    for (const byOperation of this.stats.values()) {
      for (const s of byOperation.values()) {
        operations[`${s.domain}.${s.operation}`] = {
          domain: s.domain,
          operation: s.operation,
          success: s.success,
          dropped: s.dropped,
          errors: s.errors,
          errorTypes: Object.fromEntries(s.errorTypes),
          durations: s.durations.stats(),
        };
      }
    }
    return { durationsWindow: this.durationsWindow, operations };
  }

  private entry(domain: string, operation: string): OperationStats {
    let byOperation = this.stats.get(domain);
    if (byOperation === undefined) {
      byOperation = new Map();
      this.stats.set(domain, byOperation);
    }
    let s = byOperation.get(operation);
    if (s === undefined) {
      s = new OperationStats(domain, operation, this.durationsWindow);
      byOperation.set(operation, s);
    }
    return s;
  }
}
