import { prometheus } from '@tapline/core';
import type { ExportTarget } from './target.js';

interface MeteredStep {
  readonly step: string;
  readonly targets: readonly ExportTarget[];
}

/** Per registry, the exporter steps whose targets its counters read when scraped. */
const metered = new WeakMap<prometheus.Registry, MeteredStep[]>();

/**
 * A counter read from the targets when the registry is scraped, labelled by step, target and
 * `label`: `counts` gives each target's values by that label. Nothing is counted per record here.
 */
function targetCounter(
  registry: prometheus.Registry,
  steps: readonly MeteredStep[],
  spec: { name: string; help: string; label: string },
  counts: (target: ExportTarget) => Readonly<Record<string, number>>,
): void {
  new prometheus.Counter({
    name: spec.name,
    help: spec.help,
    labelNames: ['step', 'target', spec.label],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of steps) {
        for (const t of s.targets) {
          for (const [value, n] of Object.entries(counts(t))) {
            this.inc({ step: s.step, target: t.name, [spec.label]: value }, n);
          }
        }
      }
    },
  });
}

/**
 * Counts a step's targets in the registry's `tapline_export_records_total` and
 * `tapline_export_auth_rejected_total`, made on the registry's first exporter step.
 */
export function registerTargetMetrics(
  registry: prometheus.Registry,
  step: string,
  targets: readonly ExportTarget[],
): void {
  let steps = metered.get(registry);
  if (steps === undefined) {
    steps = [];
    metered.set(registry, steps);
    targetCounter(
      registry,
      steps,
      {
        name: 'tapline_export_records_total',
        help: 'Records an exporter target took for good (written: in the file, on the stream, queued by ZeroMQ) or could not take (failed).',
        label: 'result',
      },
      (t) => ({ written: t.written, failed: t.failed }),
    );
    targetCounter(
      registry,
      steps,
      {
        name: 'tapline_export_auth_rejected_total',
        help: 'Peers a CURVE server target refused: reason "key" (a client key not allowed), "handshake" (no CURVE, or a wrong server key).',
        label: 'reason',
      },
      (t) => t.peersRefused ?? {},
    );
  }
  steps.push({ step, targets });
}
