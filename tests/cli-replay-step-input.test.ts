import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually, readNdjson } from '@tapline/testkit';
import { Pull, Push } from 'zeromq';
import {
  freePort,
  getJson,
  killRunning,
  pluginPath,
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

type Row = Record<string, unknown>;

/** A processor step. */
const processor = (id: string, steps: unknown[]): TestStep => ({
  id,
  plugin: pluginPath('processor'),
  options: { steps },
});

/** Step 1 renames `n` to `seq`, appends "+" to `mark` (twice would be "++") and labels the record from the environment. */
const enrich = processor('enrich', [
  { type: 'rename', from: 'n', to: 'seq' },
  { type: 'set', field: 'mark', template: '{mark}+' },
  { type: 'set', field: 'label', value: '${RUN_LABEL:-none}' },
  { type: 'set', field: 'pad', template: '{big}{big}{big}' },
]);

/** Step 2 fails every record whose latencyMs is not a number. */
const coerce = { type: 'coerce', field: 'latencyMs', to: 'number' };

/**
 * Runs `tapline run` over `total` records ({ n, mark: "a", latencyMs, big }), one in ten with
 * latencyMs "fast", to the end; returns its folder, its config and the config's path.
 */
async function deadLettered(
  steps: (address: string) => TestStep[],
  total: number,
  big: (n: number) => string = () => '',
  maxPayloadBytes = 65536,
) {
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const config = {
    pipeline: steps(address),
    runtime: { maxInFlight: 256 },
    deadLetter: { path: 'dead-letters.ndjson', maxPayloadBytes },
    monitor: { http: { host: '127.0.0.1', port: 0 } },
  };
  const { dir, file } = await writeTempConfig(config);
  dirs.push(dir);
  const run = await startRun(file);
  const push = new Push({ linger: 5000 });
  push.connect(address);
  try {
    for (let n = 0; n < total; n++) {
      const latencyMs = n % 10 === 0 ? 'fast' : String(n % 300);
      await push.send(JSON.stringify({ n, mark: 'a', latencyMs, big: big(n) }));
    }
    await eventually(async () => {
      const { accounting } = await getJson(run.url, '/api/metrics');
      return accounting.received === total && accounting.inFlight === 0 ? true : undefined;
    });
  } finally {
    push.close();
    run.child.kill('SIGTERM');
  }
  expect((await run.exit).code).toBe(0);
  return { dir, file, config };
}

/** A copy of the folder, its letters never replayed: each replay there has a ledger of its own. */
async function copyOf(dir: string): Promise<string> {
  const copy = `${dir}-copy`;
  await cp(dir, copy, { recursive: true });
  dirs.push(copy);
  return copy;
}

const replay = (dir: string, ...args: string[]) =>
  tapline(['replay', '--config', path.join(dir, 'pipeline.config.json'), '--json', ...args], {
    cwd: dir,
    env: { RUN_LABEL: 'replay' },
  });

const output = async (dir: string, name = 'out.ndjson') => (await readNdjson(path.join(dir, name))) as Row[];

/** The output's records by seq, each seen exactly once. */
async function once(dir: string, total: number): Promise<Map<number, Row>> {
  const rows = await output(dir);
  const bySeq = new Map(rows.map((r) => [r.seq as number, r]));
  expect(rows).toHaveLength(total);
  expect(bySeq.size).toBe(total);
  return bySeq;
}

const exporter = (targets: unknown[], extra: Record<string, unknown> = {}): TestStep => ({
  id: 'export',
  plugin: pluginPath('exporter'),
  options: { targets, ...extra },
});

describe('tapline replay enters at the step that failed', { timeout: 120_000 }, () => {
  it('with the record as that step received it: the fixed step gets what step 1 made, step 1 does not run again; --from-start runs it again', async () => {
    const TOTAL = 2_000;
    const BAD = 200;
    // One bad record in two holds a `big` that step 1 triples past maxPayloadBytes: its letter
    // keeps only the first bytes of the record as step 2 received it.
    const big = (n: number) => (n % 20 === 0 ? 'x'.repeat(60) : '');
    const { dir, file, config } = await deadLettered(
      (address) => [
        { id: 'ingest', plugin: pluginPath('zmq-source'), options: { address } },
        enrich,
        processor('normalize', [coerce]),
        exporter([{ type: 'file', path: 'out.ndjson' }]),
      ],
      TOTAL,
      big,
      200,
    );
    const letters = (await readNdjson(path.join(dir, 'dead-letters.ndjson'))) as Row[];
    expect(letters).toHaveLength(BAD);
    for (const l of letters) {
      const { n, big: b } = l.payload as Row;
      expect(l).toMatchObject({ step: 'normalize', payload: { mark: 'a', latencyMs: 'fast' } });
      if (b === '') {
        expect(l.input).toEqual({ seq: n, mark: 'a+', latencyMs: 'fast', big: '', label: 'none', pad: '' });
      } else {
        expect(l.input).toBeUndefined();
        expect(l.inputTruncated).toMatchObject({ size: expect.any(Number) });
      }
    }

    const summary = await tapline(['dead-letters', '--config', file, '--json'], { cwd: dir });
    expect(summary.code, summary.stderr).toBe(0);
    const s = JSON.parse(summary.stdout);
    expect(s).toMatchObject({ letters: BAD, prefixOnly: [] });
    expect(s.inputPrefixOnly).toHaveLength(BAD / 2);
    expect(s.groups[0]).toMatchObject({ step: 'normalize', inputPrefixOnly: BAD / 2 });
    const text = await tapline(['dead-letters', '--config', file], { cwd: dir });
    expect(text.stdout).toContain(
      `${BAD / 2} letters hold only the first bytes of the record as the failing step`,
    );
    expect(text.stdout).toContain('--from-start');

    // The fix: latencyMs is kept as it came.
    config.pipeline[2] = processor('normalize', []);
    await writeFile(file, JSON.stringify(config, null, 2));
    const fresh = await copyOf(dir);

    const first = await replay(dir);
    expect(first.code, first.stderr).toBe(1); // the capped ones are refused, by name
    const r1 = JSON.parse(first.stdout);
    expect(r1).toMatchObject({
      replayed: BAD / 2,
      completed: BAD / 2,
      entered: { normalize: BAD / 2 },
      fromStartInstead: 0,
    });
    expect(r1.refused).toHaveLength(BAD / 2);
    expect(r1.refused[0].why).toMatch(/--from-start/);
    const then = await replay(dir, '--from-start');
    expect(then.code, then.stderr).toBe(0);
    expect(JSON.parse(then.stdout)).toMatchObject({
      replayed: BAD / 2,
      completed: BAD / 2,
      skipped: BAD / 2,
      entered: { enrich: BAD / 2 },
    });
    const bySeq = await once(dir, TOTAL);
    for (const [seq, r] of bySeq) {
      expect(r).not.toHaveProperty('n');
      expect(r.mark).toBe('a+');
      // Those that entered at normalize are as step 1 made them in the run; the others went
      // through step 1 again in the replay.
      expect([seq, r.label]).toEqual([seq, seq % 20 === 0 ? 'replay' : 'none']);
    }

    const fromStart = await replay(fresh, '--from-start');
    expect(fromStart.code, fromStart.stderr).toBe(0);
    expect(JSON.parse(fromStart.stdout)).toMatchObject({
      replayed: BAD,
      completed: BAD,
      entered: { enrich: BAD },
    });
    for (const [seq, r] of await once(fresh, TOTAL)) {
      expect([seq, r.mark, r.label]).toEqual([seq, 'a+', seq % 10 === 0 ? 'replay' : 'none']);
    }
  });

  it('a step that changed its record before it threw gets it back changed: its letter holds the record as the step left it', async () => {
    const TOTAL = 200;
    const BAD = 20;
    const mark = { type: 'set', field: 'mark', template: '{mark}-' };
    const { dir, file, config } = await deadLettered(
      (address) => [
        { id: 'ingest', plugin: pluginPath('zmq-source'), options: { address } },
        enrich,
        processor('normalize', [mark, coerce]),
        exporter([{ type: 'file', path: 'out.ndjson' }]),
      ],
      TOTAL,
    );
    const letters = (await readNdjson(path.join(dir, 'dead-letters.ndjson'))) as Row[];
    expect(letters).toHaveLength(BAD);
    for (const l of letters) expect(l).toMatchObject({ payload: { mark: 'a' }, input: { mark: 'a+-' } });

    config.pipeline[2] = processor('normalize', [mark]);
    await writeFile(file, JSON.stringify(config, null, 2));
    const fresh = await copyOf(dir);
    const again = await replay(dir);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ completed: BAD, entered: { normalize: BAD } });
    for (const [seq, r] of await once(dir, TOTAL))
      expect([seq, r.mark]).toEqual([seq, seq % 10 === 0 ? 'a+--' : 'a+-']);

    const fromStart = await replay(fresh, '--from-start');
    expect(fromStart.code, fromStart.stderr).toBe(0);
    for (const [seq, r] of await once(fresh, TOTAL)) expect([seq, r.mark]).toEqual([seq, 'a+-']);
  });

  it('a letter naming exporter targets enters the exporter with its record and goes to those targets alone', async () => {
    const TOTAL = 50;
    const sockets = await mkdtemp(path.join(tmpdir(), 'tapline-hop-'));
    dirs.push(sockets);
    const hop = `ipc://${path.join(sockets, 'hop')}`;
    const { dir } = await deadLettered(
      (address) => [
        { id: 'ingest', plugin: pluginPath('zmq-source'), options: { address } },
        enrich,
        exporter(
          [
            { name: 'archive', type: 'file', path: 'archive.ndjson' },
            { name: 'next-hop', type: 'zmq', address: hop, sendTimeoutMs: 50 },
          ],
          { retries: 0 },
        ),
      ],
      TOTAL,
    );
    const letters = (await readNdjson(path.join(dir, 'dead-letters.ndjson'))) as Row[];
    expect(letters).toHaveLength(TOTAL);
    for (const l of letters) {
      expect(l).toMatchObject({ step: 'export', targets: ['next-hop'], written: ['archive'] });
      expect((l.input as Row).seq).toBe((l.payload as Row).n);
    }
    expect(await output(dir, 'archive.ndjson')).toHaveLength(TOTAL);

    // The fix: the next hop is up.
    const pull = new Pull();
    try {
      await pull.bind(hop);
      const result = await replay(dir);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ completed: TOTAL, entered: { export: TOTAL } });
      const received = new Set<number>();
      for (let i = 0; i < TOTAL; i++) {
        const [frame] = await pull.receive();
        received.add((JSON.parse(frame!.toString()) as Row).seq as number);
      }
      expect(received.size).toBe(TOTAL);
    } finally {
      pull.close();
    }
    expect(await output(dir, 'archive.ndjson')).toHaveLength(TOTAL);
  });
});
