import type { MonitoredMetrics } from './monitoring-source.js';
import { ScrapedMetric } from './scraped-metric.js';

/** The config reloads as Prometheus sees them, read from one `getMetrics()` snapshot. */
export function reloadMetrics(current: () => MonitoredMetrics): ScrapedMetric[] {
  const last = () => current().reloads.last;
  return [
    new ScrapedMetric(
      'tapline_config_reloads_total',
      'Config reloads by result: success (swapped in) or failure (invalid, or rolled back).',
      'counter',
      () => {
        const { success, failure } = current().reloads;
        return [
          { labels: { result: 'success' }, value: success },
          { labels: { result: 'failure' }, value: failure },
        ];
      },
    ),
    new ScrapedMetric(
      'tapline_config_last_reload_success',
      '1 when the last config reload succeeded, 0 when it failed; absent before the first.',
      'gauge',
      () => {
        const l = last();
        return l === undefined ? [] : [{ labels: {}, value: l.result === 'success' ? 1 : 0 }];
      },
    ),
    new ScrapedMetric(
      'tapline_config_last_reload_timestamp_seconds',
      'When the last config reload ended, in seconds since the epoch; absent before the first.',
      'gauge',
      () => {
        const l = last();
        return l === undefined ? [] : [{ labels: {}, value: Date.parse(l.at) / 1000 }];
      },
    ),
  ];
}
