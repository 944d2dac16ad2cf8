import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  defaultPipeline,
  freePort,
  startRun,
  tapline,
  type RunningPipeline,
  writeTempConfig,
} from './cli-helpers.js';
import { reload } from './support/reload-helpers.js';

const dirs: string[] = [];
const running: RunningPipeline[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
});
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** `tapline validate --json` of a config written as `text`: its exit code and report. */
async function validate(text: string) {
  const { dir, file } = await writeTempConfig(text);
  dirs.push(dir);
  const result = await tapline(['validate', '--config', file, '--json']);
  return { code: result.code, report: JSON.parse(result.stdout), file };
}

type Located = { line: number; column: number; message: string };

describe('tapline validate on a config that is not JSON', { timeout: 30_000 }, () => {
  it('reports a trailing comma once, at the comma', async () => {
    const { code, report } = await validate('{\n  "pipeline": [\n    { "plugin": "a.js" },\n  ]\n}\n');
    expect(code).toBe(1);
    expect(report.code).toBe('TAPLINE_ERR_CONFIG_PARSE');
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ line: 3, column: 25 });
    expect(report.problems[0].message).toContain('trailing comma');
  });

  it('reports a truncated file once at its end, not once per open bracket', async () => {
    const { code, report } = await validate('{\n  "pipeline": [\n    { "plugin": "a.js"');
    expect(code).toBe(1);
    expect(report.code).toBe('TAPLINE_ERR_CONFIG_PARSE');
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ line: 3, column: 23 });
  });

  it('keeps one problem per position when there are several', async () => {
    const { report } = await validate('{\n  "pipeline": [\n    { "plugin": "a.js", }\n  ],\n}\n');
    const at = (report.problems as Located[]).map((p) => `${p.line}:${p.column}`);
    expect(at).toEqual(['3:23', '4:4']);
  });
});

/** zmq source → `middle` (a package name) → file exporter, each step on a line of its own. */
function pipelineText(middle: string, decode = 'record'): string {
  const lines = [
    '{',
    '  "pipeline": [',
    `    { "id": "ingest", "plugin": "@tapline/plugin-zmq-source", "options": { "address": "tcp://127.0.0.1:1", "decode": "${decode}" } },`,
    `    { "id": "clean", "plugin": "${middle}" },`,
    '    { "id": "export", "plugin": "@tapline/plugin-exporter", "options": { "targets": [{ "type": "file", "path": "o" }] } }',
    '  ],',
    '  "monitor": { "http": { "host": "127.0.0.1", "port": 0 } }',
    '}',
  ];
  return lines.join('\n') + '\n';
}

describe('tapline validate on a misspelt plugin', { timeout: 30_000 }, () => {
  it('places it at its plugin key and names the built-in plugin meant, advising no install', async () => {
    const { code, report, file } = await validate(pipelineText('@tapline/plugin-procesor'));
    expect(code).toBe(1);
    expect(report).toMatchObject({ code: 'TAPLINE_ERR_PLUGIN_NOT_FOUND', file });
    expect(report.problems).toEqual([
      expect.objectContaining({ path: '/pipeline/1/plugin', line: 4, column: 32 }),
    ]);
    expect(report.message).toContain('did you mean @tapline/plugin-processor?');
    expect(report.message).not.toContain('npm install');

    const text = await tapline(['validate', '--config', file]);
    expect(text.stderr.startsWith(`${file}:4:32: `)).toBe(true);
  });

  it('names a plugin installed beside the config, and lists them when none is near', async () => {
    const { dir, file } = await writeTempConfig(pipelineText('tapline-plugin-dedup'));
    dirs.push(dir);
    const installed = path.join(dir, 'node_modules', 'tapline-plugin-dedupe');
    await mkdir(installed, { recursive: true });
    await writeFile(
      path.join(installed, 'package.json'),
      '{"name":"tapline-plugin-dedupe","version":"1.0.0"}\n',
    );
    const near = JSON.parse((await tapline(['validate', '--config', file, '--json'])).stdout);
    expect(near.code).toBe('TAPLINE_ERR_PLUGIN_NOT_FOUND');
    expect(near.message).toContain('did you mean tapline-plugin-dedupe?');

    await writeFile(file, pipelineText('@acme/tapline-plugin-geo'));
    const far = JSON.parse((await tapline(['validate', '--config', file, '--json'])).stdout);
    expect(far.message).not.toContain('did you mean');
    expect(far.message).toMatch(
      /the plugins installed are .*@tapline\/plugin-processor, .*tapline-plugin-dedupe/,
    );
    expect(far.message).toContain('if @acme/tapline-plugin-geo is a published package');
  });

  it('places a type mismatch at the step that does not accept its input', async () => {
    const { code, report } = await validate(pipelineText('@tapline/plugin-processor', 'text'));
    expect(code).toBe(1);
    expect(report.code).toBe('TAPLINE_ERR_TYPE_MISMATCH');
    expect(report.problems).toEqual([expect.objectContaining({ path: '/pipeline/1', line: 4, column: 5 })]);
  });

  it("places it in a reload's report, and the running pipeline goes on", async () => {
    const good = defaultPipeline(`tcp://127.0.0.1:${await freePort()}`);
    const { dir, file } = await writeTempConfig(good);
    dirs.push(dir);
    const run = await startRun(file);
    running.push(run);
    const text = JSON.stringify(good, null, 2).replace(/"plugin": "[^"]*processor[^"]*"/, () => {
      return '"plugin": "@tapline/plugin-procesor"';
    });
    const failed = await reload(run, file, text);
    expect(failed.code).toBe('TAPLINE_ERR_PLUGIN_NOT_FOUND');
    const line = text.split('\n').findIndex((l) => l.includes('plugin-procesor')) + 1;
    expect(failed.problems).toEqual([
      expect.stringMatching(
        new RegExp(`^${file}:${line}:\\d+ /pipeline/1/plugin: .*did you mean @tapline/plugin-processor\\?`),
      ),
    ]);
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
  });
});
