import { afterEach, describe, expect, it } from 'vitest';
import { Publisher, Pull } from 'zeromq';
import { ZmqSourceDomain, type ZmqSourceOptions } from '../src/index.js';
import { collect, LimitedIntake, waitFor, closeOpened, opened, pusher } from './helpers.js';

function source(options: Partial<ZmqSourceOptions> = {}): ZmqSourceDomain {
  const d = new ZmqSourceDomain(
    {
      address: 'tcp://127.0.0.1:*',
      socket: 'pull',
      mode: 'bind',
      topics: [''],
      receiveHighWaterMark: 1000,
      maxMessageBytes: 16 * 1024 * 1024,
      decode: 'record',
      ...options,
    },
    { id: 'in' },
  );
  opened.push(d);
  return d;
}

afterEach(closeOpened);

describe('zmq-source on a PULL socket', () => {
  it('decodes records and keeps the original bytes as raw', async () => {
    const d = source();
    const { outputs, errors } = collect(d);
    await d.initialize();
    await d.start();
    const p = pusher(d.endpoint!);
    for (let i = 0; i < 3; i++) await p.send(JSON.stringify({ i }));
    await waitFor(() => outputs.length === 3, '3 records');
    expect(outputs.map((o) => o.value)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(Buffer.isBuffer(outputs[0]!.message.raw)).toBe(true);
    expect((outputs[2]!.message.raw as Buffer).toString()).toBe('{"i":2}');
    expect(outputs[0]!.message.source).toBe('in');
    expect(outputs[0]!.message.attributes).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('turns what does not decode into error events with the original bytes, and carries on', async () => {
    const d = source();
    const { outputs, errors } = collect(d);
    await d.start();
    const p = pusher(d.endpoint!);
    const bad = [
      Buffer.from('{not json'),
      Buffer.from('[1,2]'),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      Buffer.alloc(0),
    ];
    for (const b of bad) await p.send(b);
    await p.send('{"ok":true}');
    await waitFor(() => outputs.length === 1 && errors.length === bad.length, 'errors then the good record');
    expect(errors.map((e) => e.event.errorType)).toEqual(bad.map(() => 'TAPLINE_ERR_DECODE'));
    expect(errors.map((e) => e.event.domain)).toEqual(bad.map(() => 'in'));
    expect(errors.map((e) => e.message.raw)).toEqual(bad);
    expect(outputs[0]!.value).toEqual({ ok: true });
  });

  it.each([
    ['json', ['[1,2]', '3', '"s"', 'null'], [[1, 2], 3, 's', null]],
    ['text', ['héllo', ''], ['héllo', '']],
  ] as const)('decode %s', async (decode, sent, expected) => {
    const d = source({ decode });
    const { outputs, errors } = collect(d);
    await d.start();
    const p = pusher(d.endpoint!);
    for (const s of sent) await p.send(s);
    await waitFor(() => outputs.length === sent.length, 'every message');
    expect(outputs.map((o) => o.value)).toEqual(expected);
    expect(errors).toEqual([]);
  });

  it('decode raw passes the bytes through, empty and 10 MB frames included', async () => {
    const d = source({ decode: 'raw' });
    const { outputs } = collect(d);
    await d.start();
    const p = pusher(d.endpoint!);
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    await p.send(Buffer.alloc(0));
    await p.send(big);
    await waitFor(() => outputs.length === 2, 'both frames');
    expect((outputs[0]!.value as Buffer).length).toBe(0);
    expect((outputs[1]!.value as Buffer).equals(big)).toBe(true);
  });

  it('decodes a 10 MB record', async () => {
    const d = source();
    const { outputs } = collect(d);
    await d.start();
    const text = 'x'.repeat(10 * 1024 * 1024);
    await pusher(d.endpoint!).send(JSON.stringify({ text }));
    await waitFor(() => outputs.length === 1, 'the record');
    expect((outputs[0]!.value as { text: string }).text.length).toBe(text.length);
  });

  it('refuses a multipart message by default, keeping every byte and naming each frame size', async () => {
    const d = source();
    const { outputs, errors } = collect(d);
    await d.start();
    const p = pusher(d.endpoint!);
    await p.send(['{"a":', '', '1}']);
    await p.send('{"a":2}');
    await waitFor(() => outputs.length + errors.length === 2, 'two messages');
    expect(outputs.map((o) => o.value)).toEqual([{ a: 2 }]);
    expect(errors).toHaveLength(1);
    const { event, message } = errors[0]!;
    expect(event.errorType).toBe('TAPLINE_ERR_DECODE');
    expect(event.message).toContain('3 frames (5, 0, 2 bytes)');
    expect((message.raw as Buffer).toString()).toBe('{"a":1}');
    expect(message.attributes).toMatchObject({ frames: 3, frameSizes: [5, 0, 2] });
  });

  it('frames "join" concatenates the frames; "last" keeps the last and counts them', async () => {
    const joined = source({ frames: 'join' });
    const last = source({ frames: 'last' });
    const j = collect(joined);
    const l = collect(last);
    await joined.start();
    await last.start();
    await pusher(joined.endpoint!).send(['{"a":', '', '1}']);
    const p = pusher(last.endpoint!);
    await p.send(['envelope', '{"a":1}']);
    await p.send(['', '', '{"a":2}']);
    await p.send(['{"a":3}', '']);
    await waitFor(() => j.outputs.length === 1, 'the joined message');
    expect(j.outputs[0]!.value).toEqual({ a: 1 });
    expect(j.outputs[0]!.message.attributes).toEqual({ frames: 3 });
    await waitFor(() => l.outputs.length + l.errors.length === 3, 'three messages');
    expect(l.outputs.map((o) => [o.value, o.message.attributes])).toEqual([
      [{ a: 1 }, { frames: 2 }],
      [{ a: 2 }, { frames: 3 }],
    ]);
    expect(l.errors[0]!.event.errorType).toBe('TAPLINE_ERR_DECODE');
  });

  it('maxMessageBytes: ZeroMQ refuses a larger frame and drops the connection that sent it', async () => {
    const d = source({ maxMessageBytes: 4096 });
    const { outputs, errors } = collect(d);
    await d.start();
    const p = pusher(d.endpoint!);
    const disconnected = new Promise<void>((resolve) => p.events.on('disconnect', () => resolve()));
    await p.send(JSON.stringify({ n: 1 }));
    await waitFor(() => outputs.length === 1, 'the first record');
    await p.send(JSON.stringify({ big: 'x'.repeat(8192) }));
    await disconnected;
    // The sender reconnects; what it sends then arrives, the oversized frame never does.
    await p.send(JSON.stringify({ n: 2 }));
    await waitFor(() => outputs.length === 2, 'the record after the reconnect');
    expect(outputs.map((o) => o.value)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(errors).toEqual([]);
  });

  it('refuses an address in use, naming it', async () => {
    const taken = new Pull({ linger: 0 });
    opened.push(taken);
    await taken.bind('tcp://127.0.0.1:*');
    const d = source({ address: taken.lastEndpoint! });
    await expect(d.initialize()).rejects.toMatchObject({
      code: 'TAPLINE_ERR_ADDRESS_IN_USE',
      address: taken.lastEndpoint,
    });
    await expect(source({ address: 'nope://x' }).initialize()).rejects.toMatchObject({
      code: 'TAPLINE_ERR_ADDRESS_INVALID',
    });
  });

  it('expands ${VAR:-default} in the address when used without a host', async () => {
    const d = source({ address: '${TAPLINE_TEST_UNSET_ADDRESS:-tcp://127.0.0.1:*}' });
    await d.initialize();
    expect(d.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('zmq-source on a SUB socket', () => {
  it('takes only subscribed topics and keeps the topic in attributes', async () => {
    const pub = new Publisher({ linger: 0 });
    opened.push(pub);
    await pub.bind('tcp://127.0.0.1:*');
    const d = source({ socket: 'sub', mode: 'connect', address: pub.lastEndpoint!, topics: ['logs.'] });
    const { outputs } = collect(d);
    await d.start();
    // A subscription reaches the publisher some time after connecting: publish until one lands.
    for (let i = 0; outputs.length === 0; i++) {
      await pub.send(['logs.warmup', JSON.stringify({ i })]);
      await new Promise((r) => setTimeout(r, 10));
    }
    const before = outputs.length;
    await pub.send(['metrics.cpu', '{"skip":true}']);
    await pub.send(['logs.app', '{"n":1}']);
    await pub.send(['logs.app', '{"n":2}']);
    await pub.send(['logs.db', 'envelope', '{"n":3}']);
    await waitFor(() => outputs.length === before + 3, 'three logs.* records');
    const got = outputs.slice(before);
    expect(got.map((o) => o.value)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(got.map((o) => o.message.attributes)).toEqual([
      { topic: 'logs.app' },
      { topic: 'logs.app' },
      { topic: 'logs.db', frames: 3 },
    ]);
  });
});

describe('zmq-source lifecycle', () => {
  it('stop() handles every message already queued locally before closing', async () => {
    const d = source({ address: `inproc://tapline-drain-${process.pid}` });
    const intake = new LimitedIntake(0); // the loop waits for capacity, so messages stay queued
    d.intake = intake;
    const { outputs } = collect(d);
    await d.start();
    const p = pusher(d.endpoint!);
    const n = 200;
    for (let i = 0; i < n; i++) await p.send(JSON.stringify({ i }));
    expect(outputs.length).toBe(0);
    const stopped = d.stop();
    intake.setLimit(Infinity);
    await stopped;
    expect(outputs.map((o) => (o.value as { i: number }).i)).toEqual([...Array(n).keys()]);
  });

  it('honours the intake: reads no further while it has no capacity', async () => {
    const d = source();
    const intake = new LimitedIntake(3);
    d.intake = intake;
    const { outputs } = collect(d);
    await d.start();
    const p = pusher(d.endpoint!);
    for (let i = 0; i < 10; i++) await p.send(JSON.stringify({ i }));
    await waitFor(() => outputs.length === 3, 'the first 3');
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(intake.accepted).toBe(3);
    intake.release();
    await waitFor(() => outputs.length === 6, 'the next 3');
    intake.setLimit(Infinity);
    await waitFor(() => outputs.length === 10, 'all 10');
  });

  it('shutdown is idempotent and safe before initialize; stop before start still drains', async () => {
    const never = source();
    await never.shutdown();
    await never.shutdown();
    await never.stop();

    const d = source();
    const { outputs } = collect(d);
    await d.initialize();
    const p = pusher(d.endpoint!);
    await p.send('{"early":true}');
    await new Promise((r) => setTimeout(r, 50)); // let it cross TCP into the local queue
    await d.stop();
    await d.stop();
    await d.shutdown();
    await d.shutdown();
    expect(outputs.map((o) => o.value)).toEqual([{ early: true }]);
  });
});
