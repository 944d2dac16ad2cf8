import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { Push } from 'zeromq';
import {
  defaultPipeline,
  freePort,
  getJson,
  killRunning,
  pluginPath,
  startRun,
  tapline,
  writeTempConfig,
} from './cli-helpers.js';

afterEach(killRunning);

describe('tapline dead-letters', { timeout: 60_000 }, () => {
  it('groups the letters of a real run across rotated files, names the capped payloads, and filters with --where', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const config = defaultPipeline(address, {
      // Small files and payloads: the letters rotate, and the long ones keep only a prefix.
      deadLetter: { path: 'dead-letters.ndjson', rotateBytes: 4096, maxPayloadBytes: 64 },
    });
    config.pipeline[1] = {
      id: 'normalize',
      plugin: pluginPath('processor'),
      options: { steps: [{ type: 'coerce', field: 'latencyMs', to: 'number' }] },
    };
    const { dir, file } = await writeTempConfig(config);
    const run = await startRun(file);
    const push = new Push({ linger: 2000 });
    push.connect(address);
    try {
      for (let i = 0; i < 40; i++)
        await push.send(JSON.stringify({ i, latencyMs: 'fast', pad: 'x'.repeat(i < 10 ? 100 : 0) }));
      for (let i = 0; i < 15; i++) await push.send(`not json ${i}`);
      for (let i = 0; i < 5; i++) await push.send(JSON.stringify({ i, latencyMs: '12' }));
    } finally {
      push.close();
    }
    await eventually(async () =>
      (await getJson(run.url, '/api/metrics')).accounting.failed === 55 ? true : undefined,
    );
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);

    const json = await tapline(['dead-letters', '--config', file, '--json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    const summary = JSON.parse(json.stdout);
    expect(summary.files.length).toBeGreaterThan(1); // rotated: .1 (and more) besides the file
    expect(summary.files.at(-1)).toBe(path.join(dir, 'dead-letters.ndjson'));
    expect(summary.letters).toBe(55);
    const groups = Object.fromEntries(summary.groups.map((g: any) => [`${g.step} ${g.errorType}`, g]));
    expect(groups['normalize TAPLINE_ERR_TRANSFORM']).toMatchObject({
      count: 40,
      prefixOnly: 10,
      targets: '',
    });
    expect(groups['ingest TAPLINE_ERR_DECODE']).toMatchObject({ count: 15 });
    expect(groups['ingest TAPLINE_ERR_DECODE'].first <= groups['ingest TAPLINE_ERR_DECODE'].last).toBe(true);
    expect(summary.prefixOnly).toHaveLength(10);
    expect(Object.values(summary.byHour).reduce((a: number, b) => a + (b as number), 0)).toBe(55);
    // Every letter on disk was counted once.
    let lines = 0;
    for (const f of summary.files)
      lines += (await readFile(f, 'utf8')).split('\n').filter((l) => l !== '').length;
    expect(lines).toBe(55);

    const text = await tapline(['dead-letters', '--config', file], { cwd: dir });
    expect(text.stdout).toMatch(/^55 dead letters in /);
    expect(text.stdout).toMatch(/\n\s+40 {2}normalize {2}TAPLINE_ERR_TRANSFORM/);
    expect(text.stdout).toContain('10 letters hold only the first bytes of the payload');

    const where = JSON.stringify({ field: 'step', eq: 'ingest' });
    const filtered = await tapline(['dead-letters', '--config', file, '--where', where, '--json'], {
      cwd: dir,
    });
    expect(JSON.parse(filtered.stdout)).toMatchObject({
      letters: 15,
      groups: [{ step: 'ingest', count: 15 }],
    });
    const bad = await tapline(['dead-letters', '--config', file, '--where', '{"field":"step"}'], {
      cwd: dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--where');
  });
});
