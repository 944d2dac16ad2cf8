import { copyFile, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '@tapline/core';
import { silentLogger } from '@tapline/core/internal';
import { loadConfig } from '../src/config/load-config.js';
import { createHost } from '../src/runtime/create-host.js';
import { caught, fixtures, removeTempDirs, tempDir, writeConfig } from './helpers.js';

afterAll(removeTempDirs);

const core = fileURLToPath(new URL('../../core', import.meta.url));
const plugin = (name: string) => path.join(fixtures, 'plugins', `${name}.mjs`);

function infoLines(lines: Array<{ obj: unknown; msg: unknown }>): Logger {
  const info = (obj: unknown, msg?: unknown) => void lines.push({ obj, msg });
  return { ...silentLogger, info, child: () => infoLines(lines) };
}

describe('duplicate keys', () => {
  it('are a validation problem at the later key, naming both positions', async () => {
    const dir = await tempDir();
    const text = [
      '{',
      '  "pipeline": [{ "plugin": "./a.mjs" }],',
      '  "monitor": { "http": false, "http": { "port": 1 } },',
      '  "pipeline": [{ "plugin": "./b.mjs", "options": { "x": 1, "x": 2 } }]',
      '}',
    ].join('\n');
    await writeConfig(dir, text);
    const err = await caught(() => loadConfig({ cwd: dir }));
    expect(err.code).toBe('TAPLINE_ERR_CONFIG_INVALID');
    expect(err.problems).toEqual([
      expect.objectContaining({ path: '/monitor/http', line: 3, column: 31 }),
      expect.objectContaining({ path: '/pipeline', line: 4, column: 3 }),
      expect.objectContaining({ path: '/pipeline/0/options/x', line: 4, column: 60 }),
    ]);
    expect(err.problems[0].message).toContain('line 3, column 31 and line 3, column 16');
    expect(err.problems[1].message).toContain('line 4, column 3 and line 2, column 3');
  });
});

describe('plugin code from outside the config folder', () => {
  it('is logged at info with its resolved path; plugins inside the folder are not', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'plugins'));
    await mkdir(path.join(dir, 'node_modules', '@tapline'), { recursive: true });
    await symlink(core, path.join(dir, 'node_modules', '@tapline', 'core'), 'dir');
    await copyFile(plugin('sink'), path.join(dir, 'plugins', 'sink.mjs'));
    const outside = path.relative(dir, plugin('list-source'));
    await writeConfig(dir, {
      pipeline: [
        { id: 'in', plugin: outside.startsWith('.') ? outside : `./${outside}` },
        { id: 'out', plugin: './plugins/sink.mjs' },
      ],
      monitor: { http: false },
    });
    const lines: Array<{ obj: unknown; msg: unknown }> = [];
    const host = await createHost(await loadConfig({ cwd: dir }), { logger: infoLines(lines) });
    await host.stop();
    const loads = lines.filter((l) => String(l.msg).startsWith('loading plugin code'));
    expect(loads).toEqual([
      { obj: expect.objectContaining({ step: 'in', path: plugin('list-source') }), msg: expect.any(String) },
    ]);
  });
});
