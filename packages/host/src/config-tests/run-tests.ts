import { compileWhere } from './condition.js';
import { findTests, type FindTestsOptions } from './read-tests.js';
import { runTest } from './run-test.js';
import type { TestReport, TestResult } from './test-result.js';
import path from 'node:path';

/** Options of {@link runTests}. */
export interface RunTestsOptions extends FindTestsOptions {
  /**
   * Where plugin packages, and the processor that evaluates `where` conditions, are resolved
   * from when the config's directory does not have them (the `tapline` command passes its own
   * installation's folder).
   */
  readonly resolveFrom?: readonly string[];
  /** Called after each test, for progress. */
  readonly onResult?: (result: TestResult) => void;
}

/**
 * `tapline test`: finds the tests (the files given, or those beside the config) and runs each in
 * process with the real plugins, one after another.
 *
 * @throws TestFileError when a test file cannot be read or is invalid (every problem at once),
 *   or no test is found; ConfigNotFoundError when no config is found to look beside
 */
export async function runTests(opts: RunTestsOptions = {}): Promise<TestReport> {
  const started = performance.now();
  const tests = await findTests(opts);
  const results: TestResult[] = [];
  // Plugin packages resolve as from a module: one in each of those folders.
  const installation = (opts.resolveFrom ?? []).map((dir) => path.join(dir, 'package.json'));
  for (const loaded of tests) {
    const result = await runTest(loaded, compileWhere, installation);
    results.push(result);
    opts.onResult?.(result);
  }
  const passed = results.filter((r) => r.passed).length;
  return { passed, failed: results.length - passed, durationMs: performance.now() - started, tests: results };
}
