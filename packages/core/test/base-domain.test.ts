import { afterEach, describe, expect, it, vi } from 'vitest';
import { DROP, type ErrorEvent, type SuccessEvent } from '../src/index.js';
import { Monitor } from '../src/internal.js';
import { FnDomain, context } from './helpers.js';

function record(domain: FnDomain<any, any>) {
  const seen: string[] = [];
  const successes: SuccessEvent[] = [];
  const errors: ErrorEvent[] = [];
  const drops: SuccessEvent[] = [];
  domain.onHandled((out) => void seen.push(`handled:${JSON.stringify(out)}`));
  domain.onSuccess((e) => {
    seen.push('success');
    successes.push(e);
  });
  domain.onError((e) => {
    seen.push('error');
    errors.push(e);
  });
  domain.onDropped((e) => {
    seen.push('dropped');
    drops.push(e);
  });
  return { seen, successes, errors, drops };
}

describe('BaseDomain.handle', () => {
  const unhandled = vi.fn();
  process.on('unhandledRejection', unhandled);
  afterEach(() => expect(unhandled).not.toHaveBeenCalled());

  it('runs execute, then forwards through handled, then reports one success', async () => {
    const order: string[] = [];
    const d = new FnDomain<number, number>('double', (x) => {
      order.push('execute');
      return x * 2;
    });
    const r = record(d);
    const m = context();
    await d.handle(21, m);
    expect(order).toEqual(['execute']);
    expect(r.seen).toEqual(['handled:42', 'success']);
    expect(r.successes).toHaveLength(1);
    expect(r.successes[0]).toMatchObject({ domain: 'double', operation: 'handle', messageId: m.id });
    expect(r.errors).toHaveLength(0);
  });

  it('awaits an async execute before forwarding', async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const d = new FnDomain<string, string>('async', async (s) => {
      await gate;
      return s.toUpperCase();
    });
    const r = record(d);
    const pending = d.handle('a', context());
    expect(pending).toBeInstanceOf(Promise);
    await Promise.resolve();
    expect(r.seen).toEqual([]);
    openGate();
    await pending;
    expect(r.seen).toEqual(['handled:"A"', 'success']);
  });

  it("times execute only: a slow downstream step is not in the upstream's duration", async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const up = new FnDomain<number, number>('up', async (x) => x);
    const down = new FnDomain<number, number>('down', async (x) => {
      await gate; // held until the upstream step has reported
      return x;
    });
    up.onHandled((x, m) => down.handle(x, m));
    const upEvents = record(up).successes;
    const downEvents = record(down).successes;
    const done = new Promise<void>((resolve) => down.onSuccess(() => resolve()));
    await up.handle(1, context());
    // The upstream step reported while the downstream one was still running.
    expect(upEvents).toHaveLength(1);
    expect(downEvents).toHaveLength(0);
    openGate();
    await done;
    expect(downEvents).toHaveLength(1);
  });

  it('reports one error event with errorType and message when execute throws, and forwards nothing', async () => {
    class BadInput extends Error {
      override name = 'BadInput';
    }
    const d = new FnDomain<number, number>('thrower', () => {
      throw new BadInput('no good');
    });
    const r = record(d);
    await d.handle(1, context());
    expect(r.seen).toEqual(['error']);
    expect(r.errors[0]).toMatchObject({
      domain: 'thrower',
      operation: 'handle',
      errorType: 'BadInput',
      message: 'no good',
    });
    expect(r.errors[0]!.cause).toBeInstanceOf(BadInput);
  });

  it('reports a rejected execute the same way, with the error code as errorType', async () => {
    const d = new FnDomain<number, number>('rejecter', async () => {
      throw Object.assign(new Error('decode failed'), { code: 'TAPLINE_ERR_DECODE' });
    });
    const r = record(d);
    await expect(d.handle(1, context())).resolves.toBeUndefined();
    expect(r.seen).toEqual(['error']);
    expect(r.errors[0]!.errorType).toBe('TAPLINE_ERR_DECODE');
  });

  it('lets a downstream error be reported by the downstream domain only', async () => {
    const monitor = new Monitor();
    const up = new FnDomain<number, number>('up', (x) => x + 1);
    const down = new FnDomain<number, number>('down', async () => {
      throw new TypeError('downstream broke');
    });
    up.onHandled((x, m) => down.handle(x, m));
    monitor.attach(up).attach(down);
    const downErrors = record(down).errors;
    const upEvents = record(up);
    const downFailed = new Promise<void>((resolve) => down.onError(() => resolve()));
    await up.handle(1, context());
    await downFailed;
    expect(upEvents.errors).toHaveLength(0);
    expect(upEvents.successes).toHaveLength(1);
    expect(downErrors).toHaveLength(1);
    const ops = monitor.getMetrics().operations;
    expect(ops['up.handle']).toMatchObject({ success: 1, errors: 0 });
    expect(ops['down.handle']).toMatchObject({ success: 0, errors: 1, errorTypes: { TypeError: 1 } });
  });

  it('DROP forwards nothing and reports a drop, not a failure', async () => {
    const d = new FnDomain<number, number>('filter', (x) => (x > 1 ? x : DROP));
    const r = record(d);
    await d.handle(1, context());
    expect(r.seen).toEqual(['dropped', 'success']);
    expect(r.errors).toHaveLength(0);
    await d.handle(2, context());
    expect(r.seen).toEqual(['dropped', 'success', 'handled:2', 'success']);
  });

  it('gives the result to every handled tap (fan-out)', async () => {
    const d = new FnDomain<number, number>('fan', (x) => x * 10);
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    d.onHandled((x) => a.push(x))
      .onHandled((x) => b.push(x))
      .onHandled((x) => c.push(x));
    await d.handle(1, context());
    await d.handle(2, context());
    expect([a, b, c]).toEqual([
      [10, 20],
      [10, 20],
      [10, 20],
    ]);
  });

  it('reports a throwing plain handled tap as a forward error of this step, not a success', async () => {
    const d = new FnDomain<number, number>('fwd', (x) => x);
    d.onHandled(() => {
      throw new Error('tap broke');
    });
    const r = record(d);
    await d.handle(1, context());
    expect(r.successes).toHaveLength(0);
    expect(r.errors[0]).toMatchObject({ operation: 'forward', message: 'tap broke' });
  });

  it('completes every message whose execute returned one shared promise, each once and in order', async () => {
    let settle!: (v: string) => void;
    const batch = new Promise<string>((resolve) => (settle = resolve));
    const d = new FnDomain<number, string>('batched', () => batch);
    const r = record(d);
    const [m1, m2, m3] = [context(), context(), context()];
    const done = [d.handle(1, m1), d.handle(2, m2), d.handle(3, m3)];
    expect(r.seen).toEqual([]);
    settle('ok');
    await Promise.all(done);
    expect(r.seen).toEqual(['handled:"ok"', 'success', 'handled:"ok"', 'success', 'handled:"ok"', 'success']);
    expect(r.successes.map((e) => e.messageId)).toEqual([m1.id, m2.id, m3.id]);
    // The same promise, returned again once it settled, still completes the new message.
    const m4 = context();
    await d.handle(4, m4);
    expect(r.successes.map((e) => e.messageId)).toEqual([m1.id, m2.id, m3.id, m4.id]);
  });

  it('completes the messages of an earlier shared promise once it settles, after a later promise took its place', async () => {
    const gates: ((v: string) => void)[] = [];
    const batches = [0, 1].map(() => new Promise<string>((resolve) => gates.push(resolve)));
    const d = new FnDomain<number, string>('batched', (x) => batches[x < 3 ? 0 : 1]!);
    const r = record(d);
    const [m1, m2, m3] = [context(), context(), context()];
    const first = d.handle(1, m1);
    const second = d.handle(2, m2);
    const third = d.handle(3, m3);
    gates[1]!('later');
    await third;
    expect(r.successes.map((e) => e.messageId)).toEqual([m3.id]);
    gates[0]!('earlier');
    await second;
    expect(r.successes.map((e) => e.messageId)).toEqual([m3.id, m1.id, m2.id]);
    await first;
    expect(r.seen.filter((s) => s.startsWith('handled'))).toEqual([
      'handled:"later"',
      'handled:"earlier"',
      'handled:"earlier"',
    ]);
  });

  it('fails every message whose execute returned one shared promise that rejected', async () => {
    let reject!: (err: Error) => void;
    const batch = new Promise<string>((_, no) => (reject = no));
    const d = new FnDomain<number, string>('batched', () => batch);
    const r = record(d);
    const [m1, m2] = [context(), context()];
    const done = [d.handle(1, m1), d.handle(2, m2)];
    reject(new Error('disk full'));
    await Promise.all(done);
    expect(r.seen).toEqual(['error', 'error']);
    expect(r.errors.map((e) => [e.messageId, e.message])).toEqual([
      [m1.id, 'disk full'],
      [m2.id, 'disk full'],
    ]);
  });

  it('keeps the hooks object frozen and the same for the life of the domain', () => {
    const d = new FnDomain('x', (v) => v);
    expect(Object.isFrozen(d.hooks)).toBe(true);
    expect(Object.keys(d.hooks)).toEqual(['handled', 'dropped', 'held', 'success', 'error']);
  });

  it('is safe to shut down before initialize and twice', async () => {
    const d = new FnDomain('x', (v) => v);
    await d.shutdown();
    await d.shutdown();
  });
});
