import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@tapline/core';
import { loadConfig } from '../src/config/load-config.js';
import { caught, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

async function yamlConfig(lines: string[], name = 'pipeline.config.yaml'): Promise<string> {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'package.json'), '{}');
  await writeFile(path.join(dir, name), lines.join('\n') + '\n');
  return dir;
}

const steps = [
  'pipeline:',
  '  - id: in',
  '    plugin: ./plugins/source.mjs',
  '  - plugin: "@tapline/plugin-processor"',
];

describe('YAML configs', () => {
  it('finds pipeline.config.yaml and pipeline.config.yml as it finds the JSON one, ${VAR} filled in', async () => {
    for (const name of ['pipeline.config.yaml', 'pipeline.config.yml']) {
      const dir = await yamlConfig(
        [...steps, '    options:', '      steps: [{ type: set, field: env, value: "${STAGE:-dev}" }]'],
        name,
      );
      const config = await loadConfig({ cwd: dir, env: { STAGE: 'prod' } });
      expect(config.file).toBe(path.join(dir, name));
      expect(config.pipeline[1]!.options).toEqual({ steps: [{ type: 'set', field: 'env', value: 'prod' }] });
      expect(config.runtime.maxInFlight).toBe(1024);
    }
  });

  it('follows anchors, and reads plain words as YAML 1.2 does (no is a string)', async () => {
    const dir = await yamlConfig([
      ...steps,
      '    options: &opts',
      '      steps: [{ type: set, field: answer, value: no }]',
      '  - id: again',
      '    plugin: "@tapline/plugin-processor"',
      '    options: *opts',
    ]);
    const config = await loadConfig({ cwd: dir });
    expect(config.pipeline[2]!.options).toEqual(config.pipeline[1]!.options);
    expect(config.pipeline[1]!.options).toEqual({ steps: [{ type: 'set', field: 'answer', value: 'no' }] });
  });

  it('refuses a duplicate key with both positions, and a schema problem with its line and column', async () => {
    const dir = await yamlConfig([
      ...steps,
      'runtime:',
      '  maxInFlight: 0',
      'runtime:',
      '  shutdownTimeoutMs: 5',
    ]);
    const err = await caught(() => loadConfig({ cwd: dir }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('TAPLINE_ERR_CONFIG_INVALID');
    expect((err as ConfigError).problems).toContainEqual(
      expect.objectContaining({
        path: '/runtime',
        line: 7,
        column: 1,
        message: expect.stringContaining('line 5'),
      }),
    );
  });

  it('reports a syntax error once per position, with its line and column', async () => {
    const dir = await yamlConfig(['pipeline:', '  - id: [in', '    plugin: x']);
    const err = await caught(() => loadConfig({ cwd: dir }));
    expect((err as ConfigError).code).toBe('TAPLINE_ERR_CONFIG_PARSE');
    const problems = (err as ConfigError).problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => `${p.line}:${p.column}`)).size).toBe(problems.length);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('refuses an empty file', async () => {
    const dir = await yamlConfig(['# nothing yet']);
    const err = await caught(() => loadConfig({ cwd: dir }));
    expect((err as ConfigError).problems).toEqual([
      expect.objectContaining({ message: 'the file is empty' }),
    ]);
  });
});
