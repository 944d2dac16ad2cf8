import {
  BaseDomain,
  DROP,
  ValidationError,
  createMessageContext,
  prometheus,
  type MessageContext,
  type PluginContext,
} from '@tapline/core';
import { describe, expect, it } from 'vitest';
import { createTestContext, eventually, recordDomain, runDomain } from '../src/index.js';

/** Doubles numbers, drops zero, throws a coded error on negatives; async for odd numbers. */
class Doubler extends BaseDomain<number, number> {
  constructor(ctx?: PluginContext) {
    super(ctx);
  }
  execute(n: number, message: MessageContext) {
    if (n < 0) throw new ValidationError(`negative: ${n}`);
    if (n === 0) return DROP;
    message.attributes = { ...message.attributes, seen: true };
    return n % 2 === 1 ? new Promise<number>((r) => setTimeout(() => r(n * 2), 5)) : n * 2;
  }
}

describe('createTestContext', () => {
  it('gives a full plugin context with a fresh registry, monitor and signal each time', () => {
    const a = createTestContext();
    const b = createTestContext({ id: 'dedupe', configDir: '/tmp' });
    expect(a.id).not.toBe(b.id);
    expect(b.id).toBe('dedupe');
    expect(b.configDir).toBe('/tmp');
    expect(a.registry).toBeInstanceOf(prometheus.Registry);
    expect(a.registry).not.toBe(b.registry);
    expect(a.signal.aborted).toBe(false);
    a.abort();
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.aborted).toBe(false);
  });

  it('captures log lines with the step bound when asked to', () => {
    const ctx = createTestContext({ id: 'x', captureLogs: true });
    ctx.logger.warn({ key: 1 }, 'careful');
    ctx.logger.child({ part: 'y' }).info('hello');
    expect(ctx.logs).toEqual([
      { level: 'warn', msg: 'careful', fields: { step: 'x', key: 1 } },
      { level: 'info', msg: 'hello', fields: { step: 'x', part: 'y' } },
    ]);
    const silent = createTestContext();
    silent.logger.error('dropped on the floor');
    expect(silent.logs).toEqual([]);
  });
});

describe('runDomain', () => {
  it('collects outputs, drops and coded errors, one outcome per input in input order', async () => {
    const ctx = createTestContext({ id: 'double' });
    const run = await runDomain(new Doubler(ctx), [2, 0, 3, -1, 4]);
    expect(run.outputs).toEqual([4, 6, 8]);
    expect(run.results.map((r) => r.outcome)).toEqual([
      'forwarded',
      'dropped',
      'forwarded',
      'failed',
      'forwarded',
    ]);
    expect(run.events.success).toHaveLength(4);
    expect(run.events.dropped).toHaveLength(1);
    expect(run.events.error).toHaveLength(1);
    const failed = run.results[3]!;
    expect(failed.outcome === 'failed' && failed.error).toMatchObject({
      domain: 'double',
      errorType: 'TAPLINE_ERR_VALIDATION',
      messageId: failed.message.id,
    });
    expect(run.results[2]!.message.attributes).toEqual({ seen: true });
  });

  it('runs inputs in parallel and with given contexts', async () => {
    const domain = new Doubler();
    const contexts = [1, 3, 5].map(() => createMessageContext('zmq', undefined, { topic: 't' }));
    const run = await runDomain(domain, [1, 3, 5], { contexts, parallel: true });
    expect(run.results.map((r) => r.message)).toEqual(contexts);
    expect([...run.outputs].sort()).toEqual([10, 2, 6]);
  });

  it('reports each event once when a domain is run several times', async () => {
    const domain = new Doubler();
    await runDomain(domain, [2]);
    const second = await runDomain(domain, [4, 0]);
    expect(second.outputs).toEqual([8]);
    expect(second.events.success).toHaveLength(2);
  });
});

describe('recordDomain', () => {
  it('waits for messages that arrive on their own, and refuses a second recording at once', async () => {
    const domain = new Doubler();
    const recording = recordDomain(domain);
    expect(() => recordDomain(domain)).toThrow(/already being recorded/);
    setTimeout(() => void domain.handle(1, createMessageContext('later')), 1);
    await recording.waitForSettled(1);
    expect(recording.outputs).toEqual([2]);
    await expect(recording.waitForSettled(2, 20)).rejects.toThrow(/1 of 2/);
    recording.close();
    expect(recordDomain(domain).outputs).toEqual([]);
  });

  it('lists the contexts of the messages that ended each way, in the order they ended', async () => {
    const domain = new Doubler();
    const recording = recordDomain(domain);
    const [two, zero, minus, four] = ['two', 'zero', 'minus', 'four'].map((s) => createMessageContext(s));
    await domain.handle(2, two!);
    await domain.handle(0, zero!);
    await domain.handle(-1, minus!);
    await domain.handle(4, four!);
    expect(recording.messages('forwarded')).toEqual([two, four]);
    expect(recording.messages('dropped')).toEqual([zero]);
    expect(recording.messages('failed')).toEqual([minus]);
    expect(recording.outputs).toEqual([4, 8]);
  });
});

describe('eventually', () => {
  it('resolves to the first value that is not undefined or false, and names what timed out', async () => {
    let calls = 0;
    expect(await eventually(() => (++calls === 3 ? { calls } : undefined), { intervalMs: 1 })).toEqual({
      calls: 3,
    });
    let ready = false;
    setImmediate(() => (ready = true));
    expect(await eventually(() => ready, { intervalMs: 1 })).toBe(true);
    await expect(eventually(() => false, { timeoutMs: 20, what: 'a miracle' })).rejects.toThrow(
      'Timed out after 20 ms waiting for a miracle',
    );
  });

  it('fails at once when the check throws', async () => {
    let calls = 0;
    const failing = eventually(() => {
      calls++;
      throw new Error('broken check');
    });
    await expect(failing).rejects.toThrow('broken check');
    expect(calls).toBe(1);
  });
});
