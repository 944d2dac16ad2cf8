import type { DurationStats } from '@tapline/core/internal';
import type { AccountingSnapshot } from '../runtime/accounting.js';
import type { MonitoredMetrics } from './monitoring-source.js';

/** One step's counts at a sample, summed over its operations as the dashboard sums them. */
export interface StepCounts {
  /** Records it handled: `success + errors`. */
  readonly handled: number;
  readonly dropped: number;
  readonly errors: number;
}

/** The counters the host keeps, as they stood at one moment. */
export interface HistorySample {
  /** When it was taken, in ms since the epoch. */
  readonly t: number;
  /** The accounting's outcomes at that moment. */
  readonly accounting: Pick<
    AccountingSnapshot,
    'received' | 'completed' | 'dropped' | 'failed' | 'lost' | 'inFlight'
  >;
  /** End-to-end latency over the latest records at that moment. */
  readonly latency: Pick<DurationStats, 'count' | 'p50' | 'p99'>;
  /** By step id. */
  readonly steps: Readonly<Record<string, StepCounts>>;
}

/** What `GET /api/history` serves. */
export interface MetricsHistorySnapshot {
  /** The host's clock as it answered, ms since the epoch: a client on another clock shifts `t` by the difference. */
  readonly now: number;
  /** How far apart the samples were taken, in ms. */
  readonly intervalMs: number;
  /** How many samples it keeps at most: `intervalMs * capacity` is the span it covers. */
  readonly capacity: number;
  /** Oldest first. */
  readonly samples: readonly HistorySample[];
}

/** How the monitoring server samples the counters for `GET /api/history`. */
export interface MetricsHistoryOptions {
  /** How often a sample is taken (default 1000 ms). */
  readonly intervalMs?: number;
  /** How many are kept (default 600: ten minutes at one a second). */
  readonly samples?: number;
}

function sampleOf(m: MonitoredMetrics, t: number): HistorySample {
  const steps: Record<string, { handled: number; dropped: number; errors: number }> = {};
  for (const s of m.steps) steps[s.id] = { handled: 0, dropped: 0, errors: 0 };
  for (const op of Object.values(m.operations)) {
    const s = steps[op.domain];
    if (s === undefined) continue;
    s.handled += op.success + op.errors;
    s.dropped += op.dropped;
    s.errors += op.errors;
  }
  const { received, completed, dropped, failed, lost, inFlight } = m.accounting;
  const { count, p50, p99 } = m.latency;
  return {
    t,
    accounting: { received, completed, dropped, failed, lost, inFlight },
    latency: { count, p50, p99 },
    steps,
  };
}

/**
 * Samples the host's counters on a timer into a fixed ring, so that a dashboard opened mid-run
 * draws the past minutes instead of starting from nothing. One read of the metrics per
 * interval, nothing per message.
 */
export class MetricsHistory {
  readonly intervalMs: number;
  readonly capacity: number;
  private readonly ring: Array<HistorySample | undefined>;
  private next = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly read: () => MonitoredMetrics,
    options: MetricsHistoryOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.capacity = options.samples ?? 600;
    if (!Number.isInteger(this.capacity) || this.capacity < 1 || !(this.intervalMs > 0)) {
      throw new RangeError(
        `A metrics history needs a positive interval and sample count, not ${this.intervalMs} ms × ${this.capacity}`,
      );
    }
    this.ring = new Array<HistorySample | undefined>(this.capacity).fill(undefined);
    this.take();
    this.timer = setInterval(() => this.take(), this.intervalMs).unref();
  }

  private take(): void {
    let metrics: MonitoredMetrics;
    try {
      metrics = this.read();
    } catch {
      // A plugin's books that cannot be read now cost this sample, never the process (a timer's throw would).
      return;
    }
    this.ring[this.next] = sampleOf(metrics, Date.now());
    this.next = (this.next + 1) % this.capacity;
  }

  snapshot(): MetricsHistorySnapshot {
    const samples: HistorySample[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const s = this.ring[(this.next + i) % this.capacity];
      if (s !== undefined) samples.push(s);
    }
    return { now: Date.now(), intervalMs: this.intervalMs, capacity: this.capacity, samples };
  }

  close(): void {
    clearInterval(this.timer);
  }
}
