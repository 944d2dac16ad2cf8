/**
 * `@tapline/plugin-metrics`: Prometheus counters, gauges and histograms derived from records.
 * @packageDocumentation
 */
import { API_VERSION, definePlugin } from '@tapline/core';
import { checkOptions } from './check.js';
import { MetricsDomain } from './metrics-domain.js';
import { metricsOptions } from './options.js';

export { MetricsDomain, type MetricsContext, type MetricsSnapshot } from './metrics-domain.js';
export { checkOptions } from './check.js';
export {
  counterOptions,
  gaugeOptions,
  histogramOptions,
  metricsOptions,
  type CounterOptions,
  type GaugeOptions,
  type HistogramOptions,
  type MetricsOptions,
} from './options.js';
export { OVERFLOW_METRIC, SKIPPED_METRIC, TRUNCATED_METRIC } from './shared-counters.js';
export type { SnapshotValue } from './derived-metric.js';

export default definePlugin({
  name: 'tapline:metrics',
  apiVersion: API_VERSION,
  description: 'Counts, gauges and histograms derived from records, on /metrics; records pass on unchanged.',
  input: 'record',
  output: (_options, input) => input,
  options: metricsOptions,
  check: checkOptions,
  fields: (options) => ({
    reads: Object.fromEntries(
      [...options.gauges, ...options.histograms].map((m) => [m.field, 'number'] as const),
    ),
  }),
  create: (options, ctx) => new MetricsDomain(options, ctx),
});
