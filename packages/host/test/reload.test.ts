import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { Reloader } from '../src/reload/reloader.js';
import { restartNeeded } from '../src/reload/restart-needed.js';
import { removeTempDirs, writeConfig } from './helpers.js';
import { behave, domainOf, hostFor, listSource, sink } from './run-helpers.js';

afterAll(removeTempDirs);

const config = (pipeline: unknown[]) => ({ pipeline, monitor: { http: false }, deadLetter: false });

describe('reloading a running host', () => {
  it('keeps unchanged steps, builds changed and new ones, and shuts removed ones down once their messages are done', async () => {
    const v1 = [listSource([{ n: 1 }]), behave('hold', { hold: true }), behave('a'), behave('b'), sink];
    const { host, dir } = await hostFor(v1, { deadLetter: false });
    await host.start();
    const before: Record<string, any> = Object.fromEntries(host.steps.map((s) => [s.id, s.domain]));
    await expect.poll(() => domainOf(host, 'hold').held.length).toBe(1);

    await writeConfig(dir, config([v1[0], v1[1], behave('b', { tag: 'b2' }), behave('c'), sink]));
    const reloader = new Reloader(host);
    reloader.request('test');
    await expect.poll(() => host.steps.map((s) => s.id)).toEqual(['in', 'hold', 'b', 'c', 'out']);
    for (const id of ['in', 'hold', 'out']) expect(domainOf(host, id)).toBe(before[id]);
    expect(domainOf(host, 'b')).not.toBe(before.b);
    expect(domainOf(host, 'b').initialized).toBe(1);
    expect(domainOf(host, 'c').initialized).toBe(1);
    // The held message started on the old chain: its steps wait for it.
    expect(before.a.shutdowns).toBe(0);
    expect(before.b.shutdowns).toBe(0);

    domainOf(host, 'hold').release();
    await reloader.idle();
    expect(domainOf(host, 'out').records.map((r: any) => r.trail)).toEqual([['hold', 'a', 'b']]);
    expect(before.a.shutdowns).toBe(1);
    expect(before.b.shutdowns).toBe(1);
    expect(domainOf(host, 'hold').shutdowns).toBe(0);
    expect(host.getMetrics().reloads).toMatchObject({ success: 1, failure: 0, last: { result: 'success' } });
    const report = await host.stop();
    expect(report.accounting).toMatchObject({ received: 1, completed: 1, inFlight: 0 });
    expect(domainOf(host, 'c').shutdowns).toBe(1);
  });

  it('tells each outcome to the source that took the message in when a reload replaces the source, and shuts the old one down after', async () => {
    const v1 = [listSource([{ n: 1 }, { n: 2 }], { settles: true }), behave('hold', { hold: true }), sink];
    const { host, dir } = await hostFor(v1, { deadLetter: false });
    await host.start();
    const old = domainOf(host, 'in');
    await expect.poll(() => domainOf(host, 'hold').held.length).toBe(2);

    await writeConfig(dir, config([listSource([{ n: 3 }], { settles: true }), v1[1], sink]));
    const reloader = new Reloader(host);
    reloader.request('test');
    await expect.poll(() => domainOf(host, 'in')).not.toBe(old);
    const fresh = domainOf(host, 'in');
    await expect.poll(() => domainOf(host, 'hold').held.length).toBe(3);
    // The old source is stopped, but still there to be told how its two messages end.
    expect(old.shutdowns).toBe(0);

    domainOf(host, 'hold').release();
    await reloader.idle();
    const told = (source: any) =>
      source.outcomes.map(([m, outcome]: [{ n: number }, string]) => [m.n, outcome]);
    expect(told(old).sort()).toEqual([
      [1, 'completed'],
      [2, 'completed'],
    ]);
    expect(told(fresh)).toEqual([[3, 'completed']]);
    expect(old.shutdowns).toBe(1);
    await host.stop();
  });

  it('rolls back when a new step fails to initialize: the running chain and its instances stay', async () => {
    const v1 = [listSource([]), behave('a'), sink];
    const { host, dir } = await hostFor(v1, { deadLetter: false });
    await host.start();
    const steps = host.steps;
    await writeConfig(
      dir,
      config([v1[0], behave('a', { tag: 'changed' }), behave('bad', { failIn: 'initialize' }), sink]),
    );
    const reloader = new Reloader(host);
    reloader.request('test');
    await reloader.idle();
    expect(host.steps).toBe(steps);
    expect(domainOf(host, 'a').shutdowns).toBe(0);
    expect(host.getMetrics().reloads).toMatchObject({
      success: 0,
      failure: 1,
      last: { result: 'failure', code: 'TAPLINE_ERR_PLUGIN_FAILED', causeCode: 'EBUSY' },
    });
    expect(host.getMetrics().reloads.last?.error).toMatch(
      /Step "bad" .* failed in initialize: cannot initialize/,
    );
    await host.stop();
  });

  it('leaves the running chain when the new config is invalid, and says where', async () => {
    const v1 = [listSource([]), behave('a'), sink];
    const { host, dir } = await hostFor(v1, { deadLetter: false });
    await host.start();
    const steps = host.steps;
    const file = await writeConfig(dir, config([v1[0], behave('a', { hold: 'yes' }), sink]));
    const reloader = new Reloader(host);
    reloader.request('test');
    await reloader.idle();
    expect(host.steps).toBe(steps);
    const last = host.getMetrics().reloads.last!;
    expect(last).toMatchObject({ result: 'failure', code: 'TAPLINE_ERR_OPTIONS_INVALID' });
    expect(last.error).toContain(`${file}:`);
    expect(last.error).toMatch(/pipeline\.config\.json:\d+:\d+ \/pipeline\/1\/options\/hold/);
    await host.stop();
  });

  it("keeps a failed record's input in its dead letter once a reload puts a step between it and the source", async () => {
    const deadLetter = { path: 'dead.ndjson' };
    const v1 = [listSource([]), behave('a'), sink];
    const { host, dir } = await hostFor(v1, { deadLetter });
    await host.start();
    const fail = (n: number) => ({ step: 'a', value: { n, fail: true }, raw: Buffer.from(`{"n":${n}}`) });
    expect(await host.replay([fail(1)])).toEqual(['failed']);

    await writeConfig(dir, { ...config([v1[0], behave('first'), v1[1], sink]), deadLetter });
    const reloader = new Reloader(host);
    reloader.request('test');
    await reloader.idle();
    expect(host.steps.map((s) => s.id)).toEqual(['in', 'first', 'a', 'out']);
    expect(await host.replay([fail(2)])).toEqual(['failed']);
    await host.stop();
    const letters = (await readFile(path.join(dir, 'dead.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The step after the source needs none: its payload is what it received.
    expect(letters.map((l) => [l.step, l.payload, l.input])).toEqual([
      ['a', { n: 1 }, undefined],
      ['a', { n: 2 }, { n: 2, fail: true }],
    ]);
  });
});

describe('settings a reload cannot apply', () => {
  it('names runtime, deadLetter and monitor changes by their path', async () => {
    const { dir } = await hostFor([listSource([]), sink]);
    const load = async (rest: Record<string, unknown>) => {
      await writeConfig(dir, { pipeline: [listSource([]), sink], ...rest });
      return loadConfig({ cwd: dir });
    };
    const running = await load({ monitor: { http: false } });
    expect(restartNeeded(running, await load({ monitor: { http: false }, log: { level: 'debug' } }))).toEqual(
      [],
    );
    const next = await load({
      runtime: { maxInFlight: 7 },
      deadLetter: false,
      monitor: { http: false, durationsWindow: 10 },
    });
    expect(restartNeeded(running, next)).toEqual([
      '/runtime/maxInFlight',
      '/deadLetter',
      '/monitor/durationsWindow',
    ]);
  });
});
