export {
  startMonitoringServer,
  type MonitoringServer,
  type MonitoringServerOptions,
} from './monitoring-server.js';
export type { MonitoredMetrics, MonitoringSource } from './monitoring-source.js';
export { registerTaplineMetrics } from './prometheus-metrics.js';
export type {
  HistorySample,
  MetricsHistoryOptions,
  MetricsHistorySnapshot,
  StepCounts,
} from './metrics-history.js';
