/** Summary of the durations in a window, in milliseconds, and of all ever added. All zero when none were. */
export interface DurationStats {
  /** How many durations the window holds (at most its size). */
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** How many durations were ever added, the window's and the older ones. */
  readonly added: number;
  /** The sum of every duration ever added (a Prometheus summary's `_sum`). */
  readonly sumMs: number;
}

/**
 * The last N durations, in a fixed ring: memory stays bounded however many are added.
 * Percentiles are nearest-rank over the window (`sorted[ceil(p * n) - 1]`).
 */
export class DurationWindow {
  private readonly ring: Float64Array;
  private next = 0;
  private size = 0;
  private added = 0;
  private sumMs = 0;

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`A duration window needs a positive integer size, not ${capacity}`);
    }
    this.ring = new Float64Array(capacity);
  }

  add(durationMs: number): void {
    this.ring[this.next] = durationMs;
    this.next = this.next + 1 === this.ring.length ? 0 : this.next + 1;
    if (this.size < this.ring.length) this.size++;
    this.added++;
    this.sumMs += durationMs;
  }

  /** How many durations the window holds now. */
  get count(): number {
    return this.size;
  }

  stats(): DurationStats {
    const n = this.size;
    if (n === 0) return { count: 0, min: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0, added: 0, sumMs: 0 };
    const sorted = this.ring.slice(0, n).sort();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i]!;
    return {
      count: n,
      min: sorted[0]!,
      mean: sum / n,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted[n - 1]!,
      added: this.added,
      sumMs: this.sumMs,
    };
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}
