import { afterAll, describe, expect, it } from 'vitest';
import { controlOf, type Host } from '../src/runtime/host.js';
import type { HostStep } from '../src/runtime/host-types.js';
import { removeTempDirs } from './helpers.js';
import { behave, domainOf, hostFor, listSource, sink } from './run-helpers.js';

afterAll(removeTempDirs);

/** A running host whose `hold` step keeps each record until released; fed by `host.replay`. */
async function holding(source = listSource([])): Promise<Host> {
  const { host } = await hostFor([source, behave('hold', { hold: true }), behave('a'), sink], {
    deadLetter: false,
  });
  await host.start();
  return host;
}

const entry = (step: string, n: number) => ({
  step,
  value: { n },
  raw: Buffer.from(JSON.stringify({ n })),
});

/**
 * Holds record 1 at `hold`, then swaps in a2 (a new instance of `a`, tagging `a2`) for the
 * messages taken in from now on. Returns the steps before the swap, a2, the swap's undo and
 * record 1's outcome.
 */
async function holdThenSwap(host: Host) {
  const control = controlOf(host);
  const [source, hold, a, out] = host.steps as [HostStep, HostStep, HostStep, HostStep];
  const a2 = await control.createStep({ ...a.planned, options: { tag: 'a2', hold: false } }, host.config.dir);
  const first = host.replay([entry('hold', 1)]);
  await expect.poll(() => domainOf(host, 'hold').held.length).toBe(1);
  const undo = control.swapSteps([source, hold, a2, out], [a2], control.nextMessageId());
  return { before: [source, hold, a, out] as const, a, a2, undo, first };
}

const stepOf = (host: Host, id: string) => host.steps.find((s) => s.id === id)!;
const trails = (host: Host) => domainOf(host, 'out').records.map((r: any) => [r.n, r.trail]);

describe("a host's state", () => {
  it('is not reachable from outside: no parts, only the named operations', async () => {
    const host = await holding();
    expect('parts' in host).toBe(false);
    expect(Object.keys(host)).not.toContain('parts');
    expect(Object.keys(controlOf(host)).sort()).toEqual([
      'connectSource',
      'createStep',
      'deadLetterFile',
      'forgetRoutes',
      'logger',
      'nextMessageId',
      'observe',
      'oldestOpenId',
      'openMessage',
      'queueReloads',
      'recordReload',
      'swapSteps',
    ]);
    await host.stop();
  });
});

describe("a host's named operations", () => {
  it('nextMessageId: at most the next id taken in, at least every id before it, making no message', async () => {
    const host = await holding();
    const control = controlOf(host);
    const before = control.nextMessageId();
    expect(control.nextMessageId()).toBe(before);
    expect(control.oldestOpenId()).toBeUndefined();
    const done = host.replay([entry('hold', 1)]);
    await expect.poll(() => domainOf(host, 'hold').held.length).toBe(1);
    const id = control.oldestOpenId()!;
    expect(id).toBeGreaterThanOrEqual(before);
    expect(control.nextMessageId()).toBeGreaterThan(id);
    domainOf(host, 'hold').release();
    expect(await done).toEqual(['completed']);
    expect(control.oldestOpenId()).toBeUndefined();
    await host.stop();
  });

  it('queueReloads and recordReload: what /api/metrics says of reloads', async () => {
    const host = await holding();
    const control = controlOf(host);
    control.queueReloads(2);
    control.recordReload('failure', 5, { message: 'bad file', code: 'TAPLINE_ERR_CONFIG_INVALID' });
    expect(host.getMetrics().reloads).toMatchObject({
      success: 0,
      failure: 1,
      queued: 2,
      last: { result: 'failure', durationMs: 5, error: 'bad file', code: 'TAPLINE_ERR_CONFIG_INVALID' },
    });
    control.queueReloads(0);
    control.recordReload('success', 7);
    expect(host.getMetrics().reloads).toMatchObject({
      success: 1,
      failure: 1,
      queued: 0,
      last: { result: 'success' },
    });
    await host.stop();
  });

  it('createStep: a kept step keeps its domain; another is created for the step, not initialized', async () => {
    const host = await holding();
    const control = controlOf(host);
    const a = stepOf(host, 'a');
    const kept = await control.createStep(a.planned, host.config.dir, a);
    expect(kept.domain).toBe(a.domain);
    const fresh = await control.createStep(a.planned, host.config.dir);
    expect(fresh.domain).not.toBe(a.domain);
    expect(fresh).toMatchObject({ id: 'a', plugin: 'test:behave', kind: 'domain' });
    expect((fresh.domain as any).initialized).toBe(0);
    await host.stop();
  });

  it('swapSteps: messages taken in from `since` on take the new chain, older ones finish on theirs; undo puts the old chain back', async () => {
    const host = await holding();
    const { before, a2, undo, first } = await holdThenSwap(host);
    const [source, hold, a, out] = before;
    expect(host.steps.map((s) => s.domain)).toEqual([source, hold, a2, out].map((s) => s.domain));
    const done = [first, host.replay([entry('hold', 2)])];
    await expect.poll(() => domainOf(host, 'hold').held.length).toBe(2);
    domainOf(host, 'hold').release();
    await Promise.all(done);
    expect(trails(host).sort()).toEqual([
      [1, ['hold', 'a']],
      [2, ['hold', 'a2']],
    ]);
    undo();
    expect(host.steps.map((s) => s.domain)).toEqual([source, hold, a, out].map((s) => s.domain));
    await host.replay([entry('hold', 3)]);
    expect(trails(host).at(-1)).toEqual([3, ['hold', 'a']]);
    await host.stop();
  });

  it("forgetRoutes: the older chains' routes are gone, so what is left takes the running chain", async () => {
    const host = await holding();
    const { a, first: done } = await holdThenSwap(host);
    controlOf(host).forgetRoutes([a]);
    domainOf(host, 'hold').release();
    await done;
    expect(trails(host)).toEqual([[1, ['hold', 'a2']]]);
    await host.stop();
  });

  it('connectSource: with `since`, the source before is told the outcomes of what it took in until unrouted', async () => {
    const host = await holding(listSource([], { settles: true }));
    const control = controlOf(host);
    const old = domainOf(host, 'in');
    const done = [host.replay([entry('hold', 1)])];
    await expect.poll(() => domainOf(host, 'hold').held.length).toBe(1);
    const fresh = (await control.createStep(stepOf(host, 'in').planned, host.config.dir)).domain as any;
    const unroute = control.connectSource(fresh, control.nextMessageId());
    expect(fresh.intake).toBe(old.intake);
    done.push(host.replay([entry('hold', 2)]));
    await expect.poll(() => domainOf(host, 'hold').held.length).toBe(2);
    domainOf(host, 'hold').release();
    await Promise.all(done);
    expect(old.outcomes).toEqual([[{ n: 1 }, 'completed']]);
    expect(fresh.outcomes).toEqual([[{ n: 2 }, 'completed']]);
    unroute();
    await host.replay([entry('out', 3)]);
    expect(old.outcomes).toHaveLength(1);
    expect(fresh.outcomes.at(-1)).toEqual([{ n: 3 }, 'completed']);
    await host.stop();
  });
});
