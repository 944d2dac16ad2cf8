import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { tapline, writeTempConfig } from './cli-helpers.js';

const dirs: string[] = [];
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
