import { describe, expect, it } from 'vitest';
import { createPluginStep } from '../src/index.js';
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
