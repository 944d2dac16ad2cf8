import { prometheus } from '@tapline/core';
import type { DerivedMetric } from './derived-metric.js';

type Registry = prometheus.Registry;

export const OVERFLOW_METRIC = 'tapline_metrics_label_overflow_total';
export const SKIPPED_METRIC = 'tapline_metrics_skipped_total';
export const TRUNCATED_METRIC = 'tapline_metrics_label_truncated_total';

/** One metrics step, as the shared counters see it. */
export interface CounterSource {
  readonly step: string;
  readonly metrics: readonly DerivedMetric[];
}

interface Shared {
  readonly sources: Set<CounterSource>;
}

// Several metrics steps may share one registry, which allows each metric name once: the
// overflow, skipped and truncated counters are registered by the first step and removed after the last.
const byRegistry = new WeakMap<Registry, Shared>();

function counter(
  registry: Registry,
  name: string,
  help: string,
  read: (m: DerivedMetric) => number,
  shared: Shared,
) {
  return new prometheus.Counter({
    name,
    help,
    labelNames: ['step', 'metric'],
    registers: [registry],
    collect(this: prometheus.Counter) {
      this.reset();
      for (const source of shared.sources) {
        for (const m of source.metrics) {
          const n = read(m);
          if (n > 0) this.inc({ step: source.step, metric: m.name }, n);
        }
      }
    },
  });
}

export function attachShared(registry: Registry, source: CounterSource): void {
  let shared = byRegistry.get(registry);
  if (shared === undefined) {
    shared = { sources: new Set() };
    counter(
      registry,
      OVERFLOW_METRIC,
      'Records not counted because a metric had reached maxLabelSets, by step and metric.',
      (m) => m.overflow,
      shared,
    );
    counter(
      registry,
      SKIPPED_METRIC,
      'Records skipped because the field a gauge or histogram reads was missing or not a number.',
      (m) => m.skipped,
      shared,
    );
    counter(
      registry,
      TRUNCATED_METRIC,
      'Label values cut to maxLabelValueLength, by step and metric.',
      (m) => m.sets.truncated,
      shared,
    );
    byRegistry.set(registry, shared);
  }
  shared.sources.add(source);
}

export function detachShared(registry: Registry, source: CounterSource): void {
  const shared = byRegistry.get(registry);
  if (shared === undefined || !shared.sources.delete(source) || shared.sources.size > 0) return;
  registry.removeSingleMetric(OVERFLOW_METRIC);
  registry.removeSingleMetric(SKIPPED_METRIC);
  registry.removeSingleMetric(TRUNCATED_METRIC);
  byRegistry.delete(registry);
}
