import type { Accounting, Latency } from './metrics.js';
import { CHART_SPAN_MS } from './svg-chart.js';

const RATE_WINDOW_MS = 5000;

/** One poll's figures: rates come from the deltas between samples. */
export interface Sample {
  /** When it was taken, in ms since the epoch. */
  readonly t: number;
  readonly acc: Accounting;
  /** Each step's handled + errors, by step id. */
  readonly steps: Readonly<Record<string, number>>;
  readonly latency: Latency;
}

/** The last minutes of samples, oldest first. */
export const history: Sample[] = [];

/** Keeps a sample, and forgets those older than the charts show. */
export function remember(sample: Sample): void {
  history.push(sample);
  while (history.length && sample.t - history[0]!.t > CHART_SPAN_MS + 5000) history.shift();
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
