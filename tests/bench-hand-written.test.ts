import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../packages/host/test/http/prometheus-text.js';
import { freePort, repo, settled, startRun, tapline, type RunningPipeline } from './cli-helpers.js';

type WriteConfig = (dir: string, o: { address: string; httpPort: number; logLevel: string }) => string;
const configModule = path.join(repo, 'bench/lib/tapline-config.mjs');

const children: ChildProcess[] = [];
const running: RunningPipeline[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

// Records that take every branch of the default pipeline's steps: defaults over missing and null
// fields, coercion from strings and booleans (and one that fails), the debug filter, the route
// template over strings, numbers, objects and missing fields, and the token redaction.
const VARIANTS: unknown[] = [
  { service: 'checkout', level: 'info', latencyMs: 12.5, endpoint: '/cart', message: 'ok token=abc&x=1' },
  { service: 'search', latencyMs: '42', endpoint: '/q', message: 'token=a token=b done' },
  { service: null, level: null, latencyMs: ' 7 ', endpoint: '/x' },
  { level: 'warn', latencyMs: true, message: 'héllo token=ü' },
  { service: 'auth', level: 'debug', latencyMs: 3, endpoint: '/login' },
  { service: 'auth', level: 'DEBUG', latencyMs: false, endpoint: '/login' },
  { service: { name: 'nested' }, level: 'error', latencyMs: '1e3', message: 42 },
  { service: 5, level: '', latencyMs: null, route: 'old', endpoint: { v: 1 } },
  { service: 'gateway', level: 'info', latencyMs: 5000, meta: { a: [1, 2] }, sentAt: 1.5 },
  { service: 'gateway', level: 'info', latencyMs: 5, endpoint: '/health' },
  { service: 'gateway', level: 'warn', latencyMs: 'abc', endpoint: '/fails' },
  { service: 'inventory', level: 'info', latencyMs: 'Infinity' },
  { service: 'inventory', level: 'info' },
  [1, 2],
];

describe('bench/hand-pull.mjs', { timeout: 60_000 }, () => {
  it('exports exactly the records and metrics that tapline run exports on the default pipeline', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tapline-hand-'));
    dirs.push(dir);
    const input = path.join(dir, 'input.ndjson');
    const lines = Array.from({ length: 20 }, () => VARIANTS.map((v) => JSON.stringify(v))).flat();
    await writeFile(input, lines.join('\n') + '\n');
    const n = lines.length;

    // The hand-written loop.
    const handAddress = `tcp://127.0.0.1:${await freePort()}`;
    const handOut = path.join(dir, 'hand.ndjson');
    const handArgs = [
      'bench/hand-pull.mjs',
      '--address',
      handAddress,
      '--count',
      String(n),
      '--out',
      handOut,
    ];
    const handChild = spawn(process.execPath, handArgs, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(handChild);
    const handLines = createInterface({ input: handChild.stdout })[Symbol.asyncIterator]();
    expect((await handLines.next()).value).toBe('ready');
    expect((await tapline(['publish', '-a', handAddress, '--file', input])).code).toBe(0);
    const hand = JSON.parse((await handLines.next()).value as string);

    // tapline run, on the config the benchmark runs.
    const { writeTaplineConfig } = (await import(configModule)) as { writeTaplineConfig: WriteConfig };
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const config = writeTaplineConfig(dir, { address, httpPort: await freePort(), logLevel: 'info' });
    const run = await startRun(config);
    running.push(run);
    expect((await tapline(['publish', '-a', address, '--file', input])).code).toBe(0);
    const api = await settled(run, n);
    const prom = parsePrometheusText(await (await fetch(new URL('/metrics', run.url))).text());
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });

    const { completed, dropped, failed } = api.accounting;
    expect([hand.received, hand.exported, hand.dropped, hand.failed]).toEqual([
      n,
      completed,
      dropped,
      failed,
    ]);
    expect(dropped).toBe(20);
    expect(failed).toBe(60);
    const records = async (file: string) =>
      (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => {
          const r = JSON.parse(l);
          expect(r.exportedAt).toEqual(expect.any(Number));
          delete r.exportedAt;
          return r;
        });
    const handRecords = await records(handOut);
    expect(handRecords).toHaveLength(completed);
    expect(handRecords).toEqual(await records(path.join(dir, 'records.ndjson')));

    // The same counter and histogram, label set by label set.
    const counter = prom
      .get('app_messages_total')!
      .samples.map((s) => [s.labels.service, s.labels.level, s.value]);
    const handCounter = Object.entries(hand.metrics.counts as Record<string, Record<string, number>>).flatMap(
      ([service, byLevel]) => Object.entries(byLevel).map(([level, count]) => [service, level, count]),
    );
    expect(handCounter.sort()).toEqual(counter.sort());
    const histogram = prom.get('app_request_latency_seconds')!.samples;
    for (const [service, h] of Object.entries(
      hand.metrics.latency as Record<string, { count: number; sum: number; buckets: number[] }>,
    )) {
      const of = (name: string, le?: string) =>
        histogram.find((s) => s.name === name && s.labels.service === service && s.labels.le === le)?.value;
      expect([of('app_request_latency_seconds_count'), of('app_request_latency_seconds_sum')]).toEqual([
        h.count,
        h.sum,
      ]);
      expect(of('app_request_latency_seconds_bucket', '0.005')).toBe(h.buckets[0]);
      expect(of('app_request_latency_seconds_bucket', '+Inf')).toBe(h.count);
    }
    expect(histogram.filter((s) => s.name === 'app_request_latency_seconds_count')).toHaveLength(
      Object.keys(hand.metrics.latency).length,
    );
  });
});
