import { describe, expect, it } from 'vitest';
import { BaseDomain, Monitor, createMessageContext } from '../src/index.js';
import { DurationWindow, percentile } from '../src/internal.js';

const ev = (domain: string, durationMs: number, messageId = 0) => ({
  domain,
  operation: 'handle',
  durationMs,
  messageId,
});

class Step extends BaseDomain {
  execute(input: unknown): unknown {
    return input;
  }
}

/** A domain attached to the monitor: the tests emit exact events on its monitoring channel. */
function attached(monitor: Monitor, id: string): Step {
  const domain = new Step({ id });
  monitor.attach(domain);
  return domain;
}

const message = createMessageContext('test');

describe('Monitor', () => {
  it('keeps at most N durations per key across a million events', () => {
    const monitor = new Monitor({ durationsWindow: 250 });
    const a = attached(monitor, 'a').hooks.success;
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000_000; i++) a.call(ev('a', i % 997, i), message);
    const grown = process.memoryUsage().heapUsed - before;
    const metrics = monitor.getMetrics().operations['a.handle']!;
    expect(metrics.success).toBe(1_000_000);
    expect(metrics.durations.count).toBe(250);
    // The window holds the latest 250 values: 999_750..999_999 mod 997.
    const latest = Array.from({ length: 250 }, (_, k) => (999_750 + k) % 997);
    expect(metrics.durations.max).toBe(Math.max(...latest));
    expect(metrics.durations.min).toBe(Math.min(...latest));
    expect(grown).toBeLessThan(16 * 1024 * 1024);
  });

  it('defaults to a window of 1000', () => {
    const monitor = new Monitor();
    const a = attached(monitor, 'a').hooks.success;
    for (let i = 0; i < 5000; i++) a.call(ev('a', i), message);
    expect(monitor.getMetrics().operations['a.handle']!.durations.count).toBe(1000);
    expect(monitor.getMetrics().durationsWindow).toBe(1000);
  });

  it('keeps the count and sum of every duration, beyond the window', () => {
    const monitor = new Monitor({ durationsWindow: 10 });
    const a = attached(monitor, 'a').hooks.success;
    for (let i = 1; i <= 100; i++) a.call(ev('a', i), message);
    const d = monitor.getMetrics().operations['a.handle']!.durations;
    expect([d.count, d.added, d.sumMs]).toEqual([10, 100, 5050]);
    expect(d.mean).toBe(95.5); // the window's: 91..100
  });

  it("keeps a domain's other operations apart from its handle", () => {
    const monitor = new Monitor({ durationsWindow: 10 });
    const a = attached(monitor, 'a').hooks.success;
    a.call(ev('a', 1), message);
    a.call({ ...ev('a', 7), operation: 'flush' }, message);
    a.call({ ...ev('a', 9), operation: 'flush' }, message);
    const ops = monitor.getMetrics().operations;
    expect(ops['a.handle']).toMatchObject({ success: 1, durations: { count: 1, sumMs: 1 } });
    expect(ops['a.flush']).toMatchObject({ domain: 'a', operation: 'flush', success: 2 });
    expect(ops['a.flush']!.durations).toMatchObject({ count: 2, min: 7, max: 9, sumMs: 16 });
  });

  it('computes p50/p95/p99 that match a sorted reference', () => {
    const monitor = new Monitor({ durationsWindow: 1000 });
    const p = attached(monitor, 'p').hooks.success;
    const values: number[] = [];
    let seed = 7;
    for (let i = 0; i < 1000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const v = (seed % 100000) / 100;
      values.push(v);
      p.call(ev('p', v), message);
    }
    const sorted = [...values].sort((x, y) => x - y);
    const rank = (p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1];
    const d = monitor.getMetrics().operations['p.handle']!.durations;
    expect(d.p50).toBe(rank(50));
    expect(d.p95).toBe(rank(95));
    expect(d.p99).toBe(rank(99));
    expect(d.min).toBe(sorted[0]);
    expect(d.max).toBe(sorted[999]);
    expect(d.mean).toBeCloseTo(values.reduce((s, v) => s + v, 0) / 1000, 9);
  });

  it('counts errors by type, per domain.operation', () => {
    const monitor = new Monitor();
    const a = attached(monitor, 'a').hooks;
    const b = attached(monitor, 'b').hooks;
    const err = (domain: string, errorType: string) => ({ ...ev(domain, 1), errorType, message: 'x' });
    a.error.call(err('a', 'TAPLINE_ERR_DECODE'), message);
    a.error.call(err('a', 'TAPLINE_ERR_DECODE'), message);
    a.error.call(err('a', 'TypeError'), message);
    b.error.call(err('b', 'TypeError'), message);
    b.dropped.call(ev('b', 1), message);
    const ops = monitor.getMetrics().operations;
    expect(ops['a.handle']).toMatchObject({ errors: 3, errorTypes: { TAPLINE_ERR_DECODE: 2, TypeError: 1 } });
    expect(ops['b.handle']).toMatchObject({ errors: 1, dropped: 1, errorTypes: { TypeError: 1 } });
  });

  it('returns plain JSON', () => {
    const monitor = new Monitor({ durationsWindow: 10 });
    const a = attached(monitor, 'a').hooks;
    a.success.call(ev('a', 1.5), message);
    a.error.call({ ...ev('a', 2), errorType: 'E', message: 'm' }, message);
    const metrics = monitor.getMetrics();
    expect(JSON.parse(JSON.stringify(metrics))).toEqual(metrics);
    expect(Object.getPrototypeOf(metrics.operations['a.handle'])).toBe(Object.prototype);
  });

  it('refuses a window size that is not a positive integer', () => {
    expect(() => new Monitor({ durationsWindow: 0 })).toThrow(RangeError);
    expect(() => new DurationWindow(1.5)).toThrow(RangeError);
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBe(0);
  });
});
