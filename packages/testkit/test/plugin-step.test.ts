import { describe, expect, it } from 'vitest';
import { createPluginStep, validateOptions } from '../src/index.js';
import { upperPlugin } from './fixtures/plugins.js';

describe('createPluginStep', () => {
  it('validates options as the host does and gives create a context named after the plugin', async () => {
    const step = await createPluginStep(upperPlugin, {}, { id: 'shout', configDir: '/srv' });
    expect(step.options).toEqual({ field: 'name', nested: { limit: 3 } });
    expect(step.context).toMatchObject({ id: 'shout', plugin: 'test:upper', configDir: '/srv' });
    expect(step.domain.id).toBe('shout');
    expect([step.input, step.output]).toEqual(['record', 'record']);
    expect((await createPluginStep(upperPlugin, {}, { inputType: 'my-record' })).output).toBe('my-record');
  });

  it('refuses bad options with every problem, another API version, and wraps a failing create', async () => {
    await expect(createPluginStep(upperPlugin, { field: 1, nested: { limit: 0 } })).rejects.toMatchObject({
      code: 'TAPLINE_ERR_OPTIONS_INVALID',
      problems: [
        expect.objectContaining({ path: '/field' }),
        expect.objectContaining({ path: '/nested/limit' }),
      ],
    });
    await expect(createPluginStep({ ...upperPlugin, apiVersion: 99 })).rejects.toMatchObject({
      code: 'TAPLINE_ERR_PLUGIN_API_VERSION',
    });
    const failing = {
      ...upperPlugin,
      create: () => {
        throw new Error('no');
      },
    };
    await expect(createPluginStep(failing)).rejects.toMatchObject({
      code: 'TAPLINE_ERR_PLUGIN_FAILED',
      phase: 'create',
    });
  });
});

describe('validateOptions', () => {
  it('returns the options with defaults applied, without touching the raw ones', () => {
    const raw = { field: 'title' };
    expect(validateOptions(upperPlugin, raw)).toEqual({
      options: { field: 'title', nested: { limit: 3 } },
      problems: [],
    });
    expect(raw).toEqual({ field: 'title' });
  });

  it("returns every problem, with paths relative to the options, and the manifest's check", () => {
    const { options, problems } = validateOptions(upperPlugin, { field: '', nested: { limit: 0 }, extra: 1 });
    expect(options).toBeUndefined();
    expect(problems.map((p) => p.path).sort()).toEqual(['/extra', '/field', '/nested/limit']);
    const checked = { ...upperPlugin, check: () => [{ path: '/field', message: 'taken' }] };
    expect(validateOptions(checked, {}).problems).toEqual([{ path: '/field', message: 'taken' }]);
  });
});
