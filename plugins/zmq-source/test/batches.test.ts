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
