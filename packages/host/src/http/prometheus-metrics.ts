import { prometheus } from '@tapline/core';
import type { DurationStats } from '@tapline/core/internal';
import type { MonitoredMetrics, MonitoringSource } from './monitoring-source.js';
import { reloadMetrics } from './reload-metrics.js';
import { ScrapedMetric, type Sample } from './scraped-metric.js';

const QUANTILES = [
  [0.5, 'p50'],
  [0.95, 'p95'],
  [0.99, 'p99'],
] as const;

/**
 * Registers Tapline's metrics in the source's registry, each computed at scrape time from one
 * `getMetrics()` snapshot, plus prom-client's process metrics. Returns a function that removes
 * the Tapline metrics again.
 */
export function registerTaplineMetrics(source: MonitoringSource): () => void {
  const registry = source.registry;
  // One scrape reads a dozen metrics; take one snapshot for all of them.
  let snapshot: MonitoredMetrics | undefined;
  let takenAt = 0;
  const current = (): MonitoredMetrics => {
    const now = performance.now();
    if (snapshot === undefined || now - takenAt > 250) {
      snapshot = source.getMetrics();
      takenAt = now;
    }
    return snapshot;
  };
  type Count = Exclude<keyof MonitoredMetrics['accounting'], 'droppedBy'>;
  const account = (key: Count) => (): Sample[] => [{ labels: {}, value: current().accounting[key] }];

  const metrics = [
    new ScrapedMetric(
      'tapline_messages_received_total',
      'Messages taken in by the sources.',
      'counter',
      account('received'),
    ),
    new ScrapedMetric(
      'tapline_messages_completed_total',
      'Messages the last step handled, once their records were written.',
      'counter',
      account('completed'),
    ),
    new ScrapedMetric(
      'tapline_messages_dropped_total',
      "Messages dropped on purpose, by reason: filtered (a step returned DROP), buffer_full (an output's queue was full), unmatched (no output's route took it).",
      'counter',
      () =>
        Object.entries(current().accounting.droppedBy).map(([reason, value]) => ({
          labels: { reason },
          value,
        })),
    ),
    new ScrapedMetric(
      'tapline_messages_failed_total',
      'Messages a step failed on, once their dead letter was written.',
      'counter',
      account('failed'),
    ),
    new ScrapedMetric(
      'tapline_dead_letters_lost_total',
      'Messages a step failed on whose dead letter could not be written (never counted in failed).',
      'counter',
      account('lost'),
    ),
    new ScrapedMetric(
      'tapline_late_dead_letters_total',
      'Dead letters a step wrote after their record had completed (a disk-buffered target gave up on a record from its log), by result: written, or lost (it could not be written). Not counted in tapline_messages_failed_total: those records completed.',
      'counter',
      () => {
        const { written, lost } = current().lateDeadLetters;
        return [
          { labels: { result: 'written' }, value: written },
          { labels: { result: 'lost' }, value: lost },
        ];
      },
    ),
    new ScrapedMetric(
      'tapline_messages_in_flight',
      'Messages taken in and not yet done.',
      'gauge',
      account('inFlight'),
    ),
    new ScrapedMetric(
      'tapline_end_to_end_latency_seconds',
      'From arrival to the last step (quantiles over the durations window; sum and count of all completed).',
      'summary',
      () => summary({}, current().latency),
    ),
    new ScrapedMetric(
      'tapline_step_handled_total',
      'Messages a step handled without error (drops included).',
      'counter',
      () => operations(current()).map(([labels, op]) => ({ labels, value: op.success })),
    ),
    new ScrapedMetric(
      'tapline_step_dropped_total',
      'Messages a step filtered out on purpose.',
      'counter',
      () => operations(current()).map(([labels, op]) => ({ labels, value: op.dropped })),
    ),
    new ScrapedMetric(
      'tapline_step_errors_total',
      'Messages a step failed on, by error type.',
      'counter',
      () =>
        operations(current()).flatMap(([labels, op]) =>
          Object.entries(op.errorTypes).map(([errorType, value]) => ({
            labels: { ...labels, error_type: errorType },
            value,
          })),
        ),
    ),
    new ScrapedMetric(
      'tapline_step_duration_seconds',
      "A record's service time at a step: its batch's over its size (quantiles from fixed buckets over the durations window; sum and count of all handled).",
      'summary',
      () => operations(current()).flatMap(([labels, op]) => summary(labels, op.durations)),
    ),
    new ScrapedMetric(
      'tapline_step_queue_wait_seconds',
      "How long a record's batch waited before the step began on it, or for its asynchronous answer (quantiles from fixed buckets over the durations window).",
      'summary',
      () => operations(current()).flatMap(([labels, op]) => summary(labels, op.queueWait)),
    ),
    new ScrapedMetric(
      'tapline_step_utilisation_ratio',
      "The share of the time from a step's first batch to its latest that it spent serving batches.",
      'gauge',
      () => operations(current()).map(([labels, op]) => ({ labels, value: op.utilisation })),
    ),
    new ScrapedMetric('tapline_ready', '1 while the sources take messages in, else 0.', 'gauge', () => [
      { labels: {}, value: source.ready ? 1 : 0 },
    ]),
    new ScrapedMetric('tapline_uptime_seconds', 'Seconds since the host was created.', 'gauge', () => [
      { labels: {}, value: current().uptimeMs / 1000 },
    ]),
    ...reloadMetrics(current),
  ];
  for (const m of metrics) m.registerIn(registry);
  // Once per registry: prom-client refuses to register its process metrics twice.
  if (registry.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    prometheus.collectDefaultMetrics({ register: registry });
  }
  return () => {
    for (const m of metrics) registry.removeSingleMetric(m.name);
  };
}

type Operation = MonitoredMetrics['operations'][string];

function operations(m: MonitoredMetrics): Array<[Record<string, string>, Operation]> {
  const plugins = new Map(m.steps.map((s) => [s.id, s.plugin]));
  return Object.values(m.operations).map((op) => [
    { step: op.domain, plugin: plugins.get(op.domain) ?? '', operation: op.operation },
    op,
  ]);
}

function summary(labels: Record<string, string>, stats: DurationStats): Sample[] {
  // An empty window has no quantiles; Prometheus spells that NaN.
  const samples: Sample[] = QUANTILES.map(([q, key]) => ({
    labels: { ...labels, quantile: q },
    value: stats.count === 0 ? NaN : stats[key] / 1000,
  }));
  samples.push(
    { labels, value: stats.sumMs / 1000, suffix: '_sum' },
    { labels, value: stats.added, suffix: '_count' },
  );
  return samples;
}
