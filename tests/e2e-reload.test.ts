import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { freePort, getJson } from './cli-helpers.js';
import { Pipelines, accountingLine, pusher, readNdjson } from './support/e2e-pipeline.js';
import { byN, configOf, hold, reload, stream, tagStep } from './support/reload-helpers.js';

const pipelines = new Pipelines();
const sockets: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await pipelines.cleanup();
});

const TOTAL = 50_000;

describe('reload, end to end', { timeout: 40_000 }, () => {
  it('reorders, adds and disables steps while records stream in: none lost or duplicated, each went through one whole chain, in order', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const v1 = configOf(address, [tagStep('a'), hold, tagStep('b')]);
    const run = await pipelines.start(v1);
    const push = pusher(address);
    sockets.push(push);
    const sender = stream(push, TOTAL, { tail: 10_000 });

    await eventually(async () =>
      (await getJson(run.url, '/api/metrics')).accounting.completed > 2000 ? true : undefined,
    );
    const reordered = await reload(run, run.file, configOf(address, [tagStep('b'), hold, tagStep('a')]));
    expect(reordered.msg).toBe('config reloaded: ingest → b → hold → a → export');
    expect(reordered.kept).toEqual(['ingest', 'b', 'hold', 'a', 'export']);
    expect(reordered.added).toEqual([]);

    await sender.passed(2000);
    const added = await reload(
      run,
      run.file,
      configOf(address, [tagStep('b'), hold, tagStep('a'), tagStep('c')]),
    );
    expect(added.added).toEqual(['c']);

    await sender.passed(2000);
    const invalid = configOf(address, [tagStep('b'), hold, tagStep('a'), tagStep('c')]);
    invalid.pipeline[4]!.options = { steps: [{ type: 'set', field: 'chain' }] };
    const failed = await reload(run, run.file, invalid);
    expect(failed.msg).toMatch(/^reload failed, the running pipeline goes on unchanged/);
    expect(failed.code).toBe('TAPLINE_ERR_OPTIONS_INVALID');
    expect(failed.problems.join('\n')).toMatch(/pipeline\.config\.json:\d+:\d+ \/pipeline\/4\/options/);

    await sender.passed(1000);
    const disabled = await reload(
      run,
      run.file,
      configOf(address, [tagStep('b'), hold, tagStep('a', false), tagStep('c')]),
    );
    expect(disabled.removed).toEqual(['a']);
    expect(disabled.msg).toBe('config reloaded: ingest → b → hold → c → export');
    const sentAtLastReload = sender.sent();
    sender.finish();

    await sender.done;
    await eventually(
      async () =>
        (await getJson(run.url, '/api/metrics')).accounting.completed === TOTAL ? true : undefined,
      { timeoutMs: 20_000 },
    );
    const metrics = await getJson(run.url, '/api/metrics');
    expect(metrics.reloads).toMatchObject({ success: 3, failure: 1, queued: 0, last: { result: 'success' } });
    const prom = await (await fetch(new URL('/metrics', run.url))).text();
    expect(prom).toContain('tapline_config_reloads_total{result="success"} 3');
    expect(prom).toContain('tapline_config_reloads_total{result="failure"} 1');
    expect(prom).toMatch(/^tapline_config_last_reload_success 1$/m);

    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    expect(accountingLine(run)).toMatchObject({
      accounting: { received: TOTAL, completed: TOTAL, failed: 0 },
    });
    // The source kept its socket through every reload: it was bound once.
    expect(run.logs.filter((l) => l.msg === 'zmq source ready')).toHaveLength(1);

    const chains = byN(await readNdjson(path.join(run.dir, 'out.ndjson')), TOTAL);
    // Generations follow each other in the order messages were taken in: never back.
    // A record held mid-chain during a swap goes on down its own chain: '/a/hold/a' would mean
    // it took the new chain's route from `hold`.
    const order = ['/a/hold/b', '/b/hold/a', '/b/hold/a/c', '/b/hold/c'];
    const counts = order.map(() => 0);
    let generation = 0;
    chains.forEach((chain, n) => {
      const g = order.indexOf(chain);
      expect(g, `record ${n} went through "${chain}"`).toBeGreaterThanOrEqual(generation);
      generation = g;
      counts[g]!++;
    });
    // Every chain carried records: each reload happened while records streamed in.
    expect(
      counts.every((c) => c > 0),
      `records per chain: ${counts.join(', ')}`,
    ).toBe(true);
    expect(sentAtLastReload).toBeLessThan(TOTAL);
  });
});
