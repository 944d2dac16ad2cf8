import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Host } from '../src/runtime/host.js';
import { caught, removeTempDirs } from './helpers.js';
import { behave, domainOf, hostFor, listSource, sink } from './run-helpers.js';

afterAll(removeTempDirs);

const done = (host: Host, n: number) =>
  expect.poll(() => host.getMetrics().accounting.received - host.getMetrics().accounting.inFlight).toBe(n);

/** Checks the accounting identity on every event of every step: at every moment something changes. */
function watchIdentity(host: Host, maxInFlight = Infinity): { checks: number; broken: string[] } {
  const seen = { checks: 0, broken: [] as string[] };
  const check = () => {
    const a = host.getMetrics().accounting;
    seen.checks++;
    if (
      a.received !== a.completed + a.dropped + a.failed + a.inFlight ||
      a.inFlight < 0 ||
      a.inFlight > maxInFlight
    ) {
      seen.broken.push(JSON.stringify(a));
    }
  };
  for (const s of host.steps) s.domain.onSuccess(check, 'test').onError(check, 'test');
  return seen;
}

describe('a running host', () => {
  it('runs steps in the order the file lists them', async () => {
    const trail = async (order: string[]) => {
      const { host } = await hostFor([listSource([{ n: 1 }]), ...order.map((id) => behave(id)), sink], {
        deadLetter: false,
      });
      await host.start();
      await done(host, 1);
      await host.stop();
      return domainOf(host, 'out').records[0].trail;
    };
    expect(await trail(['a', 'b'])).toEqual(['a', 'b']);
    expect(await trail(['b', 'a'])).toEqual(['b', 'a']);
  });

  it('accounts every message once, and the identity holds at every event', async () => {
    const messages = [];
    for (let n = 1; n <= 40; n++) {
      messages.push({ n, fail: n % 5 === 0, drop: n % 5 === 1, delayMs: n % 3 === 0 ? 1 : 0 });
    }
    messages.push('not json{');
    const { host } = await hostFor([listSource(messages), behave('work'), sink], { deadLetter: false });
    const seen = watchIdentity(host);
    await host.start();
    await done(host, 41);
    const report = await host.stop();
    expect(report.accounting).toEqual({
      received: 41,
      completed: 24,
      dropped: 8,
      failed: 9,
      lost: 0,
      inFlight: 0,
      held: 0,
      droppedBy: { filtered: 8 },
    });
    expect(seen.checks).toBeGreaterThanOrEqual(41);
    expect(seen.broken).toEqual([]);
    const metrics = host.getMetrics();
    expect(metrics.operations['work.handle']).toMatchObject({ errors: 8, dropped: 8 });
    expect(metrics.operations['in.handle']).toMatchObject({ errors: 1, errorTypes: { SyntaxError: 1 } });
    expect(metrics.latency.count).toBe(24);
    expect(metrics.steps.map((s) => s.id)).toEqual(['in', 'work', 'out']);
    expect(metrics.state).toBe('stopped');
  });

  it('tells a source that asks each outcome once, after its dead letter is written', async () => {
    const messages = [{ n: 1 }, { n: 2, drop: true }, { n: 3, fail: true }];
    const { host, dir } = await hostFor([listSource(messages, { settles: true }), behave('work'), sink], {
      deadLetter: { path: 'dead.ndjson' },
    });
    await host.start();
    await done(host, 3);
    await host.stop();
    const told = domainOf(host, 'in').outcomes as Array<[{ n: number }, string]>;
    expect(told.map(([m, outcome]) => [m.n, outcome]).sort()).toEqual([
      [1, 'completed'],
      [2, 'dropped'],
      [3, 'failed'],
    ]);
    expect(await readFile(path.join(dir, 'dead.ndjson'), 'utf8')).toContain('"n":3');
  });

  it('is not ready while a source says it cannot take messages in, and sums what sources took in again', async () => {
    const plain = await hostFor([listSource([]), sink], { deadLetter: false });
    await plain.host.start();
    expect(plain.host.getMetrics().redelivered).toBeUndefined();
    // Each source step says whether it takes messages in; one that cannot tell has no redelivered.
    expect(plain.host.getMetrics().steps.map((s) => [s.id, s.ready, 'redelivered' in s])).toEqual([
      ['in', true, false],
      ['out', undefined, false],
    ]);
    await plain.host.stop();
    expect(plain.host.getMetrics().steps[0]!.ready).toBe(false);

    const { host } = await hostFor([listSource([], { broker: true }), sink], { deadLetter: false });
    await host.start();
    const source = domainOf(host, 'in');
    expect(host.ready).toBe(true);
    source.connected = false;
    expect(host.ready).toBe(false);
    expect(host.getMetrics().steps[0]).toMatchObject({ id: 'in', ready: false });
    source.connected = true;
    expect(host.ready).toBe(true);
    source.redeliveries = 7;
    expect(host.getMetrics().redelivered).toBe(7);
    expect(host.getMetrics().steps[0]).toMatchObject({ id: 'in', ready: true, redelivered: 7 });
    await host.stop();
    expect(host.ready).toBe(false);
  });

  it('never lets a slow step hold more than maxInFlight messages; the source waits on intake', async () => {
    const messages = Array.from({ length: 200 }, (_, n) => ({ n, delayMs: 1 }));
    const { host } = await hostFor([listSource(messages), behave('slow'), sink], {
      runtime: { maxInFlight: 8 },
      deadLetter: false,
    });
    const seen = watchIdentity(host, 8);
    await host.start();
    await done(host, 200);
    await host.stop();
    expect(domainOf(host, 'slow').maxActive).toBe(8);
    expect(domainOf(host, 'in').waits).toBeGreaterThan(0);
    expect(host.getMetrics().accounting.completed).toBe(200);
    expect(seen.broken).toEqual([]);
  });

  it('drains in-flight messages on stop, then shuts steps down in pipeline order', async () => {
    const messages = Array.from({ length: 20 }, (_, n) => ({ n }));
    const { host } = await hostFor([listSource(messages), behave('a', { hold: true }), behave('b'), sink]);
    await host.start();
    expect(host.ready).toBe(true);
    expect(domainOf(host, 'b').initializedAt).toBeLessThan(domainOf(host, 'a').initializedAt);
    await expect.poll(() => host.getMetrics().accounting.received).toBe(20);
    expect(host.getMetrics().accounting.inFlight).toBe(20);
    const stopping = host.stop();
    expect(host.ready).toBe(false);
    expect(domainOf(host, 'a').ctx.signal.aborted).toBe(true);
    domainOf(host, 'a').release();
    const report = await stopping;
    expect(report).toMatchObject({ drained: true, inFlightLeft: 0, errors: [] });
    expect(report.accounting.completed).toBe(20);
    expect(domainOf(host, 'a').shutdownAt).toBeLessThan(domainOf(host, 'b').shutdownAt);
    expect(await host.stop()).toBe(report);
  });

  it('dead-letters what is still in flight when the stop runs out of time, and says so', async () => {
    const { host, dir } = await hostFor(
      [listSource([{ n: 1 }, { n: 2 }]), behave('a', { hold: true }), sink],
      { runtime: { shutdownTimeoutMs: 100 }, deadLetter: { path: 'dead.ndjson' } },
    );
    await host.start();
    await expect.poll(() => host.getMetrics().accounting.received).toBe(2);
    const report = await host.stop();
    expect(report).toMatchObject({ drained: false, inFlightLeft: 2 });
    expect(report.accounting).toEqual({
      received: 2,
      completed: 0,
      dropped: 0,
      failed: 2,
      lost: 0,
      inFlight: 0,
      held: 0,
      droppedBy: { filtered: 0 },
    });
    expect(report.errors.map((e) => e.code)).toEqual(['TAPLINE_ERR_DRAIN_TIMEOUT']);
    const letters = (await readFile(path.join(dir, 'dead.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(letters.map((l) => [l.errorType, l.payload])).toEqual([
      ['ShutdownTimeout', { n: 1 }],
      ['ShutdownTimeout', { n: 2 }],
    ]);
    expect(letters[0]!.message).toMatch(/shutdown timeout/);
    domainOf(host, 'a').release(); // finishing late changes no outcome
    expect(host.getMetrics().accounting).toEqual(report.accounting);
  });

  it('writes each failed message to the dead-letter file with its step, error and original payload', async () => {
    const { host, dir } = await hostFor(
      [listSource([{ n: 1 }, { n: 2, fail: true }, 'not json{', { n: 4 }]), behave('work'), sink],
      { deadLetter: { path: 'out/dead.ndjson' } },
    );
    await host.start();
    await done(host, 4);
    await host.stop();
    const lines = (await readFile(path.join(dir, 'out', 'dead.ndjson'), 'utf8')).trim().split('\n');
    const letters = lines.map((l) => JSON.parse(l));
    expect(letters).toHaveLength(2);
    const byStep = Object.fromEntries(letters.map((l) => [l.step, l]));
    expect(byStep.work).toMatchObject({
      step: 'work',
      source: 'in',
      errorType: 'Error',
      message: 'refused record 2',
      payload: { n: 2, fail: true },
    });
    expect(byStep.in).toMatchObject({ step: 'in', errorType: 'SyntaxError' });
    expect(Buffer.from(byStep.in.payloadBase64, 'base64').toString()).toBe('not json{');
    expect(new Date(byStep.work.time).toISOString()).toBe(byStep.work.time);
  });

  it('gives each step its context: step id, configDir, the shared registry, a signal, late dead letters, and nothing else', async () => {
    const { host, dir } = await hostFor([listSource([]), behave('a'), sink], { deadLetter: false });
    const ctx = domainOf(host, 'a').ctx;
    expect(ctx).toMatchObject({ id: 'a', plugin: 'test:behave', configDir: dir });
    expect(ctx.registry).toBe(host.registry);
    expect(Object.keys(ctx).sort()).toEqual([
      'configDir',
      'id',
      'lateDeadLetter',
      'logger',
      'plugin',
      'registry',
      'signal',
    ]);
    expect(ctx.signal.aborted).toBe(false);
    await host.stop();
    expect(ctx.signal.aborted).toBe(true);
  });
});

describe('host lifecycle errors', () => {
  it('wraps a failed initialize and shuts down the steps already initialized', async () => {
    const { host } = await hostFor(
      [listSource([]), behave('a'), behave('b', { failIn: 'initialize' }), behave('c'), sink],
      { deadLetter: false },
    );
    const err = await caught(() => host.start());
    expect(err).toMatchObject({
      name: 'PluginError',
      code: 'TAPLINE_ERR_PLUGIN_FAILED',
      causeCode: 'EBUSY',
      step: 'b',
      plugin: 'test:behave',
      phase: 'initialize',
    });
    expect(domainOf(host, 'c').shutdowns).toBe(1);
    expect(domainOf(host, 'a').initialized).toBe(0);
    expect(host.state).toBe('stopped');
    expect((await host.stop()).errors).toEqual([]);
  });

  it('wraps a failed source start and shuts every step down', async () => {
    const { host } = await hostFor([listSource([], { failStart: true }), behave('a'), sink], {
      deadLetter: false,
    });
    const err = await caught(() => host.start());
    expect(err).toMatchObject({ step: 'in', phase: 'start', code: 'TAPLINE_ERR_PLUGIN_FAILED' });
    expect(domainOf(host, 'a').shutdowns).toBe(1);
    expect(host.ready).toBe(false);
  });

  it('reports a step that cannot shut down, and still shuts the others down', async () => {
    const { host } = await hostFor([listSource([]), behave('a', { failIn: 'shutdown' }), behave('b'), sink], {
      deadLetter: false,
    });
    await host.start();
    const report = await host.stop();
    expect(report.errors).toEqual([expect.objectContaining({ step: 'a', phase: 'shutdown' })]);
    expect(domainOf(host, 'b').shutdowns).toBe(1);
  });

  it('starts once, and stops safely before start', async () => {
    const { host } = await hostFor([listSource([]), sink], { deadLetter: false });
    const first = host.stop();
    expect(await host.stop()).toBe(await first);
    expect((await caught(() => host.start())).code).toBe('TAPLINE_ERR_HOST_STATE');
  });
});
