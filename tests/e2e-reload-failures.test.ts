import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { Pull } from 'zeromq';
import { freePort, getJson } from './cli-helpers.js';
import { Pipelines, pusher, readNdjson } from './support/e2e-pipeline.js';
import {
  byN,
  configOf,
  fixtureStep,
  reload,
  reloadEnded,
  reloadOutcomes,
  stream,
  tagStep,
} from './support/reload-helpers.js';

const pipelines = new Pipelines();
const sockets: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await pipelines.cleanup();
});

describe('reload failures and queueing, end to end', { timeout: 40_000 }, () => {
  it('with --watch, a step that fails to initialize rolls the reload back: the old chain runs on, a later good edit applies', async () => {
    const total = 10_000;
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const run = await pipelines.start(configOf(address, [tagStep('a')]), { args: ['--watch'] });
    const push = pusher(address);
    sockets.push(push);
    const sender = stream(push, total);

    await eventually(async () =>
      (await getJson(run.url, '/api/metrics')).accounting.completed > 1000 ? true : undefined,
    );
    await writeFile(
      run.file,
      JSON.stringify(configOf(address, [tagStep('a'), fixtureStep('bad', { failInitialize: true })])),
    );
    const failed = await reloadEnded(run, 1);
    expect(failed.msg).toMatch(
      /^reload failed, the running pipeline goes on unchanged: Step "bad" .* failed in initialize/,
    );
    expect(failed.reason).toBe('watch');
    const afterFailure = (await getJson(run.url, '/api/metrics')).accounting.completed;

    await writeFile(run.file, JSON.stringify(configOf(address, [tagStep('a'), tagStep('b')])));
    const applied = await reloadEnded(run, 2);
    expect(applied).toMatchObject({ msg: 'config reloaded: ingest → a → b → export', added: ['b'] });
    sender.finish();

    await sender.done;
    await eventually(
      async () =>
        (await getJson(run.url, '/api/metrics')).accounting.completed === total ? true : undefined,
      { timeoutMs: 20_000 },
    );
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

    const slow = fixtureStep('slow', { initializeUntil: 'gate' });
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
    await eventually(() => run.logs.filter((l) => l.msg === queuedLog)[1]);
    await writeFile(path.join(run.dir, 'gate'), '');
    const second = await reloadEnded(run, 2);
    sender.finish();
    const [first] = reloadOutcomes(run);
    expect(first).toMatchObject({ msg: 'config reloaded: ingest → slow → export', added: ['slow'] });
    expect(second).toMatchObject({ msg: 'config reloaded: ingest → slow → t → export', added: ['t'] });
    expect(second.kept).toContain('slow');
    const queued = run.logs.filter((l) => l.msg === queuedLog);
    expect(queued.map((l) => l.queued)).toEqual([1, 2]);

    await sender.done;
    await eventually(
      async () =>
        (await getJson(run.url, '/api/metrics')).accounting.completed === total ? true : undefined,
      { timeoutMs: 20_000 },
    );
    expect((await getJson(run.url, '/api/metrics')).reloads).toMatchObject({
      success: 2,
      failure: 0,
      queued: 0,
    });
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    const chains = byN(await readNdjson(path.join(run.dir, 'out.ndjson')), total);
    // In the order records were taken in: before the reloads, then (maybe) between them, then after.
    const order = ['', '/slow', '/slow/t'];
    const generations = chains.map((c) => order.indexOf(c));
    expect(generations.every((g, n) => g >= 0 && g >= (generations[n - 1] ?? 0))).toBe(true);
    expect(generations[0]).toBe(0);
    expect(generations[total - 1]).toBe(2);
  });

  it('restarts the source when its options change: the old one hands on its local queue, the new one binds the address; only what was in transit between the sockets can be lost, never a record taken in', async () => {
    const total = 20_000;
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const run = await pipelines.start(configOf(address, [tagStep('a')]));
    const push = pusher(address);
    sockets.push(push);
    const sender = stream(push, total);

    await eventually(async () =>
      (await getJson(run.url, '/api/metrics')).accounting.completed > 2000 ? true : undefined,
    );
    const next = configOf(address, [tagStep('a')]);
    next.pipeline[0]!.options!.receiveHighWaterMark = 500;
    const restarted = await reload(run, run.file, next);
    expect(restarted).toMatchObject({
      msg: 'config reloaded: ingest → a → export',
      added: ['ingest'],
      removed: ['ingest'],
    });
    expect(run.logs.filter((l) => l.msg === 'zmq source ready')).toHaveLength(2);
    await sender.passed(1000);
    sender.finish();
    await sender.done;

    // One connection keeps order: once a last record is exported, all that reached the new
    // socket has been received.
    await push.send(JSON.stringify({ n: total, service: 'api' }));
    const out = path.join(run.dir, 'out.ndjson');
    await eventually(async () => (await readFile(out, 'utf8').catch(() => '')).includes(`"n":${total},`), {
      timeoutMs: 20_000,
      what: 'the last record to be exported',
    });
    const accounting = await eventually(
      async () => {
        const a = (await getJson(run.url, '/api/metrics')).accounting;
        return a.inFlight === 0 ? a : undefined;
      },
      { what: 'nothing in flight' },
    );
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    expect(accounting.completed).toBe(accounting.received);
    const records = await readNdjson(path.join(run.dir, 'out.ndjson'));
    expect(records).toHaveLength(accounting.received);
    expect(new Set(records.map((r) => r.n)).size).toBe(records.length);
    expect(records.every((r) => r.chain === '/a')).toBe(true);
    // What ZeroMQ had in transit to the old socket when it unbound is gone, as at a restart.
    console.log(`source restart: ${total + 1 - accounting.received} of ${total + 1} lost in transit`);
  });

  it('a new source whose address is released a moment after the reload begins waits for it, as for the listener an old source leaves closing', async () => {
    const first = `tcp://127.0.0.1:${await freePort()}`;
    const run = await pipelines.start(configOf(first, [tagStep('a')]));
    // Another socket holds the new address, and lets it go 300 ms into the reload.
    const second = `tcp://127.0.0.1:${await freePort()}`;
    const holder = new Pull({ linger: 0 });
    sockets.push(holder);
    await holder.bind(second);
    const release = setTimeout(() => holder.close(), 300);
    const moved = await reload(run, run.file, configOf(second, [tagStep('a')])).finally(() =>
      clearTimeout(release),
    );
    expect(holder.closed).toBe(true);
    expect(moved).toMatchObject({ msg: 'config reloaded: ingest → a → export', added: ['ingest'] });

    const push = pusher(second);
    sockets.push(push);
    await push.send(JSON.stringify({ n: 1, service: 'moved' }));
    await eventually(async () =>
      (await getJson(run.url, '/api/metrics')).accounting.completed === 1 ? true : undefined,
    );
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
  });

  it('SIGHUP with the file unchanged keeps every step and reopens the output files, as logrotate expects', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const run = await pipelines.start(configOf(address, [tagStep('a')]));
    const push = pusher(address);
    sockets.push(push);
    const completed = (n: number) =>
      eventually(async () =>
        (await getJson(run.url, '/api/metrics')).accounting.completed === n ? true : undefined,
      );
    await stream(push, 100, { tail: 0 }).done;
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

  it('names the settings that need a restart, and applies a new log level at once', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const run = await pipelines.start(configOf(address, [tagStep('a')]));
    const next = {
      ...configOf(address, [tagStep('a')]),
      runtime: { maxInFlight: 7 },
      log: { level: 'warn' },
    };
    const reloaded = await reload(run, run.file, next);
    expect(reloaded.msg).toBe('config reloaded: ingest → a → export');
    const notice = await eventually(() => run.logs.find((l) => l.msg.startsWith('changed settings')));
    expect(notice).toMatchObject({
      level: 40,
      settings: ['/runtime/maxInFlight'],
      msg: 'changed settings that apply only after a restart: /runtime/maxInFlight',
    });
    // At warn, the next reload's info lines (and the stop's) are not logged; it still counts.
    const lines = run.logs.length;
    run.child.kill('SIGHUP');
    await eventually(async () =>
      (await getJson(run.url, '/api/metrics')).reloads.success === 2 ? true : undefined,
    );
    expect((await getJson(run.url, '/api/metrics')).reloads.last.result).toBe('success');
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    expect(run.logs.slice(lines).filter((l) => l.level < 40)).toEqual([]);
  });
});
