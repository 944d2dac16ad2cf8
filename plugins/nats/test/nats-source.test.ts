import type { NatsConnection } from '@nats-io/transport-node';
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

async function connectClient() {
  const c = await client(server.url);
  clients.push(c.nc);
  return c;
}

async function started(options: Parameters<typeof makeSource>[0], limit?: number) {
  const made = await makeSource({ servers: [server.url], ...options }, limit);
  open.push(made.source);
  await made.source.initialize();
  await made.source.start();
  return made;
}

async function consumerState(jsm: Awaited<ReturnType<typeof connectClient>>['jsm'], stream: string) {
  const info = await jsm.consumers.info(stream, 'tapline');
  return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
}

describe('nats source', { timeout: 30_000 }, () => {
  it('fails at start with a coded error naming the server when nothing listens there', async () => {
    const port = server.port;
    await server.cleanup();
    const { source } = await makeSource({ servers: [`nats://127.0.0.1:${port}`], stream: 'EVENTS' });
    open.push(source);
    await expect(source.initialize()).rejects.toMatchObject({
      code: 'TAPLINE_ERR_BROKER_UNREACHABLE',
      servers: `nats://127.0.0.1:${port}`,
      stream: 'EVENTS',
    });
  });

  it('fails at start naming server and stream when the stream is missing, unless told to create it', async () => {
    const { source } = await makeSource({ servers: [server.url], stream: 'MISSING' });
    open.push(source);
    await expect(source.initialize()).rejects.toMatchObject({
      code: 'TAPLINE_ERR_STREAM_NOT_FOUND',
      servers: server.url,
      stream: 'MISSING',
    });
    const { jsm } = await connectClient();
    await jsm.streams.add({ name: 'MISSING', subjects: ['missing.>'] });
    const again = await makeSource({ servers: [server.url], stream: 'MISSING' });
    open.push(again.source);
    await expect(again.source.initialize()).rejects.toMatchObject({ code: 'TAPLINE_ERR_CONSUMER_NOT_FOUND' });
  });

  it('authenticates with user and password; a refused login is a coded error naming the server', async () => {
    const secured = new NatsServer(['--user', 'tap', '--pass', 'line']);
    try {
      await secured.start();
      const refused = await makeSource({ servers: [secured.url], stream: 'EVENTS', create: true });
      open.push(refused.source);
      await expect(refused.source.initialize()).rejects.toMatchObject({
        code: 'TAPLINE_ERR_BROKER_UNREACHABLE',
        servers: secured.url,
      });
      const { source } = await makeSource({
        servers: [secured.url],
        stream: 'EVENTS',
        create: true,
        user: 'tap',
        password: 'line',
      });
      open.push(source);
      await source.initialize();
      expect(source.ready).toBe(true);
      await source.shutdown();
    } finally {
      await secured.cleanup();
    }
  });

  it('acks a message only once it settles; a lost one comes back and is counted as redelivered', async () => {
    const { source, intake, recording, ctx } = await started({
      stream: 'EVENTS',
      subjects: ['events.>'],
      create: true,
    });
    const { js, jsm } = await connectClient();
    for (let i = 0; i < 10; i++) await js.publish('events.a', JSON.stringify({ seq: i }));

    await recording.waitForSettled(10, 10_000);
    expect(recording.outputs.map((o) => (o as { seq: number }).seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await consumerState(jsm, 'EVENTS')).toMatchObject({ pending: 0, ackPending: 10 });

    const [first, second, third, ...rest] = intake.taken;
    intake.settle(source, first!, 'completed');
    intake.settle(source, second!, 'dropped');
    intake.settle(source, third!, 'failed');
    await eventually(async () => (await consumerState(jsm, 'EVENTS')).ackPending === 7, {
      what: 'three acks',
    });

    intake.settle(source, rest[0]!, 'lost');
    await recording.waitForSettled(11, 10_000);
    expect(recording.outputs).toHaveLength(11);
    expect(recording.outputs[10]).toEqual({ seq: 3 });
    expect(source.redelivered).toBe(1);
    for (const m of intake.taken.slice(4)) intake.settle(source, m, 'completed');
    await eventually(async () => (await consumerState(jsm, 'EVENTS')).ackPending === 0, {
      what: 'every ack',
    });

    expect(await ctx.registry.metrics()).toMatch(/tapline_source_redelivered_total\{step="ingest"\} 1/);
  });

  it('dead-letters a malformed payload (an error the host acks on) and one delivered more than maxDeliveries times', async () => {
    const { source, intake, recording } = await started({
      stream: 'EVENTS',
      subjects: ['events.>'],
      create: true,
      maxDeliveries: 2,
    });
    const { js, jsm } = await connectClient();
    await js.publish('events.a', '{"seq":');
    await recording.waitForSettled(1, 10_000);
    expect(recording.events.error.map((e) => e.errorType)).toEqual(['TAPLINE_ERR_DECODE']);
    intake.settle(source, recording.messages('failed')[0]!, 'failed');
    await eventually(async () => (await consumerState(jsm, 'EVENTS')).ackPending === 0, { what: 'the ack' });

    await js.publish('events.a', '{"seq":1}');
    for (let delivery = 1; delivery <= 2; delivery++) {
      await recording.waitForSettled(1 + delivery, 10_000);
      expect(recording.outputs).toHaveLength(delivery);
      intake.settle(source, recording.messages('forwarded')[delivery - 1]!, 'lost');
    }
    await recording.waitForSettled(4, 10_000);
    expect(recording.events.error.map((e) => e.errorType)).toEqual([
      'TAPLINE_ERR_DECODE',
      'TAPLINE_ERR_MAX_DELIVERIES',
    ]);
    intake.settle(source, recording.messages('failed')[1]!, 'failed');
    await eventually(async () => (await consumerState(jsm, 'EVENTS')).ackPending === 0, { what: 'the ack' });
    expect(source.redelivered).toBe(2);
  });

  it('takes in no more than the host has room for, plus one batch waiting in the client', async () => {
    const { source, intake } = await started(
      { stream: 'EVENTS', subjects: ['events.>'], create: true, batch: 8 },
      5,
    );
    const { js, jsm } = await connectClient();
    for (let i = 0; i < 100; i++) await js.publish('events.a', JSON.stringify({ seq: i }));
    await eventually(() => intake.taken.length === 5, { what: 'five taken in' });
    await eventually(async () => (await consumerState(jsm, 'EVENTS')).ackPending > 5, {
      what: 'a batch pulled',
    });
    const held = (await consumerState(jsm, 'EVENTS')).ackPending;
    expect(held).toBeLessThanOrEqual(5 + 8);
    expect(intake.taken).toHaveLength(5);

    for (let settled = 0; settled < 100; settled++) {
      await eventually(() => intake.taken.length > settled, { what: `message ${settled}` });
      intake.settle(source, intake.taken[settled]!, 'completed');
      expect(intake.open).toBeLessThanOrEqual(5);
    }
    await eventually(async () => (await consumerState(jsm, 'EVENTS')).ackPending === 0, {
      what: 'every ack',
    });
  });

  it('on stop takes in what the client holds and acks what settles; the rest goes to the next process after its ack wait', async () => {
    const options = { stream: 'EVENTS', subjects: ['events.>'], create: true, batch: 8, ackWaitMs: 1000 };
    const first = await started(options, 4);
    const { js } = await connectClient();
    for (let i = 0; i < 50; i++) await js.publish('events.a', JSON.stringify({ seq: i }));
    await eventually(() => first.intake.taken.length === 4, { what: 'four taken in' });

    const done: number[] = [];
    const seqOf = (m: { raw?: unknown }) => (JSON.parse(String(m.raw)) as { seq: number }).seq;
    let stopped = false;
    const stopping = first.source.stop().then(() => (stopped = true));
    // Settle as the host would while the stop waits, leaving the last two unsettled.
    for (let i = 0; !stopped || i < first.intake.taken.length - 2; i++) {
      await eventually(() => stopped || first.intake.taken.length > i + 2, { what: 'the next message' });
      if (i >= first.intake.taken.length - 2) break;
      done.push(seqOf(first.intake.taken[i]!));
      first.intake.settle(first.source, first.intake.taken[i]!, 'completed');
    }
    await stopping;
    const taken = first.intake.taken.length;
    expect(taken).toBeLessThanOrEqual(4 + 8);
    expect(first.source.holding).toBe(2);
    await first.source.shutdown();

    // The two unsettled (and any the server sent after the pull ended) come back after the ack
    // wait; nothing the first process acked does.
    const second = await makeSource({ servers: [server.url], ...options });
    open.push(second.source);
    const rest = new Set<number>();
    second.source.onHandled((_value, m) => {
      rest.add(seqOf(m));
      second.intake.settle(second.source, m, 'completed');
    }, 'test');
    await second.source.start();
    await eventually(() => done.length + rest.size === 50, { what: 'the rest' });
    expect(done.filter((seq) => rest.has(seq))).toEqual([]);
    expect([...done, ...rest].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('reports not ready while the server is down and ready again once the client reconnected', async () => {
    const { source, ctx } = await started({ stream: 'EVENTS', subjects: ['events.>'], create: true });
    expect(source.ready).toBe(true);
    await server.stop();
    await eventually(() => !source.ready, { what: 'not ready' });
    await server.start();
    await eventually(() => source.ready, { timeoutMs: 20_000, what: 'ready again' });
    expect(source.reconnects).toBe(1);
    const text = await ctx.registry.metrics();
    expect(text).toMatch(/tapline_nats_reconnects_total\{step="ingest"\} 1/);
    expect(text).toMatch(/tapline_nats_connected\{step="ingest"\} 1/);
    expect(ctx.logs.some((l) => l.msg === 'nats disconnected; reconnecting')).toBe(true);
  });
});
