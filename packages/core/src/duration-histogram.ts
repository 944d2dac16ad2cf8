import type { DurationStats } from './duration-window.js';

/** Buckets per doubling: a percentile read from them is within 9% of the true value. */
const PER_DOUBLING = 8;
/** The smallest bucket's upper bound, in milliseconds (1 µs); smaller durations fall in it. */
const FLOOR_MS = 0.001;
/** 2^30 µs is about 18 minutes: longer durations fall in the last bucket. */
const BUCKETS = 30 * PER_DOUBLING + 1;
const SCALE = PER_DOUBLING / Math.LN2;

/** The upper bound of bucket `i`, in milliseconds. */
export function bucketBound(i: number): number {
  return FLOOR_MS * 2 ** (i / PER_DOUBLING);
}

/** The bucket a duration in milliseconds falls in. */
function bucketOf(ms: number): number {
  if (!(ms > FLOOR_MS)) return 0;
  const i = Math.ceil(Math.log(ms / FLOOR_MS) * SCALE);
  return i < BUCKETS ? i : BUCKETS - 1;
}

/** One half of the window: fixed buckets, plus what percentiles cannot say exactly. */
class Half {
  readonly counts = new Float64Array(BUCKETS);
  n = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  clear(): void {
    this.counts.fill(0);
    this.n = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = 0;
  }
}

const EMPTY: DurationStats = {
  count: 0,
  min: 0,
  mean: 0,
  p50: 0,
  p95: 0,
  p99: 0,
  max: 0,
  added: 0,
  sumMs: 0,
};

/**
 * Durations in fixed buckets (8 per doubling, 1 µs to 18 min), added per batch: `add(ms, n)`
 * counts `n` records of `ms` each in one step, so recording costs the same for a batch of one
 * record or of 256. Percentiles cover the latest `window` records or up to twice as many: two
 * halves, the older dropped whole once the newer is full, so memory is fixed and the figures stay
 * recent. `added` and `sumMs` count every record ever added (a Prometheus summary's count and sum).
 * @internal
 */
export class DurationHistogram {
  private current = new Half();
  private previous = new Half();
  private added = 0;
  private sumMs = 0;

  constructor(readonly window = 1000) {
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(`A durations window needs a positive integer size, not ${window}`);
    }
  }

  /** Counts `n` records that took `ms` each. */
  add(ms: number, n = 1): void {
    const h = this.current;
    h.counts[bucketOf(ms)]! += n;
    h.n += n;
    h.sum += ms * n;
    if (ms < h.min) h.min = ms;
    if (ms > h.max) h.max = ms;
    this.added += n;
    this.sumMs += ms * n;
    if (h.n >= this.window) {
      const old = this.previous;
      old.clear();
      this.previous = h;
      this.current = old;
    }
  }

  /** The sum of every duration ever added, in milliseconds. */
  get totalMs(): number {
    return this.sumMs;
  }

  /** Records in the window now. */
  get count(): number {
    return this.current.n + this.previous.n;
  }

  /** p50 … p99 are the upper bounds of their buckets, held within the window's min and max. */
  stats(): DurationStats {
    const a = this.current;
    const b = this.previous;
    const n = a.n + b.n;
    if (n === 0) return this.added === 0 ? EMPTY : { ...EMPTY, added: this.added, sumMs: this.sumMs };
    const min = Math.min(a.min, b.min);
    const max = Math.max(a.max, b.max);
    const at = (p: number): number => {
      const rank = Math.max(1, Math.ceil((p / 100) * n));
      let seen = 0;
      for (let i = 0; i < BUCKETS; i++) {
        seen += a.counts[i]! + b.counts[i]!;
        if (seen >= rank) return Math.min(max, Math.max(min, bucketBound(i)));
      }
      return max;
    };
    return {
      count: n,
      min,
      mean: (a.sum + b.sum) / n,
      p50: at(50),
      p95: at(95),
      p99: at(99),
      max,
      added: this.added,
      sumMs: this.sumMs,
    };
  }
}
