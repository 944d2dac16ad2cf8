import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { closeOpened, pusher, source } from './helpers.js';

afterEach(closeOpened);

describe('zmq-source batches', () => {
  it('takes what the socket has queued in batches of at most batchMax, every message once and in order', async () => {
    const d = source({ receiveHighWaterMark: 2000 });
    const sizes: number[] = [];
    const seen: number[] = [];
    d.handOn = (outputs) => {
      sizes.push(outputs.length);
      for (const o of outputs) seen.push((o as { i: number }).i);
    };
    await d.initialize();
    const p = pusher(d.endpoint!);
    const count = 1000;
    for (let i = 0; i < count; i++) await p.send(JSON.stringify({ i }));
    await sleep(200); // lets ZeroMQ move them into the source's queue before it reads
    await d.start();
    await d.stop();
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(256);
    expect(sizes.length).toBeLessThan(count / 4);
  });

  it('lets batches grow only while messages keep coming: one message after the queue ran empty, then twice as many each time', async () => {
    const d = source({ receiveHighWaterMark: 2000 });
    const sizes: number[] = [];
    let seen = 0;
    let wanted = 0;
    let reached = () => {};
    d.handOn = (outputs) => {
      sizes.push(outputs.length);
      seen += outputs.length;
      if (seen >= wanted) reached();
    };
    const until = (n: number): Promise<void> => {
      wanted = n;
      return seen >= n ? Promise.resolve() : new Promise((resolve) => (reached = resolve));
    };
    await d.initialize();
    const p = pusher(d.endpoint!);
    for (let i = 0; i < 1000; i++) await p.send(JSON.stringify({ i }));
    await sleep(200); // lets ZeroMQ move them into the source's queue before it reads
    await d.start();
    await until(1000);
    // All 1,000 were queued as the source began: its first batches double, from one.
    expect(sizes.slice(0, 9)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 1]); // the 256th: its yield
    expect(Math.max(...sizes)).toBe(256);
    // The queue ran empty: the next message goes on alone, whatever follows it.
    const before = sizes.length;
    for (let i = 0; i < 50; i++) await p.send(JSON.stringify({ i }));
    await until(1050);
    expect(sizes[before]).toBe(1);
  });

  it('hands a lone message on at once, a batch of one, without waiting for more', async () => {
    const d = source();
    const sizes: number[] = [];
    let handed!: () => void;
    const first = new Promise<void>((resolve) => (handed = resolve));
    d.handOn = (outputs) => {
      sizes.push(outputs.length);
      handed();
    };
    await d.start();
    await pusher(d.endpoint!).send('{"lone":true}');
    await first;
    expect(sizes).toEqual([1]);
  });
});
