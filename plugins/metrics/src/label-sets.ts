import { parsePath, pathReader, type PathReader } from '@tapline/core';

/** One label set of a metric: its labels (built once) and what the records added to it. */
export interface LabelSet {
  readonly labels: Readonly<Record<string, string>>;
  /** Counter total, or the gauge's last value. */
  value: number;
  /** Histogram observations and their sum. */
  count: number;
  sum: number;
  /** Histogram observations per bucket (not cumulative); empty for counters and gauges. */
  readonly buckets: Float64Array;
}

type Node = Map<string, Node | LabelSet>;

/** How label values are read: the value for a missing field, and the longest value kept. */
export interface LabelValueRules {
  readonly missing: string;
  /** Longer values are cut to this many characters (and counted in `truncated`). */
  readonly maxLength: number;
}

/**
 * The distinct label sets of one metric, at most `max` of them. Looked up through one Map per
 * label keyed by the label's value, so finding an existing set builds no key string.
 */
export class LabelSets {
  readonly names: readonly string[];
  private readonly fields: readonly PathReader[];
  private readonly root: Node = new Map();
  private readonly single: LabelSet | undefined;
  readonly all: LabelSet[] = [];
  /** Label values cut to `maxLength`: one record with a 100 KB value must not make a 100 KB series. */
  truncated = 0;

  constructor(
    labels: Readonly<Record<string, string>>,
    private readonly max: number,
    private readonly rules: LabelValueRules,
    /** How many buckets each set keeps (histograms only). */
    private readonly bucketCount = 0,
  ) {
    this.names = Object.keys(labels);
    this.fields = this.names.map((n) => pathReader(parsePath(labels[n]!)));
    if (this.names.length === 0) {
      this.single = this.newSet({});
      this.all.push(this.single);
    }
  }

  /** The record's label set, created if there is room; undefined when the cap was reached. */
  find(record: unknown): LabelSet | undefined {
    if (this.single !== undefined) return this.single;
    let node: Node = this.root;
    const last = this.fields.length - 1;
    for (let i = 0; i < last; i++) {
      const next = node.get(this.valueOf(record, i)) as Node | undefined;
      if (next === undefined) return this.create(record, i + 1);
      node = next;
    }
    return (node.get(this.valueOf(record, last)) as LabelSet | undefined) ?? this.create(record, last + 1);
  }

  /** `count`: false when `create` reads again a value `find` has already counted. */
  private valueOf(record: unknown, i: number, count = true): string {
    const v = this.fields[i]!(record);
    if (v === undefined || v === null) return this.rules.missing;
    const text = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (text.length <= this.rules.maxLength) return text;
    if (count) this.truncated++;
    return text.slice(0, this.rules.maxLength);
  }

  /** `counted`: how many of the record's values `find` has read (and counted) already. */
  private create(record: unknown, counted: number): LabelSet | undefined {
    if (this.all.length >= this.max) return undefined;
    const labels: Record<string, string> = {};
    let node = this.root;
    const last = this.fields.length - 1;
    for (let i = 0; i < last; i++) {
      const value = this.valueOf(record, i, i >= counted);
      labels[this.names[i]!] = value;
      let next = node.get(value) as Node | undefined;
      if (next === undefined) node.set(value, (next = new Map()));
      node = next;
    }
    const value = this.valueOf(record, last, last >= counted);
    labels[this.names[last]!] = value;
    const set = this.newSet(labels);
    node.set(value, set);
    this.all.push(set);
    return set;
  }

  private newSet(labels: Record<string, string>): LabelSet {
    const buckets = new Float64Array(this.bucketCount);
    return { labels: Object.freeze(labels), value: 0, count: 0, sum: 0, buckets };
  }
}
