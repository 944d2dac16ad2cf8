import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repo, tapline, writeTempConfig } from './cli-helpers.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

// One config with a problem of each kind: a typo'd key the schema refuses (line 14), a plugin
// that is nowhere (line 7), and a bad option of a plugin that loaded (line 11). Written so that
// the lines are known; the lone schema problem sits last in the file to prove the sort.
const TEXT = `{
  "pipeline": [
    { "id": "ingest", "plugin": "@tapline/plugin-zmq-source",
      "options": { "address": "tcp://127.0.0.1:1" } },
    { "id": "enrich",
      "options": {},
      "plugin": "tapline-plugin-not-installed" },
    { "id": "export", "plugin": "@tapline/plugin-exporter",
      "options": {
        "targets": [
          { "type": "fiel", "path": "out.ndjson" }
        ] } }
  ],
  "runtime": { "maxInFlihgt": 10 }
}
`;

async function brokenConfig(): Promise<string> {
  const { dir, file } = await writeTempConfig(TEXT);
  dirs.push(dir);
  expect(path.relative(repo, dir).startsWith('..')).toBe(true);
  return file;
}

describe('every config problem in one report', { timeout: 30_000 }, () => {
  it('validate lists the schema problem, the missing plugin and the bad option together, by line', async () => {
    const file = await brokenConfig();
    const result = await tapline(['validate', '--config', file]);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(`3 problems in ${file}:`);
    expect(lines[1]).toMatch(
      new RegExp(`^  ${file}:7:\\d+ /pipeline/1/plugin: .*tapline-plugin-not-installed`),
    );
    expect(lines[1]).toContain('[TAPLINE_ERR_PLUGIN_NOT_FOUND]');
    expect(lines[2]).toMatch(new RegExp(`^  ${file}:11:\\d+ /pipeline/2/options/targets/0/type: `));
    expect(lines[2]).toContain('[TAPLINE_ERR_OPTIONS_INVALID]');
    expect(lines[3]).toMatch(
      new RegExp(`^  ${file}:14:\\d+ /runtime/maxInFlihgt: .*did you mean "maxInFlight"`),
    );
    expect(lines[3]).toContain('[TAPLINE_ERR_CONFIG_INVALID]');

    const json = JSON.parse((await tapline(['validate', '--config', file, '--json'])).stdout);
    expect(json).toMatchObject({ ok: false, code: 'TAPLINE_ERR_CONFIG_INVALID', file });
    expect(json.problems.map((p: any) => [p.line, p.path, p.code])).toEqual([
      [7, '/pipeline/1/plugin', 'TAPLINE_ERR_PLUGIN_NOT_FOUND'],
      [11, '/pipeline/2/options/targets/0/type', 'TAPLINE_ERR_OPTIONS_INVALID'],
      [14, '/runtime/maxInFlihgt', 'TAPLINE_ERR_CONFIG_INVALID'],
    ]);
    for (const p of json.problems) expect(p.column).toBeGreaterThan(0);
  });

  it('run refuses the same config with the same report, before opening anything', async () => {
    const file = await brokenConfig();
    const result = await tapline(['run', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`3 problems in ${file}:`);
    expect(result.stderr).toContain(`${file}:7:`);
    expect(result.stderr).toContain(`${file}:11:`);
    expect(result.stderr).toContain(`${file}:14:`);
  });

  it('leaves a type mismatch, which depends on the missing plugin, for after it is fixed', async () => {
    const { dir, file } = await writeTempConfig({
      pipeline: [
        {
          id: 'ingest',
          plugin: '@tapline/plugin-zmq-source',
          options: { address: 'tcp://127.0.0.1:1', decode: 'raw' },
        },
        { id: 'enrich', plugin: 'tapline-plugin-not-installed' },
        { id: 'tag', plugin: '@tapline/plugin-processor', options: { steps: [] } },
      ],
    });
    dirs.push(dir);
    const first = await tapline(['validate', '--config', file, '--json']);
    expect(JSON.parse(first.stdout).code).toBe('TAPLINE_ERR_PLUGIN_NOT_FOUND');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace(
        '"plugin": "tapline-plugin-not-installed"',
        '"plugin": "tapline-plugin-not-installed", "enabled": false',
      ),
    );
    const second = await tapline(['validate', '--config', file, '--json']);
    expect(JSON.parse(second.stdout).code).toBe('TAPLINE_ERR_TYPE_MISMATCH');
  });
});
