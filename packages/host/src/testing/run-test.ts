import { messageOf, reportedCodes } from '@tapline/core';
import { loadConfig } from '../config/load-config.js';
import type { LoadedConfig } from '../config/loaded-config.js';
import { planPipeline } from '../plan/plan-pipeline.js';
import type { PlannedStep } from '../runtime/chain.js';
import { checkMetrics, readSamples } from './check-metrics.js';
import { checkOutcomes } from './check-outcomes.js';
import { checkRecords, type CompileCondition } from './check-records.js';
import type { LoadedTest } from './read-tests.js';
import { resolveSteps } from './step-names.js';
import { TestPipeline } from './test-pipeline.js';
import type { TestFailure, TestResult } from './test-result.js';

function stopped(check: string, err: unknown, step?: string): TestFailure {
  return { check, message: messageOf(err), ...(step === undefined ? {} : { step }), ...reportedCodes(err) };
}

/** Waits for every input to end, at most `ms`; false when some did not. */
async function settle(pipeline: TestPipeline, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([pipeline.trace.whenSettled().then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Feeds the test's inputs, waits for them to end, and checks every expectation. */
async function exercise(
  loaded: LoadedTest,
  pipeline: TestPipeline,
  compile: CompileCondition,
): Promise<TestFailure[]> {
  const { test } = loaded;
  const refused = pipeline.refuse(test.input);
  if (refused !== undefined) return [{ check: 'input', message: refused }];
  const init = await pipeline.initialize();
  if (init !== undefined) return [stopped('initialize', init.error, init.step)];
  test.input.forEach((input, i) => pipeline.feed(input, i));
  const failures: TestFailure[] = [];
  const timeoutMs = test.timeoutMs ?? 5000;
  if (!(await settle(pipeline, timeoutMs))) {
    const pending = pipeline.trace.pending().map((i) => i + 1);
    failures.push({
      check: 'timeout',
      message: `input ${pending.join(', ')} did not end within ${timeoutMs} ms; raise "timeoutMs" if a step is slow on purpose`,
    });
  }
  const samples = await readSamples(pipeline.registry);
  const { trace, steps } = pipeline;
  const end = steps[steps.length - 1]!.id;
  for (const [i, e] of test.expect.entries()) {
    const emitted = e.step === undefined ? trace.end : (trace.emitted.get(e.step) ?? []);
    failures.push(...(await checkRecords(e, i, e.step ?? end, emitted, compile)));
    failures.push(...checkOutcomes(e, i, trace.outcomes));
    failures.push(...checkMetrics(e, i, samples));
  }
  return failures;
}

/** Loads the test's config with the test's environment and builds the steps under test. */
async function build(
  loaded: LoadedTest,
  installation: readonly string[],
): Promise<TestPipeline | TestFailure[]> {
  const { test } = loaded;
  const env = { ...test.env };
  let config: LoadedConfig;
  let planned: PlannedStep[];
  try {
    config = await loadConfig({ config: loaded.config, env });
    planned = await planPipeline(config, { env, installation });
  } catch (err) {
    return [stopped('config', err)];
  }
  const resolved = resolveSteps(
    test,
    config,
    planned.map((p) => p.id),
  );
  if ('failures' in resolved) return resolved.failures;
  try {
    return await TestPipeline.build(config, planned, resolved.span, test.input.length);
  } catch (err) {
    return [stopped('config', err)];
  }
}

/**
 * Runs one test in process with the real plugins: loads its config with the test's environment,
 * validates every step's options and the chain as `tapline run` would, builds the steps under
 * test, feeds the inputs, and checks the expectations. Never throws for a test that fails.
 */
export async function runTest(
  loaded: LoadedTest,
  compile: CompileCondition,
  installation: readonly string[] = [],
): Promise<TestResult> {
  const started = performance.now();
  const built = await build(loaded, installation);
  const failures: TestFailure[] = [];
  const pipeline = Array.isArray(built) ? undefined : built;
  if (pipeline === undefined) failures.push(...(built as TestFailure[]));
  else {
    try {
      failures.push(...(await exercise(loaded, pipeline, compile)));
    } catch (err) {
      failures.push(stopped('run', err));
    } finally {
      for (const f of await pipeline.shutdown()) failures.push(stopped('shutdown', f.error, f.step));
    }
  }
  const outcomes = { completed: 0, dropped: 0, failed: 0 };
  for (const o of pipeline?.trace.outcomes ?? []) outcomes[o.kind]++;
  return {
    name: loaded.test.name,
    file: loaded.file,
    pointer: loaded.pointer,
    config: loaded.config,
    passed: failures.length === 0,
    durationMs: performance.now() - started,
    outcomes,
    failures,
  };
}
