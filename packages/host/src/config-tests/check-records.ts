import { changedLines, lineDiff } from './line-diff.js';
import { isSubset, jsonEqual, overlay, show } from './json-match.js';
import type { Expectation } from './test-file-schema.js';
import type { TestFailure } from './test-result.js';
import type { Emitted } from './test-trace.js';

/** A compiled `where`: a predicate, or why the condition cannot be used. */
export type Predicate = (record: unknown) => boolean;
export type CompileCondition = (condition: Record<string, unknown> | string) => Promise<Predicate | string>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function failure(
  index: number,
  check: string,
  step: string,
  message: string,
  expected: unknown,
  actual: unknown,
): TestFailure {
  return {
    expectation: index,
    check,
    step,
    message,
    expected,
    actual,
    diff: lineDiff(show(expected), show(actual)),
  };
}

/** The record closest to matching `partial`, and its diff against what the match wanted. */
function closest(partial: unknown, emitted: readonly Emitted[]): { record: unknown; diff: string } {
  let best: { record: unknown; diff: string; changed: number } | undefined;
  for (const { record } of emitted) {
    const diff = lineDiff(show(overlay(record, partial)), show(record));
    const changed = changedLines(diff);
    if (best === undefined || changed < best.changed) best = { record, diff, changed };
  }
  return best!;
}

/**
 * Checks `records`, `contains`, `where` and `count` of one expectation against what came out of
 * `step`. Each failure carries the whole record(s) that came out, diffed against what was wanted.
 */
export async function checkRecords(
  e: Expectation,
  index: number,
  step: string,
  emitted: readonly Emitted[],
  compile: CompileCondition,
): Promise<TestFailure[]> {
  const failures: TestFailure[] = [];
  const records = emitted.map((r) => r.record);
  const from = `from step "${step}"`;
  if (e.records !== undefined && !jsonEqual(e.records, records)) {
    const message =
      e.records.length === records.length
        ? `the records ${from} differ from those expected`
        : `${plural(e.records.length, 'record')} expected ${from}, ${records.length} came out`;
    failures.push(failure(index, 'records', step, message, e.records, records));
  }
  for (const [k, partial] of (e.contains ?? []).entries()) {
    if (records.some((r) => isSubset(partial, r))) continue;
    if (records.length === 0) {
      failures.push(failure(index, 'contains', step, `no record came out ${from}`, partial, []));
      continue;
    }
    const near = closest(partial, emitted);
    failures.push({
      expectation: index,
      check: 'contains',
      step,
      message: `no record ${from} contains contains[${k}]; the closest of ${plural(records.length, 'record')}:`,
      expected: partial,
      actual: near.record,
      diff: near.diff,
    });
  }
  if (e.where !== undefined) {
    const predicate = await compile(e.where);
    if (typeof predicate === 'string') {
      failures.push({ expectation: index, check: 'where', step, message: predicate, expected: e.where });
    } else {
      // A CEL condition that fails on a record (a missing field in arithmetic) does not match it.
      const misses = emitted.filter((r) => {
        try {
          return !predicate(r.record);
        } catch {
          return true;
        }
      });
      if (misses.length > 0) {
        failures.push({
          expectation: index,
          check: 'where',
          step,
          message: `${plural(misses.length, 'record')} ${from} (input ${misses.map((m) => m.input + 1).join(', ')}) ${misses.length === 1 ? 'does' : 'do'} not match the condition`,
          expected: e.where,
          actual: misses.map((m) => m.record),
        });
      }
    }
  }
  if (e.count !== undefined && e.count !== records.length) {
    failures.push({
      expectation: index,
      check: 'count',
      step,
      message: `${plural(e.count, 'record')} expected ${from}, ${records.length} came out`,
      expected: e.count,
      actual: records,
    });
  }
  return failures;
}
