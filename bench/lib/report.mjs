// Small helpers the benchmark scripts share for running rounds and printing figures.

/** The list rotated left by `by`: each round starts with another receiver. */
export const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

export const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Throws unless every record sent was taken in and ended in one outcome: a benchmark that lost
 * records measured something else.
 */
export function checkAccounted(result, count) {
  const { kind, sent, received, exported, dropped = 0, failed = 0 } = result;
  const problems = [];
  if (sent !== count) problems.push(`sent ${sent}`);
  if (received !== count) problems.push(`received ${received}`);
  if (exported !== undefined && exported + dropped + failed !== count) {
    problems.push(`exported ${exported} + dropped ${dropped} + failed ${failed}`);
  }
  if (failed !== 0) problems.push(`${failed} failed`);
  if (problems.length > 0) throw new Error(`${kind}: ${count} records, but ${problems.join(', ')}`);
}
