import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, readNdjson } from '@tapline/testkit';
import { Push } from 'zeromq';
import {
  bin,
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

const TOTAL = 10_000;
const BAD = 1_000;

/** A pipeline whose processor fails every record with a latencyMs that is not a number. */
function buggy(address: string, extra: Record<string, unknown> = {}) {
  const config = defaultPipeline(address, { runtime: { maxInFlight: 256 }, ...extra });
  config.pipeline[1] = {
    id: 'normalize',
    plugin: pluginPath('processor'),
    options: { steps: [{ type: 'coerce', field: 'latencyMs', to: 'number' }] },
  };
  return config;
}

/** Runs the buggy pipeline over TOTAL records, BAD of them with latencyMs "fast"; returns its folder. */
async function deadLettered(extra: Record<string, unknown> = {}) {
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const config = buggy(address, extra);
  const { dir, file } = await writeTempConfig(config);
  const run = await startRun(file);
  const push = new Push({ linger: 5000, sendHighWaterMark: 100_000 });
  push.connect(address);
  try {
    for (let n = 0; n < TOTAL; n++) {
      const big = n % 10 === 0 && extra.deadLetter !== undefined ? 'x'.repeat(200) : '';
      await push.send(JSON.stringify({ n, latencyMs: n % 10 === 0 ? 'fast' : String(n % 300), big }));
    }
  } finally {
    push.close();
  }
  await eventually(
    async () => {
      const { accounting } = await getJson(run.url, '/api/metrics');
      return accounting.received === TOTAL && accounting.inFlight === 0 ? accounting : undefined;
    },
    { timeoutMs: 30_000 },
  );
  run.child.kill('SIGTERM');
  expect((await run.exit).code).toBe(0);
  // The fix: latencyMs is kept as it came.
  config.pipeline[1] = { id: 'normalize', plugin: pluginPath('processor'), options: { steps: [] } };
  return { dir, file, config };
}

const ns = async (dir: string) =>
  ((await readNdjson(path.join(dir, 'out.ndjson'))) as { n: number }[]).map((r) => r.n);

describe('tapline replay', { timeout: 120_000 }, () => {
  it('completes every letter once the config is fixed: the output then holds each record exactly once; a second replay sends nothing', async () => {
    const { dir, file, config } = await deadLettered();
    expect(await ns(dir)).toHaveLength(TOTAL - BAD);
    await writeFile(file, JSON.stringify(config, null, 2));

    const dry = await tapline(['replay', '--config', file, '--dry-run', '--json'], { cwd: dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ replayed: 0, entered: { normalize: BAD } });
    expect(await ns(dir)).toHaveLength(TOTAL - BAD);

    const first = await tapline(['replay', '--config', file], { cwd: dir });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain(
      `replay: replayed=${BAD} completed=${BAD} dropped=0 failed=0 lost=0 skipped=0`,
    );
    const all = await ns(dir);
    expect(all).toHaveLength(TOTAL);
    expect(new Set(all).size).toBe(TOTAL);

    const second = await tapline(['replay', '--config', file, '--json'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ replayed: 0, skipped: BAD });
    expect(await ns(dir)).toHaveLength(TOTAL);
  });

  it('a replay killed half-way and run again completes every letter, repeating at most the batch in flight, and the ledger says which', async () => {
    const { dir, file, config } = await deadLettered();
    // A slow step makes the replay take long enough to be killed in the middle.
    config.pipeline.splice(2, 0, {
      id: 'slow',
      plugin: path.join(import.meta.dirname, 'fixtures/slow-step.mjs'),
      options: { perSecond: 1000 },
    });
    await writeFile(file, JSON.stringify(config, null, 2));
    const ledger = path.join(dir, 'dead-letters.ndjson.replay.ndjson');
    const child = spawn(process.execPath, [bin, 'replay', '--config', file], { cwd: dir, stdio: 'ignore' });
    const exit = new Promise((resolve) => child.on('close', resolve));
    try {
      // The replay starts the config's pipeline first: slow on a loaded machine.
      await eventually(
        async () => {
          const text = await readFile(ledger, 'utf8').catch(() => '');
          return (text.match(/"completed"/g) ?? []).length >= 300 ? true : undefined;
        },
        { timeoutMs: 25_000, what: '300 letters completed in the ledger' },
      );
    } finally {
      child.kill('SIGKILL');
    }
    await exit;
    const again = await tapline(['replay', '--config', file, '--json'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout);
    const all = await ns(dir);
    expect(new Set(all).size).toBe(TOTAL);
    const duplicates = all.length - TOTAL;
    expect(duplicates).toBeLessThanOrEqual(256);
    // Exactly the letters left `sent` by the kill were sent again; the others were skipped.
    expect(report.resumed).toBeGreaterThanOrEqual(duplicates);
    expect(report.resumed).toBeLessThanOrEqual(256);
    expect(report.skipped + report.replayed).toBe(BAD);
    const entries = (await readFile(ledger, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(new Set(entries.filter((e) => e.state === 'completed').map((e) => e.id)).size).toBe(BAD);
  });

  it('refuses the letters whose payload holds only a prefix, by name', async () => {
    const { dir, file, config } = await deadLettered({
      deadLetter: { path: 'dead-letters.ndjson', maxPayloadBytes: 64 },
    });
    await writeFile(file, JSON.stringify(config, null, 2));
    const { code, stdout } = await tapline(['replay', '--config', file, '--json'], { cwd: dir });
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.refused).toHaveLength(BAD);
    expect(report.refused[0]).toMatchObject({
      at: expect.stringMatching(/dead-letters\.ndjson:\d+$/),
      why: expect.stringContaining('only the first bytes'),
    });
  });

  it("--url replays through a running host, into its live pipeline, outputs and accounting, with the API's token; a letter failing again there is written with source replay", async () => {
    const { dir, file, config } = await deadLettered();
    const token = 'replay-token-0123456789';
    (config as Record<string, unknown>).monitor = { http: { host: '127.0.0.1', port: 0, token } };
    await writeFile(file, JSON.stringify(config, null, 2));
    const run = await startRun(file);
    try {
      const refused = await tapline(['replay', '--config', file, '--url', run.url], { cwd: dir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('401');
      const done = await tapline(['replay', '--config', file, '--url', run.url, '--json'], {
        cwd: dir,
        env: { TAPLINE_HTTP_TOKEN: token },
      });
      expect(done.code, done.stderr).toBe(0);
      expect(JSON.parse(done.stdout)).toMatchObject({ replayed: BAD, completed: BAD });
      const metrics = await (
        await fetch(new URL('/metrics', run.url), { headers: { authorization: `Bearer ${token}` } })
      ).text();
      expect(metrics).toMatch(new RegExp(`tapline_replay_records_total\\{outcome="completed"\\} ${BAD}`));
      // The host's own books include what the replay sent in: it took nothing else.
      const api = async () =>
        (
          await fetch(new URL('/api/metrics', run.url), { headers: { authorization: `Bearer ${token}` } })
        ).json() as Promise<{ accounting: Record<string, number> }>;
      expect((await api()).accounting).toMatchObject({ received: BAD, completed: BAD, failed: 0 });

      // A frame the live source cannot decode, then its letter replayed: it fails there again,
      // and its new letter says it came from the replay, not from the source.
      const push = new Push({ linger: 2000 });
      push.connect((config.pipeline[0]!.options as { address: string }).address);
      try {
        await push.send('not json');
      } finally {
        push.close();
      }
      await eventually(async () => ((await api()).accounting.failed === 1 ? true : undefined));
      const again = await tapline(['replay', '--config', file, '--url', run.url, '--token', token], {
        cwd: dir,
      });
      expect(again.code, again.stderr).toBe(1);
      expect(again.stdout).toContain(
        `replay: replayed=1 completed=0 dropped=0 failed=1 lost=0 skipped=${BAD}\n`,
      );
      await eventually(async () => ((await api()).accounting.failed === 2 ? true : undefined));
      const letters = (await readNdjson(path.join(dir, 'dead-letters.ndjson'))) as Record<string, unknown>[];
      expect(letters.slice(BAD).map((l) => [l.step, l.errorType, l.source, l.replays])).toEqual([
        ['ingest', 'TAPLINE_ERR_DECODE', 'ingest', undefined],
        ['ingest', 'TAPLINE_ERR_DECODE', 'replay', 1],
      ]);
      expect((await api()).accounting).toMatchObject({ received: BAD + 2, completed: BAD, failed: 2 });
    } finally {
      run.child.kill('SIGTERM');
      await run.exit;
    }
    const all = await ns(dir);
    expect(all).toHaveLength(TOTAL);
    expect(new Set(all).size).toBe(TOTAL);
  });
});
