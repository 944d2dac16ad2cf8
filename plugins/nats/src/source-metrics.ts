import { prometheus } from '@tapline/core';

/** What a NATS source counts; read at scrape time, so nothing is done per message for metrics. */
export interface SourceCounts {
  readonly id: string;
  /** Messages the server delivered again (an earlier delivery was not acked in time, or was nak'd). */
  readonly redelivered: number;
  /** Times the connection came back after it dropped. */
  readonly reconnects: number;
  /** Whether the connection is up now. */
  readonly connected: boolean;
}

/** Per registry, the sources its counters read. */
const registered = new WeakMap<prometheus.Registry, SourceCounts[]>();

/**
 * Registers `tapline_source_redelivered_total`, `tapline_nats_reconnects_total` and
 * `tapline_nats_connected` (one series per step) once per registry, and adds `source` to them.
 */
export function registerSourceMetrics(registry: prometheus.Registry, source: SourceCounts): void {
  let sources = registered.get(registry);
  if (sources === undefined) {
    const list: SourceCounts[] = (sources = []);
    registered.set(registry, list);
    new prometheus.Counter({
      name: 'tapline_source_redelivered_total',
      help: 'Messages a source took in that its broker had delivered before (an earlier delivery was never acked).',
      labelNames: ['step'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of list) this.inc({ step: s.id }, s.redelivered);
      },
    });
    new prometheus.Counter({
      name: 'tapline_nats_reconnects_total',
      help: 'Times a NATS connection came back after it dropped.',
      labelNames: ['step'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of list) this.inc({ step: s.id }, s.reconnects);
      },
    });
    new prometheus.Gauge({
      name: 'tapline_nats_connected',
      help: '1 while the NATS connection is up, else 0.',
      labelNames: ['step'],
      registers: [registry],
      collect() {
        for (const s of list) this.set({ step: s.id }, s.connected ? 1 : 0);
      },
    });
  }
  sources.push(source);
}
