import { messageOf } from '@tapline/core';
import { reportedCodes } from '@tapline/core/internal';
import { loadConfig } from '../config/load-config.js';
import type { LoadedConfig } from '../config/loaded-config.js';
import { planPipeline } from '../plan/plan-pipeline.js';
import type { PlannedStep } from '../plan/chain.js';
import { checkMetrics, readSamples } from './check-metrics.js';
import { checkOutcomes } from './check-outcomes.js';
import { checkRecords, type CompileCondition } from './check-records.js';
import { feedInputs } from './feed-inputs.js';
import type { LoadedTest } from './read-tests.js';
import { resolveSteps } from './step-names.js';
import { TestPipeline } from './test-pipeline.js';
import type { TestFailure, TestResult } from './test-result.js';

function stopped(check: string, err: unknown, step?: string): TestFailure {
  return { check, message: messageOf(err), ...(step === undefined ? {} : { step }), ...reportedCodes(err) };
}

/** Inputs named in a timeout's message; the count says how many more. */
const SHOWN = 10;

/** Which inputs did not end, as numbers from 1: the first few, and how many in all. */
function unended(pending: readonly number[], inputs: number): string {
  const shown = pending.slice(0, SHOWN).map((i) => i + 1);
  if (pending.length === 1) return `input ${shown[0]} did not end`;
  const more = pending.length > SHOWN ? ', …' : '';
  return `inputs ${shown.join(', ')}${more} (${pending.length} of ${inputs}) did not end`;
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
  const failures: TestFailure[] = [];
  const timeoutMs = test.timeoutMs ?? 5000;
  const { maxInFlight } = pipeline;
  const { fed, ended } = await feedInputs(pipeline, test.input, { timeoutMs, maxInFlight });
  if (!ended) {
    const pending = unended(pipeline.trace.pending(), test.input.length);
    failures.push({
      check: 'timeout',
      message: `timed out after ${timeoutMs} ms: ${pending}; raise "timeoutMs" if a step is slow on purpose`,
    });
    // What came out of a part of the inputs says nothing about the expectations.
    if (fed < test.input.length) return failures;
  }
  const samples = await readSamples(pipeline.registry);
  const { trace, steps } = pipeline;
  const end = steps[steps.length - 1]!.id;
  for (const [i, e] of test.expect.entries()) {
    const emitted =
      e.target !== undefined
        ? (trace.targets.get(e.target) ?? [])
        : e.step === undefined
          ? trace.end
          : (trace.emitted.get(e.step) ?? []);
    const at = e.target !== undefined ? `${e.step ?? end}/${e.target}` : (e.step ?? end);
    failures.push(...(await checkRecords(e, i, at, emitted, compile)));
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
    const kept = new Set(test.expect.flatMap((e) => (e.step === undefined ? [] : [e.step])));
    return await TestPipeline.build(config, planned, resolved.span, { inputs: test.input.length, kept });
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
