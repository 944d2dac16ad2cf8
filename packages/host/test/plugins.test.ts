import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { createHost } from '../src/runtime/create-host.js';
import { caught, fixtures, removeTempDirs, tempDir, writeConfig } from './helpers.js';

afterAll(removeTempDirs);

const plugin = (name: string) => path.join(fixtures, 'plugins', `${name}.mjs`);
const source = { id: 'in', plugin: plugin('list-source'), options: { messages: [{ n: 1 }] } };
const sink = { id: 'out', plugin: plugin('sink') };

async function hostFrom(pipeline: unknown[], dir?: string) {
  const where = dir ?? (await tempDir());
  await writeConfig(where, { pipeline, deadLetter: false, monitor: { http: false } });
  return createHost(await loadConfig({ cwd: where }));
}

describe('plugin loading', () => {
  it('loads a plugin by a path relative to the config file', async () => {
    const dir = await tempDir();
    const relative = path.relative(dir, plugin('behave'));
    expect(relative.startsWith('../')).toBe(true);
    const host = await hostFrom([source, { plugin: `./${relative}` }, sink], dir);
    expect(host.steps.map((s) => [s.id, s.plugin, s.kind, s.input, s.output])).toEqual([
      ['in', 'test:list-source', 'source', 'bytes', 'record'],
      ['behave', 'test:behave', 'domain', 'record', 'record'],
      ['out', 'test:sink', 'domain', 'json', 'receipt'],
    ]);
  });

  it('loads an ES module package by name from the config directory, outside the workspace', async () => {
    const dir = await tempDir();
    const core = fileURLToPath(new URL('../../core', import.meta.url));
    await mkdir(path.join(dir, 'node_modules', '@tapline'), { recursive: true });
    await symlink(core, path.join(dir, 'node_modules', '@tapline', 'core'), 'dir');
    const pkg = path.join(dir, 'node_modules', 'tapline-plugin-upper');
    await mkdir(path.join(pkg, 'lib'), { recursive: true });
    // Only an `import` condition: a require()-based resolver cannot see this package.
    await writeFile(
      path.join(pkg, 'package.json'),
      JSON.stringify({
        name: 'tapline-plugin-upper',
        type: 'module',
        exports: { '.': { import: './lib/index.js' } },
      }),
    );
    await writeFile(
      path.join(pkg, 'lib', 'index.js'),
      [
        "import { BaseDomain, Type, definePlugin } from '@tapline/core';",
        'class Upper extends BaseDomain { execute(text) { return text.toUpperCase(); } }',
        'export default definePlugin({',
        "  name: 'acme:upper', apiVersion: 1, input: 'text', output: 'text',",
        '  options: Type.Object({}), create: (_o, ctx) => new Upper(ctx),',
        '});',
      ].join('\n'),
    );
    const text = { ...source, options: { messages: ['"hi"'], output: 'text' } };
    const host = await hostFrom([text, { plugin: 'tapline-plugin-upper' }, sink], dir);
    expect(host.steps[1]).toMatchObject({
      id: 'upper',
      plugin: 'acme:upper',
      specifier: 'tapline-plugin-upper',
    });
    await host.start();
    await expect.poll(() => host.getMetrics().accounting.completed).toBe(1);
    await host.stop();
    expect((host.steps[2]!.domain as any).records).toEqual(['"HI"']);
  });

  it('refuses an unknown package and a missing file, naming step and plugin', async () => {
    const unknown = await caught(() => hostFrom([source, { id: 'x', plugin: 'tapline-plugin-nope' }, sink]));
    expect(unknown).toMatchObject({
      code: 'TAPLINE_ERR_PLUGIN_NOT_FOUND',
      step: 'x',
      plugin: 'tapline-plugin-nope',
    });
    const missing = await caught(() => hostFrom([source, { plugin: './nowhere/enrich.js' }, sink]));
    expect(missing).toMatchObject({ code: 'TAPLINE_ERR_PLUGIN_NOT_FOUND', step: 'enrich' });
  });

  it('refuses a module whose default export is not a manifest', async () => {
    const err = await caught(() => hostFrom([source, { id: 'odd', plugin: plugin('not-a-plugin') }, sink]));
    expect(err).toMatchObject({
      code: 'TAPLINE_ERR_PLUGIN_INVALID',
      step: 'odd',
      plugin: plugin('not-a-plugin'),
    });
    expect(err.message).toContain('create');
  });

  it('refuses a plugin written for another API version', async () => {
    const err = await caught(() => hostFrom([source, { id: 'f', plugin: plugin('future-api') }, sink]));
    expect(err).toMatchObject({ code: 'TAPLINE_ERR_PLUGIN_API_VERSION', step: 'f' });
  });

  it("reports bad options with their path and line, every step's at once", async () => {
    const dir = await tempDir();
    const text = [
      '{',
      '  "pipeline": [',
      `    { "id": "in", "plugin": ${JSON.stringify(plugin('list-source'))}, "options": { "repeat": 0 } },`,
      `    { "id": "w", "plugin": ${JSON.stringify(plugin('behave'))},`,
      '      "options": { "hold": "yes", "tga": "x" } }',
      '  ]',
      '}',
    ].join('\n');
    await writeConfig(dir, text);
    const err = await caught(async () => createHost(await loadConfig({ cwd: dir })));
    expect(err.code).toBe('TAPLINE_ERR_OPTIONS_INVALID');
    const byPath = Object.fromEntries(err.problems.map((p: any) => [p.path, p]));
    expect(Object.keys(byPath).sort()).toEqual([
      '/pipeline/0/options/repeat',
      '/pipeline/1/options/hold',
      '/pipeline/1/options/tga',
    ]);
    expect(byPath['/pipeline/1/options/hold']).toMatchObject({ line: 5, column: 28 });
    expect(byPath['/pipeline/1/options/tga'].message).toContain('did you mean "tag"');
    expect(byPath['/pipeline/0/options/repeat']).toMatchObject({ line: 3 });
  });

  it('refuses a type mismatch, naming both steps and both types', async () => {
    const text = { ...source, options: { messages: ['"a"'], output: 'text' } };
    const err = await caught(() => hostFrom([text, { id: 'work', plugin: plugin('behave') }, sink]));
    expect(err).toMatchObject({
      code: 'TAPLINE_ERR_TYPE_MISMATCH',
      details: { from: 'in', fromType: 'text', to: 'work', toType: 'record' },
    });
    expect(err.message).toMatch(/"work".*record.*"in".*text/);
  });

  it('refuses a chain that does not start with a source, and one with no enabled step', async () => {
    const first = await caught(() => hostFrom([{ plugin: plugin('behave') }, sink]));
    expect(first).toMatchObject({ code: 'TAPLINE_ERR_NOT_A_SOURCE', details: { step: 'behave' } });
    const none = await caught(() => hostFrom([{ ...source, enabled: false }]));
    expect(none.code).toBe('TAPLINE_ERR_EMPTY_PIPELINE');
  });

  it('refuses a second source after the first step, naming both', async () => {
    const second = { ...source, id: 'in2' };
    const err = await caught(() => hostFrom([source, second, sink]));
    expect(err).toMatchObject({
      code: 'TAPLINE_ERR_SOURCE_NOT_FIRST',
      details: { step: 'in2', source: 'in' },
    });
    expect(err.message).toMatch(/"in2".*source.*"in"/);
    const disabled = await hostFrom([source, { ...second, enabled: false }, sink]);
    expect(disabled.steps.map((s) => s.id)).toEqual(['in', 'out']);
  });

  it("refuses a domain that is not what its manifest's kind says", async () => {
    const falseSource = await caught(() => hostFrom([{ id: 'in', plugin: plugin('false-source') }, sink]));
    expect(falseSource).toMatchObject({ code: 'TAPLINE_ERR_NOT_A_SOURCE', details: { step: 'in' } });
    expect(falseSource.message).toContain('SourceDomain');
    const hidden = await caught(() =>
      hostFrom([source, { id: 'q', plugin: plugin('undeclared-source') }, sink]),
    );
    expect(hidden).toMatchObject({
      code: 'TAPLINE_ERR_PLUGIN_INVALID',
      step: 'q',
      plugin: 'test:undeclared-source',
    });
    expect(hidden.message).toContain("kind: 'source'");
    // First, it is refused by its manifest before any domain is made.
    const first = await caught(() => hostFrom([{ plugin: plugin('undeclared-source') }, sink]));
    expect(first).toMatchObject({ code: 'TAPLINE_ERR_NOT_A_SOURCE', details: { step: 'undeclared-source' } });
    expect(first.message).toContain("kind: 'source'");
  });

  it('skips disabled steps entirely', async () => {
    const host = await hostFrom([source, { plugin: plugin('not-a-plugin'), enabled: false }, sink]);
    expect(host.steps.map((s) => s.id)).toEqual(['in', 'out']);
  });
});
