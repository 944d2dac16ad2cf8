import type { Problem } from '@tapline/core';
import type { MetricsOptions } from './options.js';
import { OVERFLOW_METRIC, SKIPPED_METRIC } from './shared-counters.js';

type Loose = { name?: unknown; labels?: unknown; buckets?: unknown };

/**
 * What the options schema cannot say: a metric name used twice (or taken by the plugin's own
 * counters), reserved label names, buckets out of order. Never throws, whatever it is given.
 */
export function checkOptions(options: MetricsOptions): Problem[] {
  const problems: Problem[] = [];
  const prefix = typeof options?.prefix === 'string' ? options.prefix : '';
  const seen = new Map<string, string>([
    [OVERFLOW_METRIC, 'the plugin'],
    [SKIPPED_METRIC, 'the plugin'],
  ]);
  for (const kind of ['counters', 'gauges', 'histograms'] as const) {
    const list: unknown[] = Array.isArray(options?.[kind]) ? options[kind] : [];
    list.forEach((raw, i) => {
      if (raw === null || typeof raw !== 'object') return;
      const m = raw as Loose;
      const at = `/${kind}/${i}`;
      if (typeof m.name === 'string') {
        const name = prefix + m.name;
        const first = seen.get(name);
        if (first !== undefined)
          problems.push({ path: `${at}/name`, message: `metric "${name}" is already defined by ${first}` });
        else seen.set(name, at);
      }
      if (m.labels !== null && typeof m.labels === 'object') {
        for (const label of Object.keys(m.labels)) {
          if (label.startsWith('__'))
            problems.push({
              path: `${at}/labels/${label}`,
              message: 'label names starting with "__" are reserved by Prometheus',
            });
          if (kind === 'histograms' && label === 'le')
            problems.push({ path: `${at}/labels/le`, message: '"le" is the bucket label of histograms' });
        }
      }
      if (
        Array.isArray(m.buckets) &&
        m.buckets.some((b, j) => j > 0 && !(b > (m.buckets as number[])[j - 1]!))
      ) {
        problems.push({ path: `${at}/buckets`, message: 'buckets must be strictly increasing' });
      }
    });
  }
  return problems;
}
