import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from '../packages/host/test/http/prometheus-text.js';
import { eventually } from '@tapline/testkit';
import {
  defaultPipeline,
  freePort,
  getJson,
  pluginPath,
  settled,
  startRun,
  bin,
  tapline,
  type RunningPipeline,
  writeTempConfig,
} from './cli-helpers.js';

const running: RunningPipeline[] = [];
const quiet: ChildProcess[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const c of quiet.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

const PROCESS_STEPS = [
  { type: 'set', field: 'pipeline', value: 'cli-test' },
  { type: 'filter', where: { field: 'drop', ne: true } },
];

describe('tapline run', { timeout: 30_000 }, () => {
  it('runs until SIGTERM, serves its metrics, exports every record and logs one accounting line', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const config = defaultPipeline(address);
    config.pipeline[1]!.options.steps = PROCESS_STEPS;
    const counter = { name: 'records_total', help: 'Records by level', labels: { level: 'level' } };
    const metricsStep = {
      id: 'count',
      plugin: pluginPath('metrics'),
      options: { prefix: 'app_', counters: [counter] },
    };
    config.pipeline.splice(2, 0, metricsStep);
    const { dir, file } = await writeTempConfig(config);
    const run = await startRun(file);
    running.push(run);
    expect((await fetch(new URL('/readyz', run.url))).status).toBe(200);

    const samples = await tapline(['publish', '--address', address, '--count', '200']);
    expect(samples).toMatchObject({ code: 0 });
    expect(samples.stdout).toMatch(/^Sent 200 messages to /);
    const extra = path.join(dir, 'extra.ndjson');
    await writeFile(extra, '{"drop":true}\n{"drop":true,"n":2}\nnot json\n[1,2]\n');
    expect((await tapline(['publish', '-a', address, '--file', extra])).code).toBe(0);

    const api = await settled(run, 204);
    expect(api.accounting).toEqual({
      received: 204,
      completed: 200,
      dropped: 2,
      failed: 2,
      lost: 0,
      inFlight: 0,
      held: 0,
      droppedBy: { filtered: 2 },
    });
    expect(api.steps.map((s: { id: string }) => s.id)).toEqual(['ingest', 'enrich', 'count', 'export']);

    const prom = parsePrometheusText(await (await fetch(new URL('/metrics', run.url))).text());
    expect(sampleValue(prom, 'tapline_messages_received_total')).toBe(204);
    expect(sampleValue(prom, 'tapline_messages_completed_total')).toBe(200);
    expect(sampleValue(prom, 'tapline_messages_dropped_total')).toBe(2);
    expect(sampleValue(prom, 'tapline_messages_failed_total')).toBe(2);
    expect(sampleValue(prom, 'tapline_messages_in_flight')).toBe(0);
    const ingest = api.operations['ingest.handle'];
    const [errorType, errors] = Object.entries(ingest.errorTypes as Record<string, number>)[0]!;
    expect(errors).toBe(2);
    expect(sampleValue(prom, 'tapline_step_errors_total', { step: 'ingest', error_type: errorType })).toBe(2);
    expect(
      sampleValue(prom, 'tapline_step_handled_total', { step: 'enrich', plugin: 'tapline:processor' }),
    ).toBe(202);
    expect(sampleValue(prom, 'tapline_step_dropped_total', { step: 'enrich' })).toBe(2);
    const p99 = sampleValue(prom, 'tapline_step_duration_seconds', { step: 'export', quantile: '0.99' });
    expect(p99! * 1000).toBeCloseTo(api.operations['export.handle'].durations.p99, 6);
    expect(sampleValue(prom, 'tapline_end_to_end_latency_seconds', { quantile: '0.5' })).toBeGreaterThan(0);
    expect(prom.get('process_resident_memory_bytes')?.samples.length).toBe(1);
    // The metrics plugin registers in the same registry.
    const byLevel = prom.get('app_records_total')!.samples;
    expect(byLevel.reduce((sum, s) => sum + s.value, 0)).toBe(200);

    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    const exported = (await readFile(path.join(dir, 'out.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(exported).toHaveLength(200);
    for (const r of exported)
      expect(r).toMatchObject({
        pipeline: 'cli-test',
        sentAt: expect.any(Number),
        service: expect.any(String),
      });
    const dead = (await readFile(path.join(dir, 'dead-letters.ndjson'), 'utf8')).trim().split('\n');
    expect(dead).toHaveLength(2);
    const lines = run.logs.filter((l) => l.msg.startsWith('accounting:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.accounting).toEqual({ received: 204, completed: 200, dropped: 2, failed: 2, lost: 0 });
    expect(run.logs.some((l) => l.msg === 'final metrics')).toBe(true);
    expect(run.logs.filter((l) => l.step === 'ingest').length).toBeGreaterThan(0);
  });

  /** A pipeline whose exporter sends to an address nobody listens on: messages stay in flight. */
  async function stuckPipeline(shutdownTimeoutMs: number) {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const nowhere = `tcp://127.0.0.1:${await freePort()}`;
    const config = defaultPipeline(address, { runtime: { shutdownTimeoutMs } });
    const exporter: { options: unknown } = config.pipeline[2]!;
    exporter.options = { targets: [{ type: 'zmq', address: nowhere, sendTimeoutMs: 60_000 }] };
    const { file } = await writeTempConfig(config);
    const run = await startRun(file);
    running.push(run);
    expect((await tapline(['publish', '--address', address, '--count', '5'])).code).toBe(0);
    await eventually(async () =>
      (await getJson(run.url, '/api/metrics')).accounting.received === 5 ? true : undefined,
    );
    return run;
  }

  it('keeps running until a signal when nothing else holds the process open', async () => {
    // A quiet source and the HTTP API off: no socket or server keeps Node's event loop alive.
    const { file } = await writeTempConfig({
      pipeline: [
        { id: 'quiet', plugin: path.join(import.meta.dirname, 'fixtures/quiet-source.mjs') },
        {
          id: 'export',
          plugin: pluginPath('exporter'),
          options: { targets: [{ type: 'file', path: 'out.ndjson' }] },
        },
      ],
      monitor: { http: false },
    });
    const child = spawn(process.execPath, [bin, 'run', '--config', file], { cwd: path.dirname(file) });
    quiet.push(child);
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      createInterface({ input: child.stdout }).on('line', (line) => {
        if ((JSON.parse(line) as { msg: string }).msg === 'pipeline started') resolve();
      }),
    );
    // A run that nothing holds open ends within a turn of its event loop (Node's code 13); one
    // that waits for its signal is still running long after.
    const early = await Promise.race([exit, sleep(500).then(() => 'running' as const)]);
    expect(early).toBe('running');
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('exits 1 when the drain times out, and says what was left', async () => {
    const run = await stuckPipeline(300);
    run.child.kill('SIGINT');
    const exit = await run.exit;
    expect(exit.code).toBe(1);
    const line = run.logs.find((l) => l.msg.startsWith('accounting:'));
    expect(line).toMatchObject({ drained: false, accounting: { received: 5 } });
    expect(line!.inFlightLeft).toBeGreaterThan(0);
  });

  it('exits at once with 143 on a second SIGTERM', async () => {
    const run = await stuckPipeline(60_000);
    run.child.kill('SIGTERM');
    await eventually(() => (run.logs.some((l) => l.reason === 'SIGTERM') ? true : undefined));
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(143);
    expect(run.logs.some((l) => l.msg.startsWith('second SIGTERM'))).toBe(true);
  });

  it('exits 1 when a step cannot start, naming the step', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { file } = await writeTempConfig(defaultPipeline(`tcp://127.0.0.1:${port}`));
      const result = await tapline(['run', '--config', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('ingest');
      expect(result.stderr).toContain('[TAPLINE_ERR_PLUGIN_FAILED caused by TAPLINE_ERR_ADDRESS_IN_USE]');
    } finally {
      blocker.close();
    }
  });

  it('refuses an unknown flag', async () => {
    const result = await tapline(['run', '--conifg', 'x.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown option --conifg');
  });
});
