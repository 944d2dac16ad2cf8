import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { getJson, tapline } from './cli-helpers.js';
import { Pipelines, accountingLine, defaultConfig, readNdjson } from './support/e2e-pipeline.js';

const pipelines = new Pipelines();
afterEach(() => pipelines.cleanup());

const records = [
  {
    id: 'r1',
    service: 'checkout',
    level: 'info',
    latencyMs: '12',
    endpoint: '/pay',
    message: 'ok token=abc',
  },
  { id: 'r2', service: 'search', level: 'warn', latencyMs: 250, endpoint: '/q', message: 'slow' },
  { id: 'r3', latencyMs: 7, endpoint: '/health', message: 'no service or level' },
];

describe('the original design, end to end', { timeout: 30_000 }, () => {
  it('a ZeroMQ publisher sends 3 messages: 3 complete, every step succeeds 3 times, 3 are exported', async () => {
    const { config, address } = await defaultConfig();
    const run = await pipelines.start(config);
    const input = path.join(run.dir, 'three.ndjson');
    await writeFile(input, records.map((r) => JSON.stringify(r)).join('\n') + '\n');

    const published = await tapline(['publish', '--address', address, '--file', input]);
    expect(published.code).toBe(0);

    const metrics = await eventually(async () => {
      const m = await getJson(run.url, '/api/metrics');
      return m.accounting.completed === 3 ? m : undefined;
    });
    expect(metrics.accounting).toEqual({
      received: 3,
      completed: 3,
      dropped: 0,
      failed: 0,
      lost: 0,
      inFlight: 0,
      held: 0,
      droppedBy: { filtered: 0 },
    });
    const ids = config.pipeline.map((s) => s.id);
    expect(ids).toEqual(['ingest', 'normalize', 'metrics', 'export']);
    for (const id of ids) {
      expect(metrics.operations[`${id}.handle`], id).toMatchObject({ success: 3, errors: 0, dropped: 0 });
    }

    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(accountingLine(run).accounting).toEqual({
      received: 3,
      completed: 3,
      dropped: 0,
      failed: 0,
      lost: 0,
    });

    const exported = await readNdjson(path.join(run.dir, 'out/records.ndjson'));
    expect(exported.map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
    // What the default pipeline's steps do to them.
    expect(exported[0]).toMatchObject({ latencyMs: 12, route: 'checkout /pay', message: 'ok [REDACTED]' });
    expect(exported[2]).toMatchObject({ service: 'unknown', level: 'info', route: 'unknown /health' });
    expect(await readNdjson(path.join(run.dir, 'out/dead-letters.ndjson'))).toEqual([]);
  });
});
