/** Nearest-rank summary of a list of milliseconds. */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const rank = (p) => sorted[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1];
  return { p50: rank(50), p99: rank(99), max: sorted[n - 1] };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
