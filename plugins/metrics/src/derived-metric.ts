import { prometheus, parsePath, pathReader, type PathReader, type ReportChannel } from '@tapline/core';
import { kindOf } from './skip-log.js';
import { LabelSets, type LabelSet, type LabelValueRules } from './label-sets.js';

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
  scale?: number;
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
  /** Told of each skip, with what the field held instead: `missing`, `string`, `null` … */
  skips: ReportChannel<string> | undefined;
  /** The field path as the options wrote it, for the log. */
  readonly fieldPath: string | undefined;
  protected readonly field: PathReader;

  constructor(
    spec: MetricSpec,
    prefix: string,
    maxLabelSets: number,
    values: LabelValueRules,
    bucketCount = 0,
  ) {
    this.name = prefix + spec.name;
    this.help = spec.help ?? `${this.name}, derived from records`;
    this.sets = new LabelSets(spec.labels ?? {}, spec.maxLabelSets ?? maxLabelSets, values, bucketCount);
    this.field = pathReader(spec.field === undefined ? [] : parsePath(spec.field));
    this.fieldPath = spec.field;
  }

  /** Adds one record. Never throws on the record's content. */
  abstract record(record: unknown): void;

  /** Makes and registers the prom-client metric. */
  abstract register(registry: Registry): prometheus.Metric;

  protected numberIn(record: unknown): number | undefined {
    const v = this.field(record);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.skipped++;
    this.skips?.add(kindOf(v));
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

/** The Prometheus client's default buckets, used when a histogram names none. */
const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class DerivedHistogram extends DerivedMetric {
  readonly type = 'histogram';
  /** Upper bounds, increasing (the options check refuses any other order). */
  readonly bounds: readonly number[];
  /** What a field's value is multiplied by: its unit to the one the name states. */
  readonly scale: number;
  /**
   * 1 / scale when that is a whole number: 9 / 1000 is the double nearest 0.009, as a bucket
   * bound written 0.009 is, where 9 * 0.001 is just above it and would miss that bucket.
   */
  private readonly divisor: number;

  constructor(spec: MetricSpec, prefix: string, maxLabelSets: number, values: LabelValueRules) {
    const bounds = spec.buckets ?? DEFAULT_BUCKETS;
    super(spec, prefix, maxLabelSets, values, bounds.length);
    this.bounds = bounds;
    this.scale = spec.scale ?? 1;
    const inverse = 1 / this.scale;
    this.divisor = Number.isInteger(inverse) ? inverse : 0;
  }

  record(record: unknown): void {
    const field = this.numberIn(record);
    if (field === undefined) return;
    const v = this.divisor > 0 ? field / this.divisor : field * this.scale;
    const set = this.setFor(record);
    if (set === undefined) return;
    set.count++;
    set.sum += v;
    // The first bucket whose bound holds v; past the last bound only +Inf (the count) has it.
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && v > bounds[i]!) i++;
    if (i < bounds.length) set.buckets[i]!++;
  }

  register(registry: Registry): prometheus.Metric {
    const metric = new HistogramCollector(this.name, this.help, this.bounds, this.sets.all);
    // The registry reads any metric through get(); prom-client's Histogram would hash the
    // labels of every observation, where this one reads buckets kept per label set.
    registry.registerMetric(metric as unknown as prometheus.Metric);
    return metric as unknown as prometheus.Metric;
  }

  override snapshot(): SnapshotValue[] {
    return this.sets.all.map((s) => ({ labels: { ...s.labels }, count: s.count, sum: s.sum }));
  }
}

/** One sample as prom-client's registry formats it. */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A histogram as prom-client's registry sees one (name, help, type, get, reset), exported from
 * the label sets' own buckets at scrape time, in the same shape prom-client's Histogram gives.
 */
class HistogramCollector {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    private readonly sets: readonly LabelSet[],
  ) {}

  get(): Promise<{ name: string; help: string; type: string; values: Sample[]; aggregator: string }> {
    const bucket = `${this.name}_bucket`;
    const values: Sample[] = [];
    for (const s of this.sets) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.buckets[i]!;
        values.push({ metricName: bucket, labels: { ...s.labels, le: this.bounds[i]! }, value: cumulative });
      }
      values.push(
        { metricName: bucket, labels: { ...s.labels, le: '+Inf' }, value: s.count },
        { metricName: `${this.name}_sum`, labels: { ...s.labels }, value: s.sum },
        { metricName: `${this.name}_count`, labels: { ...s.labels }, value: s.count },
      );
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    });
  }

  /** The counts are the records this step has seen; the registry's reset leaves them. */
  reset(): void {}
}
