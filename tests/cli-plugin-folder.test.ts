import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPipeline, freePort, pluginPath, tapline, writeTempConfig } from './cli-helpers.js';

const fixtures = path.join(import.meta.dirname, 'fixtures');

/** A config beside `./shout`, a link to a plugin package folder, naming the plugin by that folder. */
async function configBeside(folder: string, plugin = './shout') {
  const config = defaultPipeline(`tcp://127.0.0.1:${await freePort()}`);
  config.pipeline.splice(1, 1, { id: 'shout', plugin, options: {} });
  const { dir, file } = await writeTempConfig(config);
  await symlink(folder, path.join(dir, 'shout'), 'dir');
  return { dir, file };
}

describe('a plugin named by its package folder', { timeout: 30_000 }, () => {
  it('resolves "./shout" through the folder\'s package.json exports, and through main', async () => {
    for (const [folder, name] of [
      ['shout-package', 'fixture:shout'],
      ['shout-main', 'fixture:shout-main'],
    ] as const) {
      const { file } = await configBeside(path.join(fixtures, folder));
      const { code, stdout, stderr } = await tapline(['validate', '--config', file, '--json']);
      expect(code, stderr + stdout).toBe(0);
      const step = JSON.parse(stdout).steps.find((s: { id: string }) => s.id === 'shout');
      expect(step).toMatchObject({ plugin: name, specifier: './shout' });
      expect(step.loadedFrom.file).toMatch(
        folder === 'shout-package' ? /src\/index\.mjs$/ : /lib\/plugin\.mjs$/,
      );
    }
  });

  it("says what is missing when the folder's module is not built, with the step's position", async () => {
    const empty = path.join(path.dirname((await writeTempConfig({})).file), 'unbuilt');
    await mkdir(empty);
    const { file } = await configBeside(empty);
    const { code, stdout } = await tapline(['validate', '--config', file, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.code).toBe('TAPLINE_ERR_PLUGIN_NOT_FOUND');
    expect(report.message).toMatch(/index\.js.*build the plugin first/);
    expect(report.problems[0]).toMatchObject({ path: '/pipeline/1/plugin', line: expect.any(Number) });
  });

  it('still loads a plugin named by its file', async () => {
    const config = defaultPipeline(`tcp://127.0.0.1:${await freePort()}`);
    config.pipeline[1] = { id: 'p', plugin: pluginPath('processor'), options: { steps: [] } };
    const { file } = await writeTempConfig(config);
    expect((await tapline(['validate', '--config', file])).code).toBe(0);
  });
});
