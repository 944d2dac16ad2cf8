import { isSubset, overlay, readable, show } from './json-match.js';
import { lineDiff } from './line-diff.js';
import type { DropExpectation, Expectation, FailExpectation } from './test-file-schema.js';
import type { TestFailure } from './test-result.js';
import type { InputOutcome } from './test-trace.js';

type Dropped = Extract<InputOutcome, { kind: 'dropped' }>;
type Failed = Extract<InputOutcome, { kind: 'failed' }>;

/** How every input ended, for a report: which step dropped or failed it, and why. */
export function describeOutcomes(outcomes: readonly InputOutcome[]): unknown[] {
  return outcomes.map((o) => {
    if (o.kind === 'completed') return { input: o.input + 1, outcome: 'completed' };
    const record = readable(o.record);
    if (o.kind === 'dropped') return { input: o.input + 1, outcome: 'dropped', step: o.step, record };
    const { step, errorType, message } = o;
    return { input: o.input + 1, outcome: 'failed', step, errorType, message, record };
  });
}

/** Why one dropped message is not the one an entry describes, or undefined when it is. */
function dropMismatch(want: DropExpectation, got: Dropped): { message: string; diff?: string } | undefined {
  if (want.step !== undefined && want.step !== got.step) {
    return { message: `input ${got.input + 1} was dropped by step "${got.step}", not "${want.step}"` };
  }
  if (want.record !== undefined && !isSubset(want.record, got.record)) {
    const diff = lineDiff(show(overlay(got.record, want.record)), show(got.record));
    return {
      message: `the record step "${got.step}" dropped (input ${got.input + 1}) is not the one expected`,
      diff,
    };
  }
  return undefined;
}

/** Why one failed message is not the one an entry describes, or undefined when it is. */
function failMismatch(want: FailExpectation, got: Failed): { message: string; diff?: string } | undefined {
  const at = `input ${got.input + 1} failed in step "${got.step}" with ${got.errorType}: ${got.message}`;
  if (want.step !== undefined && want.step !== got.step)
    return { message: `${at}; expected step "${want.step}"` };
  if (want.errorType !== undefined && want.errorType !== got.errorType) {
    return { message: `${at}; expected error type ${want.errorType}` };
  }
  if (want.message !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(want.message);
    } catch (err) {
      return { message: `message "${want.message}" is not a regular expression: ${(err as Error).message}` };
    }
    if (!pattern.test(got.message))
      return { message: `${at}; expected a message matching /${want.message}/` };
  }
  if (want.deadLetter !== undefined && !isSubset(want.deadLetter, got.deadLetter)) {
    const diff = lineDiff(show(overlay(got.deadLetter, want.deadLetter)), show(got.deadLetter));
    return { message: `${at}; its dead letter is not the one expected`, diff };
  }
  return undefined;
}

function checkList<W, G extends InputOutcome>(
  kind: 'dropped' | 'failed',
  want: number | W[],
  got: G[],
  all: readonly InputOutcome[],
  index: number,
  step: string | undefined,
  mismatch: (w: W, g: G) => { message: string; diff?: string } | undefined,
): TestFailure[] {
  const where = step === undefined ? '' : ` by step "${step}"`;
  const expected = typeof want === 'number' ? want : want.length;
  if (expected !== got.length) {
    return [
      {
        expectation: index,
        check: kind,
        ...(step === undefined ? {} : { step }),
        message: `${expected} ${kind}${where} expected, ${got.length} ${got.length === 1 ? 'was' : 'were'}; how each input ended:`,
        expected: want,
        actual: describeOutcomes(all),
      },
    ];
  }
  if (typeof want === 'number') return [];
  const failures: TestFailure[] = [];
  want.forEach((w, k) => {
    const g = got[k]!;
    const why = mismatch(w, g);
    if (why === undefined) return;
    failures.push({
      expectation: index,
      check: kind,
      step: (g as Dropped | Failed).step,
      message: `${kind}[${k}]: ${why.message}`,
      expected: w,
      actual: describeOutcomes([g])[0],
      ...(why.diff === undefined ? {} : { diff: why.diff }),
    });
  });
  return failures;
}

/** Checks `dropped` and `failed` of one expectation: of `step` when it names one, else of every step. */
export function checkOutcomes(
  e: Expectation,
  index: number,
  outcomes: readonly InputOutcome[],
): TestFailure[] {
  const sorted = [...outcomes].sort((a, b) => a.input - b.input);
  const at = (o: Dropped | Failed) => e.step === undefined || o.step === e.step;
  const dropped = sorted.filter((o): o is Dropped => o.kind === 'dropped' && at(o));
  const failed = sorted.filter((o): o is Failed => o.kind === 'failed' && at(o));
  const failures: TestFailure[] = [];
  if (e.dropped !== undefined) {
    failures.push(...checkList('dropped', e.dropped, dropped, sorted, index, e.step, dropMismatch));
  }
  if (e.failed !== undefined) {
    failures.push(...checkList('failed', e.failed, failed, sorted, index, e.step, failMismatch));
  }
  return failures;
}
