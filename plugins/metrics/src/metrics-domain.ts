import {
  BaseDomain,
  ConfigError,
  ThrottledReport,
  messageOf,
  type DomainIdentity,
  type JsonRecord,
  type prometheus,
} from '@tapline/core';
import {
  DerivedCounter,
  DerivedGauge,
  DerivedHistogram,
  type DerivedMetric,
  type SnapshotValue,
} from './derived-metric.js';
import type { MetricsOptions } from './options.js';
import { attachShared, detachShared, type CounterSource } from './shared-counters.js';
import { skipChannel } from './skip-log.js';

/** What the domain needs from its plugin context: the registry the host exposes. */
export interface MetricsContext extends DomainIdentity {
  readonly registry: prometheus.Registry;
}

/** `MetricsDomain.snapshot()`: plain JSON. */
export interface MetricsSnapshot {
  readonly step: string;
  readonly metrics: Array<{
    name: string;
    type: 'counter' | 'gauge' | 'histogram';
    help: string;
    labelNames: string[];
    overflow: number;
    skipped: number;
    truncated: number;
    values: SnapshotValue[];
  }>;
}

/**
 * Derives Prometheus metrics from each record and forwards the record unchanged. Metrics are
 * registered in the host's registry at initialize and removed at shutdown, so a new host (or a
 * restarted one) can register them again.
 */
export class MetricsDomain<T = JsonRecord> extends BaseDomain<T, T> {
  readonly metrics: readonly DerivedMetric[];
  private readonly registry: prometheus.Registry;
  /** The JSON pointer of each metric's name in the options, for registration errors. */
  private readonly pointers: readonly string[];
  private readonly source: CounterSource;
  private readonly skips = new ThrottledReport();
  private registered: string[] = [];
  private attached = false;

  constructor(options: MetricsOptions, ctx: MetricsContext) {
    super(ctx);
    this.registry = ctx.registry;
    const { prefix, maxLabelSets: max, counters, gauges, histograms } = options;
    const values = { missing: options.missingLabel, maxLength: options.maxLabelValueLength };
    this.metrics = [
      ...counters.map((c) => new DerivedCounter(c, prefix, max, values)),
      ...gauges.map((g) => new DerivedGauge(g, prefix, max, values)),
      ...histograms.map((h) => new DerivedHistogram(h, prefix, max, values)),
    ];
    this.pointers = [
      ...counters.map((_, i) => `/counters/${i}/name`),
      ...gauges.map((_, i) => `/gauges/${i}/name`),
      ...histograms.map((_, i) => `/histograms/${i}/name`),
    ];
    this.source = { step: this.id, metrics: this.metrics };
    for (const m of this.metrics)
      if (m.fieldPath !== undefined) m.skips = skipChannel(this.skips, this.log, m);
  }

  override initialize(): void {
    if (this.attached) return;
    this.metrics.forEach((m, i) => {
      try {
        m.register(this.registry);
      } catch (err) {
        this.shutdown();
        const problem = {
          path: this.pointers[i]!,
          message: `cannot register "${m.name}": ${messageOf(err)}`,
        };
        throw new ConfigError('TAPLINE_ERR_OPTIONS_INVALID', undefined, [problem], {
          cause: err,
          step: this.id,
        });
      }
      this.registered.push(m.name);
    });
    attachShared(this.registry, this.source);
    this.attached = true;
  }

  execute(input: T): T {
    const metrics = this.metrics;
    for (let i = 0; i < metrics.length; i++) metrics[i]!.record(input);
    return input;
  }

  /** What every metric holds now, as plain JSON (histogram buckets are on /metrics). */
  snapshot(): MetricsSnapshot {
    return {
      step: this.id,
      metrics: this.metrics.map((m) => ({
        name: m.name,
        type: m.type,
        help: m.help,
        labelNames: [...m.sets.names],
        overflow: m.overflow,
        skipped: m.skipped,
        truncated: m.sets.truncated,
        values: m.snapshot(),
      })),
    };
  }

  override shutdown(): void {
    this.skips.close();
    for (const name of this.registered) this.registry.removeSingleMetric(name);
    this.registered = [];
    if (this.attached) detachShared(this.registry, this.source);
    this.attached = false;
  }
}
