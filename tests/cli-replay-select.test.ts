import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readNdjson } from '@tapline/testkit';
import { Push } from 'zeromq';
import {
  freePort,
  killRunning,
  pluginPath,
  settled,
  startRun,
  tapline,
  writeTempConfig,
  type TestStep,
} from './cli-helpers.js';

const dirs: string[] = [];
afterEach(killRunning);
afterAll(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

type Row = Record<string, any>;

const TOTAL = 300;
/** One record in ten has latencyMs "fast" and fails at normalize; half of those are service "a". */
const BAD = Array.from({ length: TOTAL }, (_, n) => n).filter((n) => n % 10 === 0);
const BAD_A = BAD.filter((n) => n % 20 === 0);
const BAD_B = BAD.filter((n) => n % 20 !== 0);
/** Frames that are not JSON: the source fails them, and a replay can only send them through it again. */
const FRAMES = 5;

const processor = (id: string, steps: unknown[]): TestStep => ({
  id,
  plugin: pluginPath('processor'),
  options: { steps },
});

/** ingest → enrich (appends "+" to mark) → normalize (latencyMs to a number: the bug) → export. */
const pipeline = (address: string, normalize: unknown[]) => ({
  pipeline: [
    { id: 'ingest', plugin: pluginPath('zmq-source'), options: { address } },
    processor('enrich', [{ type: 'set', field: 'mark', template: '{mark}+' }]),
    processor('normalize', normalize),
    {
      id: 'export',
      plugin: pluginPath('exporter'),
      options: { targets: [{ type: 'file', path: 'out.ndjson' }] },
    },
  ],
  runtime: { maxInFlight: 256 },
  deadLetter: { path: 'dead-letters.ndjson' },
  monitor: { http: { host: '127.0.0.1', port: 0 } },
});
const COERCE = [{ type: 'coerce', field: 'latencyMs', to: 'number' }];

/** The folder of a run that dead-lettered BAD at normalize and FRAMES at ingest; each test copies it. */
let base: { dir: string; address: string };

beforeAll(async () => {
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const { dir, file } = await writeTempConfig(pipeline(address, COERCE));
  dirs.push(dir);
  const run = await startRun(file);
  const push = new Push({ linger: 5000 });
  push.connect(address);
  try {
    for (let n = 0; n < TOTAL; n++) {
      const latencyMs = n % 10 === 0 ? 'fast' : String(n % 300);
      await push.send(JSON.stringify({ n, mark: 'a', latencyMs, service: n % 20 === 0 ? 'a' : 'b' }));
    }
    for (let i = 0; i < FRAMES; i++) await push.send(`not json ${i}`);
    await settled(run, TOTAL + FRAMES);
  } finally {
    push.close();
    run.child.kill('SIGTERM');
  }
  const exit = await run.exit;
  expect(exit, run.stderr()).toEqual({ code: 0, signal: null });
  base = { dir, address };
}, 60_000);

/** A fresh copy of the run's folder, its letters never replayed, with the config's normalize as given. */
async function copy(normalize: unknown[]): Promise<{ dir: string; file: string }> {
  const dir = `${base.dir}-${dirs.length}`;
  await cp(base.dir, dir, { recursive: true });
  dirs.push(dir);
  const file = path.join(dir, 'pipeline.config.json');
  await writeFile(file, JSON.stringify(pipeline(base.address, normalize), null, 2));
  return { dir, file };
}

const replay = (file: string, ...args: string[]) =>
  tapline(['replay', '--config', file, ...args], { cwd: path.dirname(file) });
const letters = async (dir: string) => (await readNdjson(path.join(dir, 'dead-letters.ndjson'))) as Row[];
const output = async (dir: string) => (await readNdjson(path.join(dir, 'out.ndjson'))) as Row[];
/** The output's records beyond those the run wrote: what the replay sent there. */
const replayed = async (dir: string) => (await output(dir)).filter((r) => r.n % 10 === 0);
const sorted = (ns: number[]) => [...ns].sort((a, b) => a - b);
/** A letter's record: its payload, as JSON or bytes. */
const recordOf = (l: Row) => JSON.stringify(l.payload ?? l.payloadBase64);

describe('tapline replay into a config that is still broken', { timeout: 120_000 }, () => {
  it('writes each letter that fails again as a new dead letter with its replay count, says failed=N and exits 1; a second replay counts 2', async () => {
    const { dir, file } = await copy(COERCE);
    const original = await letters(dir);
    expect(original).toHaveLength(BAD.length + FRAMES);
    expect(original.every((l) => l.replays === undefined && l.source === 'ingest')).toBe(true);
    const all = BAD.length + FRAMES;

    const first = await replay(file);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toContain(
      `replay: replayed=${all} completed=0 dropped=0 failed=${all} lost=0 skipped=0\n`,
    );
    expect(first.stdout).toContain(
      `${all} failed again: written as new dead letters, with their replay count`,
    );
    const once = (await letters(dir)).slice(all);
    expect(once).toHaveLength(all);
    const byRecord = new Map(original.map((l) => [recordOf(l), l]));
    expect(new Set(once.map(recordOf))).toEqual(new Set(byRecord.keys()));
    for (const l of once) {
      const was = byRecord.get(recordOf(l))!;
      // The same failure of the same record, at the same step, from the replay, counted once.
      expect(l).toMatchObject({ step: was.step, errorType: was.errorType, source: 'replay', replays: 1 });
      // A normalize letter entered there with what enrich made in the run: enrich did not run again.
      if (l.step === 'normalize') expect(l.input).toEqual({ ...was.payload, mark: 'a+' });
    }

    const second = await replay(file);
    expect(second.code, second.stderr).toBe(1);
    expect(second.stdout).toContain(
      `replay: replayed=${all} completed=0 dropped=0 failed=${all} lost=0 skipped=${all}\n`,
    );
    const twice = (await letters(dir)).slice(2 * all);
    expect(twice).toHaveLength(all);
    const counts = (ls: Row[]) => ls.map((l) => `${recordOf(l)} ${l.step} ${l.source} ${l.replays}`).sort();
    expect(counts(twice)).toEqual(counts(once.map((l) => ({ ...l, replays: 2 }))));
    // Nothing reached the output; the ledger holds each of the 2 × all letters, failed.
    expect(await replayed(dir)).toEqual([]);
    const ledger = (await readFile(path.join(dir, 'dead-letters.ndjson.replay.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Row);
    expect(new Set(ledger.filter((e) => e.state === 'failed').map((e) => e.id)).size).toBe(2 * all);
  });
});

describe('tapline replay chooses letters and where they enter', { timeout: 120_000 }, () => {
  it('--where replays only the letters it holds for; the others are left for the next replay', async () => {
    const { dir, file } = await copy([]);
    const a = await replay(file, '--where', "payload.service == 'a'", '--json');
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({
      replayed: BAD_A.length,
      completed: BAD_A.length,
      unselected: BAD_B.length + FRAMES,
      entered: { normalize: BAD_A.length },
    });
    expect(sorted((await replayed(dir)).map((r) => r.n))).toEqual(BAD_A);

    const rest = await replay(file, '--where', "step == 'normalize'", '--json');
    expect(rest.code, rest.stderr).toBe(0);
    expect(JSON.parse(rest.stdout)).toMatchObject({
      replayed: BAD_B.length,
      completed: BAD_B.length,
      skipped: BAD_A.length,
      unselected: FRAMES,
    });
    const bad = await replayed(dir);
    expect(sorted(bad.map((r) => r.n))).toEqual(BAD);
    // Each entered at normalize with what enrich made in the run.
    expect(bad.every((r) => r.mark === 'a+' && r.latencyMs === 'fast')).toBe(true);
    expect(await letters(dir)).toHaveLength(BAD.length + FRAMES);
  });

  it('--from-step normalize: the letters that failed there enter with their record; the frames, not JSON, are refused by name', async () => {
    const { dir, file } = await copy([]);
    const { code, stdout, stderr } = await replay(file, '--from-step', 'normalize', '--json');
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      replayed: BAD.length,
      completed: BAD.length,
      payloadInstead: 0,
      entered: { normalize: BAD.length },
    });
    expect(report.refused).toHaveLength(FRAMES);
    for (const r of report.refused) {
      expect(r.at).toMatch(/dead-letters\.ndjson:\d+$/);
      expect(r.why).toContain('can only enter at the source "ingest"');
    }
    const bad = await replayed(dir);
    expect(sorted(bad.map((r) => r.n))).toEqual(BAD);
    expect(bad.every((r) => r.mark === 'a+')).toBe(true);
  });

  it('--from-step export: the payload enters the exporter, past enrich and normalize, and the report counts it', async () => {
    const { dir, file } = await copy([]);
    const { code, stdout, stderr } = await replay(file, '--from-step', 'export', '--json');
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      completed: BAD.length,
      payloadInstead: BAD.length,
      entered: { export: BAD.length },
    });
    expect(report.refused).toHaveLength(FRAMES);
    const bad = await replayed(dir);
    expect(sorted(bad.map((r) => r.n))).toEqual(BAD);
    // As it was sent: enrich did not run.
    expect(bad.every((r) => r.mark === 'a')).toBe(true);
  });

  it('--from-step ingest: every letter goes through the source again; the frames fail there again', async () => {
    const { dir, file } = await copy([]);
    const { code, stdout, stderr } = await replay(file, '--from-step', 'ingest', '--json');
    expect(code, stderr).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      replayed: BAD.length + FRAMES,
      completed: BAD.length,
      failed: FRAMES,
      refused: [],
      entered: { ingest: BAD.length + FRAMES },
    });
    const bad = await replayed(dir);
    expect(sorted(bad.map((r) => r.n))).toEqual(BAD);
    // Through enrich again, from the payload: one "+".
    expect(bad.every((r) => r.mark === 'a+')).toBe(true);
    const again = (await letters(dir)).slice(BAD.length + FRAMES);
    expect(again.map((l) => [l.step, l.errorType, l.replays])).toEqual(
      Array.from({ length: FRAMES }, () => ['ingest', 'TAPLINE_ERR_DECODE', 1]),
    );
  });
});
