import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repo } from './cli-helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0)) await clean();
});

/** Runs a bench script in its own process group, so a failed test can end it and its children. */
async function bench(args: string[]): Promise<{ code: number | null; stderr: string; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-bench-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [...args, '--results', dir, '--runs', path.join(dir, 'runs')],
    { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': by then standard error has been read to its end.
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stderr, dir };
}

interface Run {
  kind: string;
  cpuMs: number;
  sent: number;
  received: number;
  exported?: number;
  dropped?: number;
  failed?: number;
}

function expectAccounted(runs: Record<string, Run[]>, count: number): void {
  expect(Object.keys(runs).sort()).toEqual(['bare', 'hand', 'tapline']);
  for (const [kind, list] of Object.entries(runs)) {
    expect(list, kind).toHaveLength(1);
    const r = list[0]!;
    expect([r.kind, r.sent, r.received]).toEqual([kind, count, count]);
    expect(r.cpuMs, kind).toBeGreaterThan(0);
    if (kind === 'bare') continue;
    // The default pipeline drops debug records: one in ten of the publisher's.
    expect(r.failed, kind).toBe(0);
    expect(r.dropped, kind).toBeGreaterThan(0);
    expect(r.exported! + r.dropped!, kind).toBe(count);
  }
  expect(runs.hand![0]!.exported).toBe(runs.tapline![0]!.exported);
}

describe('bench/throughput.mjs', { timeout: 180_000 }, () => {
  it('runs 5,000 records through each of the three receivers and accounts for every one', async () => {
    const { code, stderr, dir } = await bench([
      'bench/throughput.mjs',
      '--messages',
      '5000',
      '--rounds',
      '1',
    ]);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(await readFile(path.join(dir, 'throughput.json'), 'utf8'));
    expectAccounted(result.runs, 5000);
    expect(await readFile(path.join(dir, 'throughput.md'), 'utf8')).toContain('tapline / hand-written');
  });

  it('with --prefill and --batch 64, every record of the queued frames is accounted for', async () => {
    const { code, stderr, dir } = await bench([
      'bench/throughput.mjs',
      '--messages',
      '6400',
      '--rounds',
      '1',
      '--prefill',
      '--batch',
      '64',
    ]);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(await readFile(path.join(dir, 'throughput-prefill-batch64.json'), 'utf8'));
    expectAccounted(result.runs, 6400);
  });

  it('latency.mjs paces 2,000 records at 1,000 msg/s through each receiver and accounts for every one', async () => {
    const args = ['bench/latency.mjs', '--rates', '1000', '--seconds', '2', '--rounds', '1', '--trace'];
    const { code, stderr, dir } = await bench(args);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(await readFile(path.join(dir, 'latency-trace.json'), 'utf8'));
    expectAccounted(result.runs['1000'], 2000);
    for (const kind of ['bare', 'hand', 'tapline']) {
      const [run] = result.runs['1000'][kind];
      expect(run.latency.all.count, kind).toBe(kind === 'bare' ? 2000 : run.exported);
      // The second second is the steady state, and its slowest 1% is attributed.
      expect(run.latency.steady.count, kind).toBeGreaterThan(0);
      expect(run.tail.slow, kind).toBeGreaterThan(0);
      // What its threads and the publisher's ran and waited for a CPU, over the steady state.
      expect(run.tail.threads.seconds, kind).toBeGreaterThan(0);
      expect(run.tail.threads.main.cpuMs, kind).toBeGreaterThan(0);
      expect(run.tail.threads.main.waitMs, kind).toBeGreaterThanOrEqual(0);
      expect(run.tail.senderThreads.main.cpuMs, kind).toBeGreaterThan(0);
    }
  });

  it('in-memory.mjs feeds 5,000 records, 3 a turn, to tapline, to tapline with a pass-through step more and to the hand-written loop, which export the same records', async () => {
    const { code, stderr, dir } = await bench([
      'bench/in-memory.mjs',
      '--records',
      '5000',
      '--rounds',
      '2',
      '--batch',
      '3',
      '--steps',
      '1',
      '--step-plugin',
      'pass',
    ]);
    // The script fails when the two exported different numbers of records.
    expect(code, stderr).toBe(0);
    const result = JSON.parse(await readFile(path.join(dir, 'in-memory.json'), 'utf8'));
    expect(result.records).toBe(5000);
    expect(result).toMatchObject({ batch: 3, steps: 1, stepPlugin: 'pass' });
    for (const kind of ['hand', 'tapline', 'withSteps']) {
      expect(result.runs[kind], kind).toHaveLength(2);
      for (const cpuUs of result.runs[kind]) expect(cpuUs, kind).toBeGreaterThan(0);
    }
    const runs = path.join(dir, 'runs', (await readdir(path.join(dir, 'runs')))[0]!);
    const read = async (file: string) =>
      (await readFile(path.join(runs, file), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { level: string });
    const [byTapline, byHand] = [await read('records.ndjson'), await read('hand.ndjson')];
    expect(byTapline).toHaveLength(byHand.length);
    // The pass-through step hands every record on unchanged: the same records, stamped later.
    const withStep = await read('records-steps.ndjson');
    const unstamped = (records: Array<{ level: string }>) =>
      records.map(({ exportedAt: _stamp, ...rest }: { level: string; exportedAt?: number }) => rest);
    expect(unstamped(withStep)).toEqual(unstamped(byTapline));
    // Two rounds of 5,000 frames, the debug records dropped by the pipeline's filter.
    expect(byTapline.filter((r) => r.level === 'debug')).toEqual([]);
    const dropped = 5000 - byTapline.length / 2;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(1000);
  });
});

describe('bench/kept-frames.mjs', { timeout: 120_000 }, () => {
  it("reports what a kept frame costs; the zmq source's frames do not hold libzmq's receive buffers", async () => {
    // 10,000 frames kept: what else the process grows by meanwhile (a few MiB) is small beside them.
    const { code, stderr, dir } = await bench(['bench/kept-frames.mjs', '--messages', '300000']);
    expect(code, stderr).toBe(0);
    type Kept = { kept: number; rssGrowth: number };
    const { runs } = JSON.parse(await readFile(path.join(dir, 'kept-frames.json'), 'utf8')) as {
      runs: { source: Kept; pull: Kept };
    };
    expect(runs.source.kept).toBe(10_000);
    expect(runs.pull.kept).toBe(10_000);
    // A frame that shares libzmq's 8 KiB receive buffer keeps all of it: about 15 KiB each for a
    // plain socket, against about 2 KiB for the source's own copy. Not a timing: a factor of seven.
    expect(runs.source.rssGrowth / runs.source.kept).toBeLessThan(runs.pull.rssGrowth / runs.pull.kept / 3);
  });
});
