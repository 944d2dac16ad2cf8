import type { Logger, ReportChannel, ThrottledReport } from '@tapline/core';

/** What a field that is not a finite number holds, in a word (constants: nothing is made). */
export function kindOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return 'a non-finite number';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  return typeof v === 'boolean' ? 'a boolean' : typeof v;
}

/**
 * Where a gauge's or histogram's skips are logged, at warn: the first at once, then the count
 * per interval. A skip is no failure (the record goes on), so without this line a metric that a
 * reordered pipeline starves would stay empty with nothing in the log but a counter.
 */
export function skipChannel(
  report: ThrottledReport,
  log: Logger,
  metric: { readonly name: string; readonly fieldPath: string | undefined },
): ReportChannel<string> {
  const { name, fieldPath: field } = metric;
  const seconds = report.intervalMs / 1000;
  return report.channel<string>((kind, count, first) => {
    const reason = kind === 'missing' ? 'missing' : 'not a finite number';
    const bindings = { metric: name, field, reason, fieldType: kind, count };
    if (first) {
      log.warn(
        bindings,
        `metric "${name}" skipped a record: its field "${field}" is ${kind}, not a number; ` +
          'coerce it in a step before this one (the processor\'s "coerce" op), or check the field path',
      );
      return;
    }
    log.warn(
      bindings,
      `metric "${name}" skipped ${count} more record(s) in the last ${seconds} s; the latest field "${field}" was ${kind}`,
    );
  });
}
