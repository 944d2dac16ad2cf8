import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, getJson } from './cli-helpers.js';
import { reload, reloadEnded, reloadOutcomes, stream } from './support/reload-helpers.js';
import {
  Pipelines,
  accountingLine,
  pusher,
  readNdjson,
  type PipelineConfig,
  type PipelineStep,
} from './support/e2e-pipeline.js';
import { freePort } from './cli-helpers.js';

const pipelines = new Pipelines();
const sockets: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await pipelines.cleanup();
});

const TOTAL = 50_000;

/** A processor step that appends `/tag` to each record's `chain`. */
const tagStep = (tag: string, enabled = true): PipelineStep => ({
  id: tag,
  plugin: '@tapline/plugin-processor',
  enabled,
  options: { steps: [{ type: 'set', field: 'chain', template: `{chain}/${tag}` }] },
});

/** Holds each record 20 ms: records sit mid-chain, here, whenever a reload swaps. */
const hold: PipelineStep = {
  id: 'hold',
  plugin: '../../fixtures/reload-step.mjs',
  options: { tag: 'hold', delayMs: 20 },
};

/** ingest → the middle steps → export to out.ndjson, on `address`. */
function configOf(address: string, middle: PipelineStep[]): PipelineConfig {
  return {
    pipeline: [
      { id: 'ingest', plugin: '@tapline/plugin-zmq-source', options: { address } },
      ...middle,
      { id: 'export', plugin: '@tapline/plugin-exporter', options: { targets: [{ type: 'file', path: 'out.ndjson' }] } },
    ],
    deadLetter: { path: 'dead-letters.ndjson' },
    monitor: { http: { host: '127.0.0.1', port: 0 } },
  };
}

/** Every record exported once, by `n`; fails on a duplicate or a gap. */
function byN(records: Array<{ n: number; chain?: string }>, total: number) {
  const seen = new Array<string | undefined>(total);
  for (const r of records) {
    expect(seen[r.n], `record ${r.n} exported twice`).toBeUndefined();
    seen[r.n] = r.chain ?? '';
  }
  const missing = seen.findIndex((c) => c === undefined);
  expect(missing, `record ${missing} was never exported`).toBe(-1);
  expect(records).toHaveLength(total);
  return seen as string[];
}

describe('reload, end to end', { timeout: 40_000 }, () => {
  it('reorders, adds and disables steps while records stream in: none lost or duplicated, each went through one whole chain, in order', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const v1 = configOf(address, [tagStep('a'), hold, tagStep('b')]);
    const run = await pipelines.start(v1);
    const push = pusher(address);
    sockets.push(push);
    const sender = stream(push, TOTAL);

    await eventually(async () => ((await getJson(run.url, '/api/metrics')).accounting.completed > 2000 ? true : undefined));
    const reordered = await reload(run, run.file, configOf(address, [tagStep('b'), hold, tagStep('a')]));
    expect(reordered.msg).toBe('config reloaded: ingest → b → hold → a → export');
    expect(reordered.kept).toEqual(['ingest', 'b', 'hold', 'a', 'export']);
    expect(reordered.added).toEqual([]);

    const added = await reload(run, run.file, configOf(address, [tagStep('b'), hold, tagStep('a'), tagStep('c')]));
    expect(added.added).toEqual(['c']);

    const invalid = configOf(address, [tagStep('b'), hold, tagStep('a'), tagStep('c')]);
    invalid.pipeline[4]!.options = { steps: [{ type: 'set', field: 'chain' }] };
    const failed = await reload(run, run.file, invalid);
    expect(failed.msg).toMatch(/^reload failed, the running pipeline goes on unchanged/);
    expect(failed.code).toBe('TAPLINE_ERR_OPTIONS_INVALID');
    expect(failed.problems.join('\n')).toMatch(/pipeline\.config\.json:\d+:\d+ \/pipeline\/4\/options/);

    const disabled = await reload(run, run.file, configOf(address, [tagStep('b'), hold, tagStep('a', false), tagStep('c')]));
    expect(disabled.removed).toEqual(['a']);
    expect(disabled.msg).toBe('config reloaded: ingest → b → hold → c → export');
    const sentAtLastReload = sender.sent();

    await sender.done;
    await eventually(async () => ((await getJson(run.url, '/api/metrics')).accounting.completed === TOTAL ? true : undefined), 20_000);
    const metrics = await getJson(run.url, '/api/metrics');
    expect(metrics.reloads).toMatchObject({ success: 3, failure: 1, queued: 0, last: { result: 'success' } });
    const prom = await (await fetch(new URL('/metrics', run.url))).text();
    expect(prom).toContain('tapline_config_reloads_total{result="success"} 3');
    expect(prom).toContain('tapline_config_reloads_total{result="failure"} 1');
    expect(prom).toMatch(/^tapline_config_last_reload_success 1$/m);

    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    expect(accountingLine(run)).toMatchObject({ accounting: { received: TOTAL, completed: TOTAL, failed: 0 } });
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
    expect(counts.every((c) => c > 0), `records per chain: ${counts.join(', ')}`).toBe(true);
    expect(sentAtLastReload).toBeLessThan(TOTAL);
  });
});

/** A reload-step fixture step. */
const fixtureStep = (id: string, options: Record<string, unknown>): PipelineStep => ({
  id,
  plugin: '../../fixtures/reload-step.mjs',
  options: { tag: id, ...options },
});

