import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../src/plan/plan-pipeline.js';
import { createHost } from '../src/runtime/create-host.js';
import { caught, fixtures, removeTempDirs, tempDir, writeConfig } from './helpers.js';

afterAll(removeTempDirs);

/** A plugin file in a temp dir imports @tapline/core from there, as a user's would. */
async function symlinkCore(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'node_modules', '@tapline'), { recursive: true });
  const core = fileURLToPath(new URL('../../core', import.meta.url));
  await symlink(core, path.join(dir, 'node_modules', '@tapline', 'core'), 'dir');
}

const plugin = (name: string) => JSON.stringify(path.join(fixtures, 'plugins', `${name}.mjs`));

describe('loadPipeline', () => {
  it('reports the schema, a missing plugin and bad options of two steps in one error, by line', async () => {
    const dir = await tempDir();
    const file = await writeConfig(
      dir,
      [
        '{',
        '  "pipeline": [',
        `    { "id": "in", "plugin": ${plugin('list-source')}, "options": { "repeat": 0 } },`,
        '    { "id": "gone", "plugin": "tapline-plugin-gone" },',
        `    { "id": "w", "plugin": ${plugin('behave')}, "options": { "tga": "x" } }`,
        '  ],',
        '  "deadLetter": { "pth": "x" }',
        '}',
      ].join('\n'),
    );
    const err = await caught(() => loadPipeline({ cwd: dir }));
    expect(err).toMatchObject({ code: 'TAPLINE_ERR_CONFIG_INVALID', file });
    expect(err.problems.map((p: any) => [p.line, p.path, p.code])).toEqual([
      [3, '/pipeline/0/options/repeat', 'TAPLINE_ERR_OPTIONS_INVALID'],
      [4, '/pipeline/1/plugin', 'TAPLINE_ERR_PLUGIN_NOT_FOUND'],
      [5, '/pipeline/2/options/tga', 'TAPLINE_ERR_OPTIONS_INVALID'],
      [7, '/deadLetter/pth', 'TAPLINE_ERR_CONFIG_INVALID'],
    ]);
  });

  it('leaves the options of a step whose "options" key is misspelled for later, and no others', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'needs-key.mjs'),
      [
        "import { BaseDomain, Type, definePlugin } from '@tapline/core';",
        'class Pass extends BaseDomain { execute(r) { return r; } }',
        'export default definePlugin({',
        "  name: 'test:needs-key', apiVersion: 1, input: 'record', output: 'record',",
        '  options: Type.Object({ key: Type.String() }), create: (_o, ctx) => new Pass(ctx),',
        '});',
      ].join('\n'),
    );
    await symlinkCore(dir);
    // Step "a" lost its options to a typo: "missing key" would only follow from that. Step "b"
    // has an unrelated typo: its options problem stands. The missing plugin of "c" is reported.
    await writeConfig(dir, {
      pipeline: [
        { id: 'in', plugin: JSON.parse(plugin('list-source')) },
        { id: 'a', plugin: './needs-key.mjs', optoins: { key: 'x' } },
        { id: 'b', plugin: './needs-key.mjs', desription: 'b', options: {} },
        { id: 'c', plugin: 'tapline-plugin-gone', optoins: {} },
      ],
    });
    const err = await caught(() => loadPipeline({ cwd: dir }));
    expect(err.problems.map((p: any) => [p.path, p.code])).toEqual([
      ['/pipeline/1/optoins', 'TAPLINE_ERR_CONFIG_INVALID'],
      ['/pipeline/2/desription', 'TAPLINE_ERR_CONFIG_INVALID'],
      ['/pipeline/2/options/key', 'TAPLINE_ERR_OPTIONS_INVALID'],
      ['/pipeline/3/plugin', 'TAPLINE_ERR_PLUGIN_NOT_FOUND'],
      ['/pipeline/3/optoins', 'TAPLINE_ERR_CONFIG_INVALID'],
    ]);
  });

  it('throws a lone failure as it is, and returns steps createHost takes without planning again', async () => {
    const dir = await tempDir();
    await writeConfig(dir, { pipeline: [{ id: 'x', plugin: 'tapline-plugin-gone' }] });
    expect(await caught(() => loadPipeline({ cwd: dir }))).toMatchObject({
      code: 'TAPLINE_ERR_PLUGIN_NOT_FOUND',
      step: 'x',
    });
    await writeConfig(dir, {
      pipeline: [
        { id: 'in', plugin: JSON.parse(plugin('list-source')) },
        { plugin: JSON.parse(plugin('sink')) },
      ],
      deadLetter: false,
      monitor: { http: false },
    });
    const { config, steps } = await loadPipeline({ cwd: dir });
    expect(steps.map((s) => [s.id, s.origin.from, s.input, s.output])).toEqual([
      ['in', 'path', 'bytes', 'record'],
      ['sink', 'path', 'json', 'receipt'],
    ]);
    const host = await createHost(config, { planned: steps });
    expect(host.steps.map((s) => s.origin.file)).toEqual([
      path.join(fixtures, 'plugins', 'list-source.mjs'),
      path.join(fixtures, 'plugins', 'sink.mjs'),
    ]);
    await host.stop();
  });
});
