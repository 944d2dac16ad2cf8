import type { prometheus } from '@tapline/core';

type MetricType = 'counter' | 'gauge' | 'summary';
type Labels = Record<string, string | number>;

/** One sample of a scraped metric; `suffix` makes a summary's `_sum` or `_count`. */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
  readonly suffix?: '_count' | '_sum';
}

/**
 * A metric whose samples are computed when the registry is scraped, from numbers kept
 * elsewhere (the host's counters and duration windows): nothing runs per message.
 *
 * prom-client's own Summary computes quantiles from observations it records itself, and a
 * Counter can only be incremented; neither can expose numbers computed elsewhere, so this
 * implements the part of prom-client's metric interface that `Registry` calls.
 */
export class ScrapedMetric {
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    private readonly samples: () => Sample[],
  ) {}

  get(): Promise<{
    name: string;
    help: string;
    type: MetricType;
    aggregator: string;
    values: Array<{ labels: Labels; value: number; metricName?: string }>;
  }> {
    const values = this.samples().map((s) => ({
      labels: s.labels,
      value: s.value,
      metricName: s.suffix ? this.name + s.suffix : undefined,
    }));
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  /** Nothing to reset: the numbers belong to the host. */
  reset(): void {}

  /** Registers in `registry` through the structural interface prom-client's Registry uses. */
  registerIn(registry: prometheus.Registry): void {
    registry.registerMetric(this as unknown as prometheus.Metric);
  }
}
