import { prometheus } from '@tapline/core';
import { LabelSets, type LabelSet } from './label-sets.js';
import { getPath, parsePath, type Segment } from './path.js';

type Registry = prometheus.Registry;

/** How a metric's values appear in the JSON snapshot. */
export type SnapshotValue =
  | { labels: Record<string, string>; value: number }
  | { labels: Record<string, string>; count: number; sum: number };

export interface MetricSpec {
  name: string;
  help?: string;
  labels?: Record<string, string>;
  maxLabelSets?: number;
  field?: string;
  buckets?: number[];
}

/**
 * A metric derived from records. Counts live here, per label set, and reach prom-client when
 * the registry is scraped (`collect`), so a record costs a few Map lookups and an addition.
 */
export abstract class DerivedMetric {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  readonly name: string;
  readonly help: string;
  readonly sets: LabelSets;
  /** Records whose label set was not created because the metric had `maxLabelSets` already. */
  overflow = 0;
  /** Records whose field was missing or not a finite number (gauges and histograms). */
  skipped = 0;
  protected readonly field: readonly Segment[];

  constructor(spec: MetricSpec, prefix: string, maxLabelSets: number, missingLabel: string) {
    this.name = prefix + spec.name;
    this.help = spec.help ?? `${this.name}, derived from records`;
    this.sets = new LabelSets(spec.labels ?? {}, spec.maxLabelSets ?? maxLabelSets, missingLabel);
    this.field = spec.field === undefined ? [] : parsePath(spec.field);
  }

  /** Adds one record. Never throws on the record's content. */
  abstract record(record: unknown): void;

  /** Makes and registers the prom-client metric. */
  abstract register(registry: Registry): prometheus.Metric;

  protected numberIn(record: unknown): number | undefined {
    const v = getPath(record, this.field);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.skipped++;
    return undefined;
  }

  protected setFor(record: unknown): LabelSet | undefined {
    const set = this.sets.find(record);
    if (set === undefined) this.overflow++;
    return set;
  }

  snapshot(): SnapshotValue[] {
    return this.sets.all.map((s) => ({ labels: { ...s.labels }, value: s.value }));
  }
}

export class DerivedCounter extends DerivedMetric {
  readonly type = 'counter';

  record(record: unknown): void {
    const set = this.setFor(record);
    if (set !== undefined) set.value++;
  }

  register(registry: Registry): prometheus.Metric {
    const sets = this.sets.all;
    return new prometheus.Counter({
      name: this.name,
      help: this.help,
      labelNames: this.sets.names,
      registers: [registry],
      collect(this: prometheus.Counter) {
        this.reset();
        for (const s of sets) this.inc(s.labels, s.value);
      },
    });
  }
}

export class DerivedGauge extends DerivedMetric {
  readonly type = 'gauge';

  record(record: unknown): void {
    const v = this.numberIn(record);
    if (v === undefined) return;
    const set = this.setFor(record);
    if (set !== undefined) set.value = v;
  }

  register(registry: Registry): prometheus.Metric {
    const sets = this.sets.all;
    return new prometheus.Gauge({
      name: this.name,
      help: this.help,
      labelNames: this.sets.names,
      registers: [registry],
      collect(this: prometheus.Gauge) {
        for (const s of sets) this.set(s.labels, s.value);
      },
    });
  }
}

export class DerivedHistogram extends DerivedMetric {
  readonly type = 'histogram';
  private histogram: prometheus.Histogram | undefined;
  private readonly buckets: number[] | undefined;

  constructor(spec: MetricSpec, prefix: string, maxLabelSets: number, missingLabel: string) {
    super(spec, prefix, maxLabelSets, missingLabel);
    this.buckets = spec.buckets;
  }

  record(record: unknown): void {
    const v = this.numberIn(record);
    if (v === undefined) return;
    const set = this.setFor(record);
    if (set === undefined) return;
    set.count++;
    set.sum += v;
    // prom-client keeps the buckets: it hashes the labels on each observation.
    this.histogram?.observe(set.labels, v);
  }

  register(registry: Registry): prometheus.Metric {
    this.histogram = new prometheus.Histogram({
      name: this.name,
      help: this.help,
      labelNames: this.sets.names,
      registers: [registry],
      ...(this.buckets === undefined ? {} : { buckets: this.buckets }),
    });
    return this.histogram;
  }

  unregister(): void {
    this.histogram = undefined;
  }

  override snapshot(): SnapshotValue[] {
    return this.sets.all.map((s) => ({ labels: { ...s.labels }, count: s.count, sum: s.sum }));
  }
}
