import { describe, expect, it, vi } from 'vitest';
import { BaseDomain, DROP, DecodeError, createMessageContext } from '../src/index.js';
import { DurationHistogram, DurationWindow, Monitor, percentile } from '../src/internal.js';
import { FnDomain } from './helpers.js';

class Step extends BaseDomain {
  execute(input: unknown): unknown {
    return input;
  }
}

/** A domain attached to the monitor: the tests feed its meter exact batches. */
function attached(monitor: Monitor, id: string): Step {
  const domain = new Step({ id });
  monitor.attach(domain);
  return domain;
}

const message = createMessageContext('test');

describe('Monitor', () => {
  it('keeps fixed memory across a million batches, its percentiles over the latest N to 2N records', () => {
    const monitor = new Monitor({ durationsWindow: 250 });
    const a = attached(monitor, 'a').meter!;
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000_000; i++) a.served(4, 4 * (1 + (i % 997)));
    const grown = process.memoryUsage().heapUsed - before;
    const metrics = monitor.getMetrics().operations['a.handle']!;
    expect(metrics.batches).toBe(1_000_000);
    expect(metrics.durations.added).toBe(4_000_000);
    expect(metrics.durations.count).toBeGreaterThanOrEqual(250);
    expect(metrics.durations.count).toBeLessThan(500);
    expect(grown).toBeLessThan(16 * 1024 * 1024);
  });

  it('defaults to a window of 1000', () => {
    const monitor = new Monitor();
    const a = attached(monitor, 'a').meter!;
    for (let i = 0; i < 5000; i++) a.served(1, i);
    expect(monitor.getMetrics().operations['a.handle']!.durations.count).toBe(1000);
    expect(monitor.getMetrics().durationsWindow).toBe(1000);
  });

  it("counts a batch's records and its duration once: a record's share is the duration over the size", () => {
    const monitor = new Monitor({ durationsWindow: 10 });
    const a = attached(monitor, 'a').meter!;
    for (let i = 1; i <= 100; i++) a.served(2, 2 * i);
    const d = monitor.getMetrics().operations['a.handle']!.durations;
    expect([d.added, d.sumMs]).toEqual([200, 10_100]);
    expect(d.count).toBe(10); // the window's 5 batches: 96..100
    expect(d.mean).toBe(98);
    expect([d.min, d.max]).toEqual([96, 100]);
  });

  it('reads percentiles from fixed buckets: at or above the true value, within 9%', () => {
    const monitor = new Monitor({ durationsWindow: 1000 });
    const p = attached(monitor, 'p').meter!;
    const values: number[] = [];
    let seed = 7;
    for (let i = 0; i < 1000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const v = (seed % 100000) / 100;
      values.push(v);
      p.served(1, v);
    }
    const sorted = [...values].sort((x, y) => x - y);
    const rank = (p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
    const d = monitor.getMetrics().operations['p.handle']!.durations;
    for (const [got, want] of [
      [d.p50, rank(50)],
      [d.p95, rank(95)],
      [d.p99, rank(99)],
    ] as const) {
      expect(got).toBeGreaterThanOrEqual(want);
      expect(got).toBeLessThanOrEqual(want * 1.09);
    }
    expect(d.min).toBe(sorted[0]);
    expect(d.max).toBe(sorted[999]);
    expect(d.mean).toBeCloseTo(values.reduce((s, v) => s + v, 0) / 1000, 9);
  });

  it('counts a batch through the template exactly, with one clock read and no event object', () => {
    const monitor = new Monitor();
    const step = attached(monitor, 's');
    const inputs = Array.from({ length: 256 }, (_, i) => i);
    const messages = inputs.map(() => createMessageContext('test'));
    const now = vi.spyOn(performance, 'now');
    try {
      void step.handleBatch(inputs, messages, 0);
      expect(now).toHaveBeenCalledTimes(1);
    } finally {
      now.mockRestore();
    }
    expect(step.hooks.success.taps).toHaveLength(0);
    const s = monitor.getMetrics().operations['s.handle']!;
    expect(s).toMatchObject({ handled: 256, success: 256, batches: 1, errors: 0 });
    expect(s.durations.added).toBe(256);
  });

  it('counts errors by type, per domain.operation', () => {
    const monitor = new Monitor();
    const failWith = (e: Error) => () => {
      throw e;
    };
    const a = [
      failWith(new DecodeError('x')),
      failWith(new DecodeError('y')),
      failWith(new TypeError('z')),
    ].map((f) => new FnDomain('a', f));
    const b = [failWith(new TypeError('z')), () => DROP].map((f) => new FnDomain('b', f));
    for (const d of [...a, ...b]) {
      monitor.attach(d);
      void d.handle(1, message);
    }
    const ops = monitor.getMetrics().operations;
    expect(ops['a.handle']).toMatchObject({ errors: 3, errorTypes: { TAPLINE_ERR_DECODE: 2, TypeError: 1 } });
    expect(ops['b.handle']).toMatchObject({ errors: 1, dropped: 1, errorTypes: { TypeError: 1 } });
  });

  it('returns plain JSON', () => {
    const monitor = new Monitor({ durationsWindow: 10 });
    const a = attached(monitor, 'a');
    void a.handle(1, message);
    a.meter!.failed('E');
    const metrics = monitor.getMetrics();
    expect(JSON.parse(JSON.stringify(metrics))).toEqual(metrics);
    expect(Object.getPrototypeOf(metrics.operations['a.handle'])).toBe(Object.prototype);
  });

  it('refuses a window size that is not a positive integer', () => {
    expect(() => new Monitor({ durationsWindow: 0 })).toThrow(RangeError);
    expect(() => new DurationWindow(1.5)).toThrow(RangeError);
    expect(() => new DurationHistogram(1.5)).toThrow(RangeError);
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBe(0);
  });
});
