import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin } from './cli-helpers.js';
import { Outside, freeZmqAddress, readRecords, sendJson } from './support/outside.js';

// What a third-party plugin author does, in a folder of their own outside the repository, with
// the Tapline that this repository builds: scaffold, npm install (the @tapline packages come
// from copies the scaffold packs, the rest from the npm registry), build, test, then run the
// plugin in a pipeline next to the built-in steps.
const outside = new Outside();
afterAll(() => outside.cleanup());

describe('a plugin authored outside the repository', () => {
  it('scaffolds, installs, builds and passes its tests, then runs in a pipeline by relative path', async () => {
    const home = await outside.dir('tapline-author-');
    const created = await outside.exec(
      process.execPath,
      [bin, 'new-plugin', 'shout', '--dir', 'shout'],
      home,
    );
    expect(created.code, created.output).toBe(0);
    expect(created.output).toContain('tapline-packages/');
    const plugin = path.join(home, 'shout');
    for (const step of [['install'], ['run', 'build'], ['test']]) {
      const done = await outside.exec('npm', step, plugin);
      expect(done.code, `npm ${step.join(' ')}\n${done.output}`).toBe(0);
      if (step[0] === 'test') expect(done.output).toMatch(/Tests\s+10 passed \(10\)/);
    }

    const address = await freeZmqAddress();
    const config = {
      pipeline: [
        { id: 'ingest', plugin: '@tapline/plugin-zmq-source', options: { address } },
        {
          id: 'normalize',
          plugin: '@tapline/plugin-processor',
          options: { steps: [{ type: 'default', field: 'level', value: 'info' }] },
        },
        { id: 'shout', plugin: './shout/dist/index.js', options: { field: 'shouted', value: 'yes' } },
        {
          id: 'export',
          plugin: '@tapline/plugin-exporter',
          options: { targets: [{ type: 'file', path: 'out.ndjson' }] },
        },
      ],
      monitor: { http: { host: '127.0.0.1', port: 0 } },
    };
    await writeFile(path.join(home, 'pipeline.config.json'), JSON.stringify(config, null, 2));
    const validated = await outside.exec(process.execPath, [bin, 'validate'], home);
    expect(validated.code, validated.output).toBe(0);
    expect(validated.output).toContain(
      `tapline-plugin-shout@0.1.0  ${path.join(plugin, 'dist', 'index.js')}`,
    );

    const run = await outside.startRun(process.execPath, [bin, 'run'], home);
    await sendJson(address, [{ n: 1 }, { n: 2, level: 'warn' }, { n: 3 }]);
    const records = await readRecords(path.join(home, 'out.ndjson'), 3);
    expect(records).toEqual([
      { n: 1, level: 'info', shouted: 'yes' },
      { n: 2, level: 'warn', shouted: 'yes' },
      { n: 3, level: 'info', shouted: 'yes' },
    ]);
    const metrics = await (await fetch(new URL('/metrics', run.url))).text();
    expect(metrics).toContain(
      'tapline_step_handled_total{step="shout",plugin="tapline-plugin-shout",operation="handle"} 3',
    );
    outside.signal(run.child, 'SIGTERM');
    expect(await run.exit).toBe(0);
  }, 240_000);
});
