/** Nearest-rank summary of a list of milliseconds. */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, p50: NaN, p99: NaN, p999: NaN, max: NaN };
  const rank = (p) => sorted[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1];
  return { count: n, p50: rank(50), p99: rank(99), p999: rank(99.9), max: sorted[n - 1] };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Throughput and latency of one run from each record's send and done times (epoch ms).
 * `records` counts every record taken in (dropped ones have no done time). Records sent in the
 * first `warmupMs` are the warm-up, reported apart from the steady state after it.
 */
export function measure({ sentAt, doneAt }, records, { prefill = false, warmupMs = 1000 } = {}) {
  let firstSent = Infinity;
  let firstDone = Infinity;
  let lastDone = 0;
  for (let i = 0; i < sentAt.length; i++) {
    if (sentAt[i] < firstSent) firstSent = sentAt[i];
    if (doneAt[i] < firstDone) firstDone = doneAt[i];
    if (doneAt[i] > lastDone) lastDone = doneAt[i];
  }
  // With a prefilled queue the clock starts at the first record handled, not the first queued.
  const elapsedMs = lastDone - (prefill ? firstDone : firstSent);
  const warm = [];
  const steady = [];
  for (let i = 0; i < sentAt.length; i++) {
    (sentAt[i] < firstSent + warmupMs ? warm : steady).push(doneAt[i] - sentAt[i]);
  }
  return {
    records,
    elapsedMs,
    perSecond: (records * 1000) / elapsedMs,
    latency: { all: summarize([...warm, ...steady]), warmup: summarize(warm), steady: summarize(steady) },
  };
}