describe('reload failures and queueing, end to end', { timeout: 40_000 }, () => {
  it('with --watch, a step that fails to initialize rolls the reload back: the old chain runs on, a later good edit applies', async () => {
    const total = 10_000;
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const run = await pipelines.start(configOf(address, [tagStep('a')]), ['--watch']);
    const push = pusher(address);
    sockets.push(push);
    const sender = stream(push, total);

    await eventually(async () => ((await getJson(run.url, '/api/metrics')).accounting.completed > 1000 ? true : undefined));
    await writeFile(run.file, JSON.stringify(configOf(address, [tagStep('a'), fixtureStep('bad', { failInitialize: true })])));
    const failed = await reloadEnded(run, 1);
    expect(failed.msg).toMatch(/^reload failed, the running pipeline goes on unchanged: Step "bad" .* failed in initialize/);
    expect(failed.reason).toBe('watch');
    const afterFailure = (await getJson(run.url, '/api/metrics')).accounting.completed;

    await writeFile(run.file, JSON.stringify(configOf(address, [tagStep('a'), tagStep('b')])));
    const applied = await reloadEnded(run, 2);
    expect(applied).toMatchObject({ msg: 'config reloaded: ingest → a → b → export', added: ['b'] });

    await sender.done;
    await eventually(async () => ((await getJson(run.url, '/api/metrics')).accounting.completed === total ? true : undefined), 20_000);
    expect((await getJson(run.url, '/api/metrics')).reloads).toMatchObject({ success: 1, failure: 1 });
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    const chains = byN(await readNdjson(path.join(run.dir, 'out.ndjson')), total);
    // Before the good edit, every record went through the old chain, never the rolled-back one.
    const firstB = chains.indexOf('/a/b');
    expect(firstB).toBeGreaterThanOrEqual(afterFailure);
    expect(chains.slice(0, firstB).every((c) => c === '/a')).toBe(true);
    expect(chains.slice(firstB).every((c) => c === '/a/b')).toBe(true);
  });

  it('SIGHUP during a reload is queued, never dropped: the queued reload runs after it and reads the file afresh', async () => {
    const total = 20_000;
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const run = await pipelines.start(configOf(address, []));
    const push = pusher(address);
    sockets.push(push);
    const sender = stream(push, total);

    const slow = fixtureStep('slow', { initializeMs: 1500 });
    await writeFile(run.file, JSON.stringify(configOf(address, [slow])));
    run.child.kill('SIGHUP');
    // The first reload has read the file and is initializing its new step: signal twice more.
    await eventually(() => run.logs.find((l) => l.msg === 'slow step initializing'));
    await writeFile(run.file, JSON.stringify(configOf(address, [slow, tagStep('t')])));
    // Signals sent together may merge into one: send the second once the first was queued.
    const queuedLog = 'a reload is under way: this one is queued behind it';
    run.child.kill('SIGHUP');
    await eventually(() => run.logs.find((l) => l.msg === queuedLog));
    run.child.kill('SIGHUP');
    const second = await reloadEnded(run, 2);
    const [first] = reloadOutcomes(run);
    expect(first).toMatchObject({ msg: 'config reloaded: ingest → slow → export', added: ['slow'] });
    expect(second).toMatchObject({ msg: 'config reloaded: ingest → slow → t → export', added: ['t'] });
    expect(second.kept).toContain('slow');
    const queued = run.logs.filter((l) => l.msg === queuedLog);
    expect(queued.map((l) => l.queued)).toEqual([1, 2]);

    await sender.done;
    await eventually(async () => ((await getJson(run.url, '/api/metrics')).accounting.completed === total ? true : undefined), 20_000);
    expect((await getJson(run.url, '/api/metrics')).reloads).toMatchObject({ success: 2, failure: 0, queued: 0 });
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    const chains = byN(await readNdjson(path.join(run.dir, 'out.ndjson')), total);
    expect(new Set(chains)).toEqual(new Set(['', '/slow', '/slow/t']));
  });

  it('restarts the source when its options change: the old one hands on its local queue, the new one binds the address, nothing is lost', async () => {
    const total = 20_000;
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const run = await pipelines.start(configOf(address, [tagStep('a')]));
    const push = pusher(address);
    sockets.push(push);
    const sender = stream(push, total);

    await eventually(async () => ((await getJson(run.url, '/api/metrics')).accounting.completed > 2000 ? true : undefined));
    const next = configOf(address, [tagStep('a')]);
    next.pipeline[0]!.options!.receiveHighWaterMark = 500;
    const restarted = await reload(run, run.file, next);
    expect(restarted).toMatchObject({ msg: 'config reloaded: ingest → a → export', added: ['ingest'], removed: ['ingest'] });
    expect(run.logs.filter((l) => l.msg === 'zmq source ready')).toHaveLength(2);

    await sender.done;
    await eventually(async () => ((await getJson(run.url, '/api/metrics')).accounting.completed === total ? true : undefined), 20_000);
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    byN(await readNdjson(path.join(run.dir, 'out.ndjson')), total);
  });

  it('SIGHUP with the file unchanged keeps every step and reopens the output files, as logrotate expects', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const run = await pipelines.start(configOf(address, [tagStep('a')]));
    const push = pusher(address);
    sockets.push(push);
    const completed = (n: number) =>
      eventually(async () => ((await getJson(run.url, '/api/metrics')).accounting.completed === n ? true : undefined));
    await stream(push, 100).done;
    await completed(100);
    const out = path.join(run.dir, 'out.ndjson');
    await rename(out, `${out}.1`);
    run.child.kill('SIGHUP');
    const reloaded = await reloadEnded(run, 1);
    expect(reloaded).toMatchObject({ kept: ['ingest', 'a', 'export'], added: [], removed: [] });
    for (let n = 100; n < 200; n++) await push.send(JSON.stringify({ n }));
    await completed(200);
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    expect((await readNdjson(`${out}.1`)).map((r) => r.n)).toEqual([...Array(100).keys()]);
    expect((await readNdjson(out)).map((r) => r.n)).toEqual([...Array(100).keys()].map((n) => n + 100));
  });
});
