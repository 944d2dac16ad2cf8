import type { prometheus } from '@tapline/core';
import type { Expectation } from './test-file-schema.js';
import type { TestFailure } from './test-result.js';

/** One sample of the registry: a counter's value for a label set, a histogram's bucket, sum or count. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Every sample the registry holds now (collect callbacks run, as on a scrape). */
export async function readSamples(registry: prometheus.Registry): Promise<Sample[]> {
  const metrics = await registry.getMetricsAsJSON();
  const samples: Sample[] = [];
  for (const m of metrics) {
    for (const v of m.values as Array<{
      value: number;
      labels: Record<string, unknown>;
      metricName?: string;
    }>) {
      const labels: Record<string, string> = {};
      for (const [k, l] of Object.entries(v.labels ?? {})) labels[k] = String(l);
      samples.push({ name: v.metricName ?? m.name, labels, value: v.value });
    }
  }
  return samples;
}

// Sums of float observations: equal within rounding.
const close = (a: number, b: number) =>
  a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Checks `metrics` of one expectation: each value is the sum of the samples whose labels include those given. */
export function checkMetrics(e: Expectation, index: number, samples: readonly Sample[]): TestFailure[] {
  const failures: TestFailure[] = [];
  for (const [k, want] of (e.metrics ?? []).entries()) {
    const named = samples.filter((s) => s.name === want.name);
    const base = { expectation: index, check: 'metrics', expected: want };
    if (named.length === 0) {
      const names = [...new Set(samples.map((s) => s.name))].sort();
      failures.push({
        ...base,
        message: `metrics[${k}]: no metric "${want.name}"; the registry has: ${names.join(', ') || 'none'}`,
      });
      continue;
    }
    const labels = Object.entries(want.labels ?? {});
    const chosen = named.filter((s) => labels.every(([l, v]) => s.labels[l] === v));
    const value = chosen.reduce((sum, s) => sum + s.value, 0);
    if (chosen.length > 0 && close(value, want.value)) continue;
    const selector = labels.length === 0 ? '' : `{${labels.map(([l, v]) => `${l}="${v}"`).join(',')}}`;
    failures.push({
      ...base,
      message:
        chosen.length === 0
          ? `metrics[${k}]: "${want.name}" has no sample with labels ${selector}; its samples:`
          : `metrics[${k}]: ${want.name}${selector} is ${value}, expected ${want.value}; its samples:`,
      actual: named.map((s) => ({ labels: s.labels, value: s.value })),
    });
  }
  return failures;
}
