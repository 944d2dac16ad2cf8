import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

type Letter = {
  time: string;
  step: string;
  errorType: string;
  message: string;
  messageId?: number;
  targets?: string[];
};

/**
 * What the summary must say of each group, worked out from the files' lines: the sample is the
 * group's first letter in file order (oldest file first), first and last its earliest and latest time.
 */
async function groupsOf(files: readonly string[]) {
  const groups = new Map<string, any>();
  for (const file of files) {
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((text, i) => {
      if (text === '') return;
      const l = JSON.parse(text) as Letter;
      const targets = (l.targets ?? []).join(',');
      const key = `${l.step} ${l.errorType} ${targets}`;
      const hour = l.time.slice(0, 13);
      const g = groups.get(key) ?? {
        step: l.step,
        errorType: l.errorType,
        targets,
        count: 0,
        first: l.time,
        last: l.time,
        sample: { message: l.message, messageId: l.messageId, file, line: i + 1 },
        byHour: {},
      };
      g.count++;
      if (l.time < g.first) g.first = l.time;
      if (l.time > g.last) g.last = l.time;
      g.byHour[hour] = (g.byHour[hour] ?? 0) + 1;
      groups.set(key, g);
    });
  }
  return groups;
}

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

    const expected = await groupsOf(summary.files);
    expect(summary.groups).toHaveLength(expected.size);
    for (const g of summary.groups) {
      expect(g).toMatchObject(expected.get(`${g.step} ${g.errorType} ${g.targets}`));
      expect(Object.values(g.byHour).reduce((a: number, b) => a + (b as number), 0)).toBe(g.count);
    }
    expect(summary.byTarget).toEqual({});

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
  it('counts the letters of an output failure per target lacking the record, and per hour in each group', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const sockets = await mkdtemp(path.join(tmpdir(), 'tapline-hops-'));
    const config = defaultPipeline(address);
    // Two next hops nobody listens on: every record fails at the exporter for hop-a, and the
    // even ones, routed to hop-b as well, for both.
    config.pipeline[2] = {
      id: 'export',
      plugin: pluginPath('exporter'),
      options: {
        retries: 0,
        targets: [
          { name: 'archive', type: 'file', path: 'out.ndjson' },
          { name: 'hop-a', type: 'zmq', address: `ipc://${path.join(sockets, 'a')}`, sendTimeoutMs: 50 },
          {
            name: 'hop-b',
            type: 'zmq',
            address: `ipc://${path.join(sockets, 'b')}`,
            sendTimeoutMs: 50,
            where: "route == 'both'",
          },
        ],
      },
    };
    const { dir, file } = await writeTempConfig(config);
    try {
      const run = await startRun(file);
      const push = new Push({ linger: 2000 });
      push.connect(address);
      try {
        for (let i = 0; i < 30; i++)
          await push.send(JSON.stringify({ i, route: i % 2 === 0 ? 'both' : 'one' }));
      } finally {
        push.close();
      }
      await eventually(
        async () => ((await getJson(run.url, '/api/metrics')).accounting.failed === 30 ? true : undefined),
        { timeoutMs: 30_000, what: '30 letters' },
      );
      run.child.kill('SIGTERM');
      expect((await run.exit).code).toBe(0);

      const json = await tapline(['dead-letters', '--config', file, '--json'], { cwd: dir });
      expect(json.code, json.stderr).toBe(0);
      const summary = JSON.parse(json.stdout);
      expect(summary.letters).toBe(30);
      // A letter naming both targets counts for each.
      expect(summary.byTarget).toEqual({ 'hop-a': 30, 'hop-b': 15 });
      expect(Object.keys(summary.byTarget)).toEqual(['hop-a', 'hop-b']);
      const expected = await groupsOf(summary.files);
      expect([...expected.keys()].sort()).toEqual([
        'export TAPLINE_ERR_EXPORT hop-a',
        'export TAPLINE_ERR_EXPORT hop-a,hop-b',
      ]);
      expect(summary.groups).toHaveLength(2);
      for (const g of summary.groups) {
        expect(g).toMatchObject(expected.get(`${g.step} ${g.errorType} ${g.targets}`));
        expect(g.count).toBe(15);
      }
      const hours = Object.keys(summary.byHour);
      for (const hour of hours)
        expect(summary.groups.reduce((n: number, g: any) => n + (g.byHour[hour] ?? 0), 0)).toBe(
          summary.byHour[hour],
        );

      const text = await tapline(['dead-letters', '--config', file], { cwd: dir });
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('By target lacking the record:\n  hop-a  30\n  hop-b  15\n');
      const [a, ab] = ['hop-a', 'hop-a,hop-b'].map((t) => summary.groups.find((g: any) => g.targets === t));
      for (const hour of hours) {
        const parts = summary.groups
          .filter((g: any) => g.byHour[hour] !== undefined)
          .map((g: any) => `${g.byHour[hour]} export TAPLINE_ERR_EXPORT [${g.targets}]`);
        expect(text.stdout).toContain(`  ${hour}  ${summary.byHour[hour]}  (${parts.join('; ')})\n`);
      }
      expect(text.stdout).toMatch(
        new RegExp(`\\n\\s+15 {2}export {2}TAPLINE_ERR_EXPORT {2}hop-a {8}${a.first} {2}${a.last} `),
      );
      expect(text.stdout).toMatch(
        new RegExp(`\\n\\s+15 {2}export {2}TAPLINE_ERR_EXPORT {2}hop-a,hop-b {2}${ab.first} {2}${ab.last} `),
      );
    } finally {
      await rm(sockets, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
