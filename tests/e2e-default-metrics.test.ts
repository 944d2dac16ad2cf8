import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from '../packages/host/test/http/prometheus-text.js';
import {
  freePort,
  repo,
  settled,
  startRun,
  tapline,
  writeTempConfig,
  type RunningPipeline,
} from './cli-helpers.js';
import { unitProblems } from './support/promlint-units.js';

const running: RunningPipeline[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
});

describe("the repository's default pipeline", { timeout: 30_000 }, () => {
  it('serves metric names promtool accepts, its latency histogram in seconds', async () => {
    const config = JSON.parse(await readFile(path.join(repo, 'pipeline.config.json'), 'utf8'));
    const address = `tcp://127.0.0.1:${await freePort()}`;
    config.pipeline[0].options.address = address;
    config.monitor.http.port = 0;
    delete config.$schema;
    const { dir, file } = await writeTempConfig(config);
    const run = await startRun(file);
    running.push(run);
    const input = path.join(dir, 'input.ndjson');
    await writeFile(input, '{"service":"api","latencyMs":"9"}\n{"service":"api","latencyMs":400}\n');
    expect((await tapline(['publish', '-a', address, '--file', input])).code).toBe(0);
    await settled(run, 2);

    const prom = parsePrometheusText(await (await fetch(new URL('/metrics', run.url))).text());
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect([...prom.keys()].flatMap(unitProblems)).toEqual([]);
    const latency = (suffix: string, labels: Record<string, string> = {}) =>
      sampleValue(
        prom,
        'app_request_latency_seconds',
        { service: 'api', ...labels },
        `app_request_latency_seconds${suffix}`,
      );
    expect(latency('_count')).toBe(2);
    expect(latency('_sum')).toBeCloseTo(0.409, 9);
    expect(latency('_bucket', { le: '0.005' })).toBe(0);
    expect(latency('_bucket', { le: '0.01' })).toBe(1);
    expect(latency('_bucket', { le: '0.25' })).toBe(1);
    expect(latency('_bucket', { le: '0.5' })).toBe(2);
  });
});
