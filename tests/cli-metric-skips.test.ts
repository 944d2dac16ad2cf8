import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import {
  defaultPipeline,
  freePort,
  pluginPath,
  settled,
  startRun,
  tapline,
  writeTempConfig,
  type RunningPipeline,
} from './cli-helpers.js';

const running: RunningPipeline[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
});

/** zmq → metrics (a histogram of latencyMs) → a processor that coerces latencyMs → file: metrics too early. */
function metricsBeforeCoerce(address: string) {
  const config = defaultPipeline(address);
  config.pipeline[1]!.options.steps = [{ type: 'coerce', field: 'latencyMs', to: 'number' }];
  config.pipeline.splice(1, 0, {
    id: 'metrics',
    plugin: pluginPath('metrics'),
    options: { histograms: [{ name: 'latency_seconds', field: 'latencyMs', scale: 0.001 }] },
  });
  return config;
}

describe('a metric that skips records', { timeout: 30_000 }, () => {
  it('is logged at warn with the reason and the field type: the first skip, then the count per interval', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const { dir, file } = await writeTempConfig(metricsBeforeCoerce(address));
    const run = await startRun(file, [], ['env', 'TAPLINE_REPORT_INTERVAL_MS=200']);
    running.push(run);
    const input = path.join(dir, 'input.ndjson');
    const records = Array.from({ length: 30 }, (_, i) => JSON.stringify({ latencyMs: String(i) }));
    await writeFile(input, records.join('\n') + '\n');
    expect((await tapline(['publish', '-a', address, '--file', input])).code).toBe(0);
    await settled(run, 30);
    const skips = () => run.logs.filter((l) => l.level === 40 && l.metric === 'latency_seconds');
    const total = () => skips().reduce((n, l) => n + (l.count as number), 0);
    await eventually(() => total() === 30 || undefined, { what: '30 skips in the log' });
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    const lines = skips();
    expect(lines[0]).toMatchObject({
      step: 'metrics',
      field: 'latencyMs',
      fieldType: 'a string',
      reason: 'not a finite number',
      count: 1,
    });
    expect(lines[0]!.msg).toContain('coerce');
    // The order was suspect before any record came: the log said so at start.
    expect(run.logs.find((l) => l.level === 40 && l.writer !== undefined)).toMatchObject({
      step: 'metrics',
      field: 'latencyMs',
      writer: 'enrich',
    });
    expect(lines.length).toBeLessThan(15);
    expect(lines.slice(1).every((l) => l.fieldType === 'a string' && l.count > 0)).toBe(true);
  });

  it('is foreseen by validate when the step that coerces its field comes after it', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const early = metricsBeforeCoerce(address);
    const { file } = await writeTempConfig(early);
    const text = await tapline(['validate', '--config', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /Warnings:\n {2}step "metrics" reads "latencyMs" as a number, but only step "enrich"/,
    );
    const json = await tapline(['validate', '--json', '--config', file]);
    expect(JSON.parse(json.stdout).warnings).toEqual([
      expect.objectContaining({ step: 'metrics', field: 'latencyMs', type: 'number', writer: 'enrich' }),
    ]);
    // In the right order, nothing to say.
    const [metricsStep] = early.pipeline.splice(1, 1);
    early.pipeline.splice(2, 0, metricsStep!);
    const fixed = await writeTempConfig(early);
    const ok = await tapline(['validate', '--json', '--config', fixed.file]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, warnings: [] });
  });
});
