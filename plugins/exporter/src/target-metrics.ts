import { prometheus, type OutputBooks } from '@tapline/core';
import type { ExportTarget } from './target.js';

/** What the metrics read of an exporter step, when scraped. */
interface MeteredStep {
  readonly id: string;
  readonly targets: readonly ExportTarget[];
  outputBooks(): readonly OutputBooks[];
}

/** Per registry, the exporter steps its metrics read when scraped. */
const metered = new WeakMap<prometheus.Registry, MeteredStep[]>();

type Kind = 'counter' | 'gauge';

const NONE: Readonly<Record<string, number>> = {};

/**
 * A metric read from the steps' outputs when the registry is scraped, labelled by step, target
 * and, when given, `label`: `values` gives each output's values by that label. Nothing is
 * counted per record here.
 */
function outputMetric(
  registry: prometheus.Registry,
  steps: readonly MeteredStep[],
  kind: Kind,
  spec: { name: string; help: string; label?: string },
  values: (books: OutputBooks, target: ExportTarget) => Readonly<Record<string, number>>,
): void {
  const Metric = kind === 'counter' ? prometheus.Counter : prometheus.Gauge;
  new Metric({
    name: spec.name,
    help: spec.help,
    labelNames: spec.label === undefined ? ['step', 'target'] : ['step', 'target', spec.label],
    registers: [registry],
    collect(this: prometheus.Counter | prometheus.Gauge) {
      this.reset();
      for (const s of steps) {
        const books = s.outputBooks();
        for (let i = 0; i < books.length; i++) {
          const b = books[i]!;
          for (const [value, n] of Object.entries(values(b, s.targets[i]!))) {
            const labels =
              spec.label === undefined
                ? { step: s.id, target: b.name }
                : { step: s.id, target: b.name, [spec.label]: value };
            if (this instanceof prometheus.Gauge) this.set(labels, n);
            else this.inc(labels, n);
          }
        }
      }
    },
  });
}

function registerAll(registry: prometheus.Registry, steps: MeteredStep[]): void {
  outputMetric(
    registry,
    steps,
    'counter',
    {
      name: 'tapline_output_records_total',
      help: 'Records routed to an output, by how they ended there: written, dropped (its policy when full), dead_lettered (given up on, dead letter written), lost (its dead letter could not be written). routed = written + dropped + dead_lettered + lost + queued.',
      label: 'outcome',
    },
    (b) => ({ written: b.written, dropped: b.dropped, dead_lettered: b.deadLettered, lost: b.lost }),
  );
  const gauge = (name: string, help: string, value: (b: OutputBooks) => number) =>
    outputMetric(registry, steps, 'gauge', { name, help }, (b) => ({ value: value(b) }));
  gauge(
    'tapline_output_queue_records',
    "Records in an output's queue: taken, not yet written or given up on.",
    (b) => b.queued,
  );
  gauge('tapline_output_queue_bytes', "Bytes of serialized JSON in an output's queue.", (b) => b.queuedBytes);
  gauge(
    'tapline_output_queue_oldest_age_seconds',
    'How long ago the oldest record queued (or waiting) for an output was received; 0 when none.',
    (b) => b.oldestAgeMs / 1000,
  );
  gauge(
    'tapline_output_waiting_records',
    'Records a full output with whenFull "block" keeps waiting for room (not routed to it yet).',
    (b) => b.waiting,
  );
  // A disk buffer's series exist only for the targets that have one.
  const disk = (name: string, help: string, kind: Kind, value: (b: OutputBooks) => number | undefined) =>
    outputMetric(registry, steps, kind, { name, help }, (b): Readonly<Record<string, number>> => {
      const v = value(b);
      return v === undefined ? NONE : { value: v };
    });
  disk(
    'tapline_output_buffered_records',
    "Records durably in a target's disk buffer and not yet delivered: the lag of its cursor, in records.",
    'gauge',
    (b) => b.buffered,
  );
  disk(
    'tapline_output_delivered_records_total',
    'Records a disk-buffered target took from its log in this run.',
    'counter',
    (b) => b.delivered,
  );
  disk(
    'tapline_output_carried_over_records',
    "Records found in a target's disk buffer at start-up, left undelivered by the last run.",
    'gauge',
    (b) => b.carriedOver,
  );
  disk(
    'tapline_output_buffer_lag_bytes',
    "Bytes of a target's disk buffer from its cursor on.",
    'gauge',
    (b) => b.lagBytes,
  );
  disk(
    'tapline_output_buffer_log_bytes',
    'Bytes of the segment files of the disk buffer a target reads (shared by the targets of one log).',
    'gauge',
    (b) => b.logBytes,
  );
  outputMetric(
    registry,
    steps,
    'counter',
    {
      name: 'tapline_export_records_total',
      help: 'Records an exporter target took for good (written: in the file, on the stream, queued by ZeroMQ) or could not take (failed).',
      label: 'result',
    },
    (_b, t) => ({ written: t.written, failed: t.failed }),
  );
  outputMetric(
    registry,
    steps,
    'counter',
    {
      name: 'tapline_export_auth_rejected_total',
      help: 'Peers a CURVE server target refused: reason "key" (a client key not allowed), "handshake" (no CURVE, or a wrong server key).',
      label: 'reason',
    },
    (_b, t) => t.peersRefused ?? {},
  );
}

/** Meters an exporter step's outputs in the registry; the metrics are made with its first exporter step. */
export function registerTargetMetrics(registry: prometheus.Registry, step: MeteredStep): void {
  let steps = metered.get(registry);
  if (steps === undefined) {
    steps = [];
    metered.set(registry, steps);
    registerAll(registry, steps);
  }
  steps.push(step);
}
