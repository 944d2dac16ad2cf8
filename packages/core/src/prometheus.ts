/**
 * The parts of prom-client a plugin needs to register its own metrics in `ctx.registry`: one
 * prom-client for the whole process, so every metric lands on the host's `/metrics`.
 */
export {
  Counter,
  Gauge,
  Histogram,
  Registry,
  Summary,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type LabelValues,
  type Metric,
  type SummaryConfiguration,
} from 'prom-client';
