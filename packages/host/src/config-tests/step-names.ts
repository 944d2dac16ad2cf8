import type { LoadedConfig } from '../config/loaded-config.js';
import type { TestCase } from './test-file-schema.js';
import type { TestFailure } from './test-result.js';

/** The steps under test: indexes into the enabled steps, both included. */
export interface StepSpan {
  readonly from: number;
  readonly to: number;
}

/** Every step id a test names, with where it names it. */
function namedSteps(test: TestCase): Array<{ id: string; where: string; expectation?: number }> {
  const named: Array<{ id: string; where: string; expectation?: number }> = [];
  if (test.steps?.from !== undefined) named.push({ id: test.steps.from, where: 'steps.from' });
  if (test.steps?.to !== undefined) named.push({ id: test.steps.to, where: 'steps.to' });
  test.expect.forEach((e, i) => {
    if (e.step !== undefined) named.push({ id: e.step, where: `expect[${i}].step`, expectation: i });
    for (const list of [e.dropped, e.failed]) {
      if (!Array.isArray(list)) continue;
      list.forEach((entry) => {
        if (entry.step !== undefined) named.push({ id: entry.step, where: `expect[${i}]`, expectation: i });
      });
    }
  });
  return named;
}

/**
 * Resolves the steps under test and checks that every step the test names exists, is enabled and
 * is among them: a test about a step that is not there must fail, not pass having checked nothing.
 */
export function resolveSteps(
  test: TestCase,
  config: LoadedConfig,
  enabled: readonly string[],
): { span: StepSpan } | { failures: TestFailure[] } {
  const failures: TestFailure[] = [];
  const listed = `the pipeline's enabled steps are: ${enabled.join(', ')}`;
  for (const { id, where, expectation } of namedSteps(test)) {
    if (enabled.includes(id)) continue;
    const disabled = config.pipeline.some((s) => s.id === id && !s.enabled);
    failures.push({
      check: 'steps',
      step: id,
      ...(expectation === undefined ? {} : { expectation }),
      message: `${where} names step "${id}", which ${disabled ? 'is disabled' : 'does not exist'}; ${listed}`,
    });
  }
  if (failures.length > 0) return { failures };
  const from = test.steps?.from === undefined ? 0 : enabled.indexOf(test.steps.from);
  const to = test.steps?.to === undefined ? enabled.length - 1 : enabled.indexOf(test.steps.to);
  if (from > to) {
    const message = `steps.from "${enabled[from]}" comes after steps.to "${enabled[to]}"; ${listed}`;
    return { failures: [{ check: 'steps', message }] };
  }
  const inSpan = enabled.slice(from, to + 1);
  for (const { id, where, expectation } of namedSteps(test)) {
    if (where.startsWith('steps.') || inSpan.includes(id)) continue;
    failures.push({
      check: 'steps',
      step: id,
      ...(expectation === undefined ? {} : { expectation }),
      message: `${where} names step "${id}", which is not under test; the steps under test are: ${inSpan.join(', ')}`,
    });
  }
  return failures.length > 0 ? { failures } : { span: { from, to } };
}
