import type { Logger } from 'pino';
import type { HostMetrics, StopReport } from '../runtime/host-types.js';

/** Logs the final metrics, then the one accounting line a person (or a script) looks for. */
export function logFinalReport(logger: Logger, metrics: HostMetrics, report: StopReport): void {
  const steps = Object.values(metrics.operations).map((op) => ({
    step: op.domain,
    operation: op.operation,
    handled: op.success,
    dropped: op.dropped,
    errors: op.errors,
    errorTypes: op.errorTypes,
    p50Ms: round(op.durations.p50),
    p99Ms: round(op.durations.p99),
  }));
  logger.info(
    {
      uptimeMs: Math.round(metrics.uptimeMs),
      latency: { p50Ms: round(metrics.latency.p50), p99Ms: round(metrics.latency.p99) },
      steps,
    },
    'final metrics',
  );
  const { received, completed, dropped, failed, lost } = report.accounting;
  logger.info(
    {
      accounting: { received, completed, dropped, failed, lost },
      inFlightLeft: report.inFlightLeft,
      drained: report.drained,
    },
    `accounting: received=${received} completed=${completed} dropped=${dropped} failed=${failed} lost=${lost}`,
  );
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
