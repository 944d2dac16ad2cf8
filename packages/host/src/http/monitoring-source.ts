import type { DurationStats, MonitorMetrics, prometheus } from '@tapline/core';

/** The part of `Host.getMetrics()` the monitoring API reads; a host's metrics satisfy it. */
export interface MonitoredMetrics extends MonitorMetrics {
  readonly accounting: {
    readonly received: number;
    readonly completed: number;
    readonly dropped: number;
    readonly failed: number;
    readonly inFlight: number;
  };
  /** End to end: from a message's arrival to its last step. */
  readonly latency: DurationStats;
  readonly steps: ReadonlyArray<{
    readonly id: string;
    readonly plugin: string;
    readonly kind: 'source' | 'domain';
    readonly input: string;
    readonly output: string;
  }>;
  readonly state: string;
  readonly uptimeMs: number;
}

/** What the monitoring server watches: a `Host` is one. */
export interface MonitoringSource {
  getMetrics(): MonitoredMetrics;
  /** True only while the sources take messages in. */
  readonly ready: boolean;
  /** Where `/metrics` reads from; plugins register their own metrics in it too. */
  readonly registry: prometheus.Registry;
}
