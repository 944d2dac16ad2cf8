import type { History, Sample } from './metrics.js';
import { CHART_SPAN_MS } from './svg-chart.js';

const RATE_WINDOW_MS = 5000;

/** The last minutes of samples, oldest first: the host's history, then the page's own polls. */
export const history: Sample[] = [];

/** Keeps a sample, and forgets those older than the charts show. */
export function remember(sample: Sample): void {
  history.push(sample);
  while (history.length && sample.t - history[0]!.t > CHART_SPAN_MS + 5000) history.shift();
}

/**
 * Takes in the host's history, older than any poll of this page, on this browser's clock:
 * the host's sample times are shifted by how far its clock is from the browser's.
 */
export function rememberHistory(h: History, receivedAt: number): void {
  const shift = receivedAt - h.now;
  const first = history[0]?.t ?? Infinity;
  const past = h.samples.map((s) => ({ ...s, t: s.t + shift })).filter((s) => s.t < first);
  history.unshift(...past);
}

/** Rate per second of a counter over the last few seconds of samples. */
export function rate(read: (s: Sample) => number): number {
  const last = history[history.length - 1];
  if (last === undefined) return 0;
  let first = last;
  for (let i = history.length - 2; i >= 0 && last.t - history[i]!.t <= RATE_WINDOW_MS; i--)
    first = history[i]!;
  const dt = (last.t - first.t) / 1000;
  return dt > 0 ? Math.max(0, (read(last) - read(first)) / dt) : 0;
}
