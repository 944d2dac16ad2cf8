import type { NatsConnection } from '@nats-io/transport-node';
import { connectIntake, eventually } from '@tapline/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NatsSourceDomain } from '../src/nats-source-domain.js';
import { HandIntake, NatsServer, client, makeSource } from './helpers.js';

const server = new NatsServer();
let source: NatsSourceDomain | undefined;
let nc: NatsConnection | undefined;

beforeEach(async () => {
  await server.start();
});

afterEach(async () => {
  await source?.shutdown().catch(() => {});
  source = undefined;
  await nc?.close().catch(() => {});
  nc = undefined;
  await server.cleanup();
});

/** The host's intake as it gives room for batches: up to `batchMax` at a time. */
class BatchIntake extends HandIntake {
  constructor(readonly batchMax: number) {
    super();
  }

  get room(): number {
    return this.limit - this.open;
  }
}

const COUNT = 300;
const BATCH_MAX = 32;

describe('nats source batches', { timeout: 30_000 }, () => {
  it('hands on what the client received since the chain last ran as one batch, and acks each record only once it settles', async () => {
    const made = await makeSource({
      servers: [server.url],
      stream: 'EVENTS',
      subjects: ['events.>'],
      create: true,
      batch: 64,
    });
    source = made.source;
    const intake = new BatchIntake(BATCH_MAX);
    connectIntake(source, intake);
    const sizes: number[] = [];
    const seqs: number[] = [];
    source.handOn = (outputs) => {
      sizes.push(outputs.length);
      for (const o of outputs) seqs.push((o as { seq: number }).seq);
    };
    await source.initialize(); // creates the stream
    const c = await client(server.url);
    nc = c.nc;
    await Promise.all(
      Array.from({ length: COUNT }, (_, seq) => c.js.publish('events.a', JSON.stringify({ seq }))),
    );
    await source.start();

    await eventually(() => (seqs.length === COUNT ? true : undefined), { what: 'every record handed on' });
    expect(seqs).toEqual(Array.from({ length: COUNT }, (_, seq) => seq));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(BATCH_MAX);
    expect(sizes.length).toBeLessThan(COUNT / 4);

    const ackPending = async () => (await c.jsm.consumers.info('EVENTS', 'tapline')).num_ack_pending;
    expect(await ackPending()).toBe(COUNT);
    for (const m of intake.taken.slice(0, 100)) intake.settle(source, m, 'completed');
    await eventually(async () => ((await ackPending()) === COUNT - 100 ? true : undefined), {
      what: 'the acks of the settled records only',
    });

    // A record whose outcome is lost is not acked: it comes back, in a batch of its own.
    intake.settle(source, intake.taken[100]!, 'lost');
    await eventually(() => (seqs.length === COUNT + 1 ? true : undefined), { what: 'the redelivery' });
    expect(seqs[COUNT]).toBe(100);
    expect(source.redelivered).toBe(1);
    for (const m of intake.taken.slice(101)) intake.settle(source, m, 'completed');
    await eventually(async () => ((await ackPending()) === 0 ? true : undefined), { what: 'every ack' });
  });
});
