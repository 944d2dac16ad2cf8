import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const vitest = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));

interface JsonReport {
  testResults: Array<{ assertionResults: Array<{ fullName: string; status: string }> }>;
}

/** Runs the broken plugins' contract suites in a child vitest and returns each test's status. */
function runBrokenSuites(): Promise<Map<string, string>> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  const args = [vitest, 'run', '--config', path.join(fixtures, 'vitest.config.ts'), '--reporter=json'];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: fixtures, env, timeout: 60_000, maxBuffer: 1 << 24 },
      (err, stdout) => {
        const start = stdout.indexOf('{');
        if (start === -1) return reject(err ?? new Error('no JSON report'));
        const report = JSON.parse(stdout.slice(start)) as JsonReport;
        const results = report.testResults.flatMap((file) => file.assertionResults);
        resolve(new Map(results.map((r) => [r.fullName, r.status])));
      },
    );
  });
}

it('fails exactly the contract test each broken plugin breaks', async () => {
  const statuses = await runBrokenSuites();
  const failed = [...statuses].filter(([, status]) => status === 'failed').map(([name]) => name);
  const manifest = 'has a manifest with a name, the current apiVersion, a schema and a create function';
  const handles = 'creates, initializes, handles 1 samples, shuts down';
  const shutdown = 'shuts down safely before initialize, and twice';
  const throwing = 'reports a thrown error as an error event and forwards nothing';
  const expected = {
    // The host refuses to create it at all, so every test that creates a step fails too.
    'api-version': [manifest, handles, shutdown, throwing],
    shutdown: [shutdown],
    'swallows-errors': [throwing],
    'output-type': [handles],
    'step-id': [handles],
    'lax-schema': ['refuses options {"limit":"lots"} with a problem at "/limit"'],
  };
  const names = Object.entries(expected).flatMap(([plugin, tests]) =>
    tests.map((test) => `plugin contract: broken:${plugin} ${test}`),
  );
  expect(failed.sort()).toEqual(names.sort());
  expect(statuses.size).toBeGreaterThan(failed.length * 4); // the rest of each suite ran and passed
}, 90_000);
