import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTests } from '../../src/config-tests/read-tests.js';
import { runTests } from '../../src/config-tests/run-tests.js';
import type { TestReport, TestResult } from '../../src/config-tests/test-result.js';
import { tempDir, writeConfig } from '../helpers.js';
import { behave, listSource, sink } from '../run-helpers.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
/** A built-in plugin's build, named by path: the host does not depend on the plugins. */
export const builtin = (name: string) => path.join(repo, 'plugins', name, 'dist/index.js');

export { behave, listSource, sink };

/** in (list source) → a → b → out (a sink without targets), plus a disabled step c. */
export const chain = () => [
  listSource([]),
  behave('a'),
  behave('b'),
  { ...behave('c'), enabled: false },
  sink,
];

/** Writes a config of `pipeline` (and `rest`) and `tests` (as pipeline.test.json) in a fresh temp dir and runs them. */
export async function runIn(
  pipeline: unknown[],
  tests: unknown[],
  rest: Record<string, unknown> = {},
): Promise<{ report: TestReport; dir: string; results: TestResult[] }> {
  const dir = await tempDir();
  await writeConfig(dir, { pipeline, deadLetter: { path: 'dead.ndjson' }, ...rest });
  await writeFile(path.join(dir, 'pipeline.test.json'), JSON.stringify({ tests }, null, 2));
  const report = await runTests({ cwd: dir, resolveFrom: [path.join(repo, 'packages/cli')] });
  return { report, dir, results: [...report.tests] };
}

/** The files in `dir`, sorted. */
export const filesIn = async (dir: string) => (await readdir(dir, { recursive: true })).sort();

export { findTests, tempDir, writeConfig };
