import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pluginPath, repo, tapline } from './cli-helpers.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const core = pathToFileURL(path.join(repo, 'packages/core/dist/index.js')).href;
/** A record step whose records never end. */
const HANG = `import { BaseDomain, Type, definePlugin } from ${JSON.stringify(core)};
class Hang extends BaseDomain {
  execute() { return new Promise(() => {}); }
}
export default definePlugin({
  name: 'test:hang', apiVersion: 1, input: 'record', output: 'record',
  options: Type.Object({}), create: (options, ctx) => new Hang(ctx),
});
`;

/** A temp dir holding a pipeline (zmq source → `middle` → file exporter) and `tests`. */
async function suite(middle: { id: string; plugin: string; options?: unknown }, tests: unknown[]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-test-'));
  dirs.push(dir);
  const config = {
    pipeline: [
      { id: 'ingest', plugin: pluginPath('zmq-source'), options: { address: 'tcp://127.0.0.1:5555' } },
      middle,
      { id: 'export', plugin: pluginPath('exporter'), options: { targets: [{ type: 'file', path: 'o' }] } },
    ],
  };
  await writeFile(path.join(dir, 'package.json'), '{"name":"tapline-test-suite","private":true}\n');
  await writeFile(path.join(dir, 'hang.mjs'), HANG);
  await writeFile(path.join(dir, 'pipeline.config.json'), JSON.stringify(config));
  await writeFile(path.join(dir, 'pipeline.test.json'), JSON.stringify({ tests }));
  return dir;
}

const clean = {
  id: 'clean',
  plugin: pluginPath('processor'),
  options: { steps: [{ type: 'default', field: 'level', value: 'info' }] },
};

describe('tapline test: the timeout', { timeout: 30_000 }, () => {
  it('runs out while the inputs are still being fed, and says so instead of passing late', async () => {
    const input = Array.from({ length: 20_000 }, (_, i) => ({ record: { i } }));
    // 20,000 records through real steps take far longer than the 1 ms this test allows.
    const dir = await suite(clean, [{ name: 'many', timeoutMs: 1, input, expect: [{ count: 20_000 }] }]);
    const result = await tapline(['test', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    const { tests } = JSON.parse(result.stdout);
    expect(tests[0].passed).toBe(false);
    // The expectations are not checked against a part of the inputs.
    expect(tests[0].failures).toEqual([
      { check: 'timeout', message: expect.stringContaining('timed out after 1 ms: inputs ') },
    ]);
    expect(tests[0].failures[0].message).toMatch(/, … \(\d+ of 20000\) did not end/);
  });

  it('applies the documented 5,000 ms when a test gives none', async () => {
    const hang = { id: 'hang', plugin: './hang.mjs' };
    const dir = await suite(hang, [{ name: 'hangs', input: [{ record: {} }], expect: [{ count: 1 }] }]);
    const result = await tapline(['test'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('timeout: timed out after 5000 ms: input 1 did not end');
  });
});
