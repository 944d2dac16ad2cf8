import type { NatsConnection } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '@tapline/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NatsSourceDomain } from '../src/nats-source-domain.js';
import { NatsServer, client, makeSource } from './helpers.js';

const server = new NatsServer();
const open: NatsSourceDomain[] = [];
const clients: NatsConnection[] = [];

beforeEach(async () => {
  await server.start();
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.shutdown().catch(() => {});
  for (const nc of clients.splice(0)) await nc.close().catch(() => {});
  await server.cleanup();
});

/** A source on a consumer it creates with the shortest ack wait there is, and a client to publish with. */
async function setUp() {
  const made = await makeSource({
    servers: [server.url],
    stream: 'EVENTS',
    subjects: ['events.>'],
    create: true,
    ackWaitMs: 1000,
    maxDeliveries: 2,
  });
  open.push(made.source);
  await made.source.initialize();
  await made.source.start();
  const c = await client(server.url);
  clients.push(c.nc);
  const consumer = async () => {
    const info = await c.jsm.consumers.info('EVENTS', 'tapline');
    return { ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
  };
  return { ...made, ...c, consumer };
}

/** Blocks this process's event loop, as a long synchronous step or a long GC pause would. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('nats source: messages in progress', { timeout: 30_000 }, () => {
  it('keeps a message it holds from being redelivered however long it stays unsettled', async () => {
    const { source, intake, recording, js, consumer } = await setUp();
    await js.publish('events.a', JSON.stringify({ seq: 1 }));
    await recording.waitForSettled(1, 10_000);

    // Three ack waits: without the in-progress reports the server would have delivered it again.
    await sleep(3_000);
    expect(await consumer()).toEqual({ ackPending: 1, redelivered: 0 });
    expect(intake.taken).toHaveLength(1);

    intake.settle(source, intake.taken[0]!, 'failed');
    await eventually(async () => (await consumer()).ackPending === 0, { what: 'the ack' });
    expect(recording.outputs).toEqual([{ seq: 1 }]);
    expect(source.redelivered).toBe(0);
  });

  it('takes in no redelivery of a message it still holds, and acks that message once', async () => {
    const { source, intake, recording, js, consumer, ctx } = await setUp();
    await js.publish('events.a', JSON.stringify({ seq: 1 }));
    await recording.waitForSettled(1, 10_000);

    // Nothing can be reported while the loop is blocked: the server delivers the message again.
    stall(2_500);
    await eventually(async () => (await consumer()).redelivered === 1, { what: 'the redelivery' });
    // The server sends it after the redelivery, on the same connection: once it is taken in,
    // the redelivery has been seen.
    await js.publish('events.a', JSON.stringify({ seq: 2 }));
    await recording.waitForSettled(2, 10_000);
    expect(recording.outputs).toEqual([{ seq: 1 }, { seq: 2 }]);
    expect(intake.taken).toHaveLength(2);
    expect(recording.events.error).toEqual([]);
    expect(source.redelivered).toBe(0);
    expect(ctx.logs.filter((l) => l.level === 'warn').map((l) => l.fields.seq)).toEqual([1]);

    intake.settle(source, intake.taken[0]!, 'failed');
    intake.settle(source, intake.taken[1]!, 'completed');
    await eventually(async () => (await consumer()).ackPending === 0, { what: 'both acks' });
    // Two more ack waits: an ack the server ignored would bring the first message back.
    await sleep(2_500);
    expect(intake.taken).toHaveLength(2);
    expect((await consumer()).ackPending).toBe(0);
  });
});
