import type { MessageContext } from '@tapline/core';
import { connectIntake, eventually, recordDomain } from '@tapline/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { Publisher, Pull } from 'zeromq';
import type { ZmqSourceDomain } from '../src/index.js';
import { LimitedIntake, closeOpened, opened, pusher, source } from './helpers.js';

afterEach(closeOpened);

describe('zmq-source on a PULL socket', () => {
  it('decodes records and keeps the original bytes as raw', async () => {
    const d = source();
    const recording = recordDomain(d);
    await d.initialize();
    await d.start();
    const p = pusher(d.endpoint!);
    for (let i = 0; i < 3; i++) await p.send(JSON.stringify({ i }));
    await recording.waitForSettled(3);
    expect(recording.outputs).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    const [first, , third] = recording.messages('forwarded');
    expect(Buffer.isBuffer(first!.raw)).toBe(true);
    expect((third!.raw as Buffer).toString()).toBe('{"i":2}');
    expect(first!.source).toBe('in');
    expect(first!.attributes).toBeUndefined();
    expect(recording.events.error).toEqual([]);
  });

  it('turns what does not decode into error events with the original bytes, and carries on', async () => {
    const d = source();
    const recording = recordDomain(d);
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
    await recording.waitForSettled(bad.length + 1);
    const errors = recording.events.error;
    expect(errors.map((e) => e.errorType)).toEqual(bad.map(() => 'TAPLINE_ERR_DECODE'));
    expect(errors.map((e) => e.domain)).toEqual(bad.map(() => 'in'));
    expect(recording.messages('failed').map((m) => m.raw)).toEqual(bad);
    expect(recording.outputs).toEqual([{ ok: true }]);
  });

  it.each([
    ['json', ['[1,2]', '3', '"s"', 'null'], [[1, 2], 3, 's', null]],
    ['text', ['héllo', ''], ['héllo', '']],
  ] as const)('decode %s', async (decode, sent, expected) => {
    const d = source({ decode });
    const recording = recordDomain(d);
    await d.start();
    const p = pusher(d.endpoint!);
    for (const s of sent) await p.send(s);
    await recording.waitForSettled(sent.length);
    expect(recording.outputs).toEqual(expected);
    expect(recording.events.error).toEqual([]);
  });

  it('decode raw passes the bytes through, empty and 10 MB frames included', async () => {
    const d = source({ decode: 'raw' });
    const recording = recordDomain(d);
    await d.start();
    const p = pusher(d.endpoint!);
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    await p.send(Buffer.alloc(0));
    await p.send(big);
    await recording.waitForSettled(2);
    const outputs = recording.outputs as Buffer[];
    expect(outputs).toHaveLength(2);
    expect(outputs[0]!.length).toBe(0);
    expect(outputs[1]!.equals(big)).toBe(true);
  });

  it('decodes a 10 MB record', async () => {
    const d = source();
    const recording = recordDomain(d);
    await d.start();
    const text = 'x'.repeat(10 * 1024 * 1024);
    await pusher(d.endpoint!).send(JSON.stringify({ text }));
    await recording.waitForSettled(1);
    expect(recording.outputs).toHaveLength(1);
    expect((recording.outputs[0] as { text: string }).text.length).toBe(text.length);
  });

  it('refuses a multipart message by default, keeping every byte and naming each frame size', async () => {
    const d = source();
    const recording = recordDomain(d);
    await d.start();
    const p = pusher(d.endpoint!);
    await p.send(['{"a":', '', '1}']);
    await p.send('{"a":2}');
    await recording.waitForSettled(2);
    expect(recording.outputs).toEqual([{ a: 2 }]);
    expect(recording.events.error).toHaveLength(1);
    const event = recording.events.error[0]!;
    const message = recording.messages('failed')[0]!;
    expect(event.errorType).toBe('TAPLINE_ERR_DECODE');
    expect(event.message).toContain('3 frames (5, 0, 2 bytes)');
    expect((message.raw as Buffer).toString()).toBe('{"a":1}');
    expect(message.attributes).toMatchObject({ frames: 3, frameSizes: [5, 0, 2] });
  });

  it('frames "join" concatenates the frames; "last" keeps the last and counts them', async () => {
    const joined = source({ frames: 'join' });
    const last = source({ frames: 'last' });
    const j = recordDomain(joined);
    const l = recordDomain(last);
    await joined.start();
    await last.start();
    await pusher(joined.endpoint!).send(['{"a":', '', '1}']);
    const p = pusher(last.endpoint!);
    await p.send(['envelope', '{"a":1}']);
    await p.send(['', '', '{"a":2}']);
    await p.send(['{"a":3}', '']);
    await j.waitForSettled(1);
    expect(j.outputs).toEqual([{ a: 1 }]);
    expect(j.messages('forwarded')[0]!.attributes).toEqual({ frames: 3 });
    await l.waitForSettled(3);
    expect(l.outputs).toEqual([{ a: 1 }, { a: 2 }]);
    expect(l.messages('forwarded').map((m) => m.attributes)).toEqual([{ frames: 2 }, { frames: 3 }]);
    expect(l.events.error.map((e) => e.errorType)).toEqual(['TAPLINE_ERR_DECODE']);
  });

  it('maxMessageBytes: ZeroMQ refuses a larger frame and drops the connection that sent it', async () => {
    const d = source({ maxMessageBytes: 4096 });
    const recording = recordDomain(d);
    await d.start();
    const p = pusher(d.endpoint!);
    const disconnected = new Promise<void>((resolve) => p.events.on('disconnect', () => resolve()));
    await p.send(JSON.stringify({ n: 1 }));
    await recording.waitForSettled(1);
    await p.send(JSON.stringify({ big: 'x'.repeat(8192) }));
    await disconnected;
    // The sender reconnects; what it sends then arrives, the oversized frame never does.
    await p.send(JSON.stringify({ n: 2 }));
    await recording.waitForSettled(2);
    expect(recording.outputs).toEqual([{ n: 1 }, { n: 2 }]);
    expect(recording.events.error).toEqual([]);
  });

  it('refuses a message over maxFrames or over maxMessageBytes in total, without its payload, and takes the next', async () => {
    // "join" would make each of them one valid record: only the limits refuse them.
    const d = source({ frames: 'join', maxFrames: 4, maxMessageBytes: 4096 });
    const recording = recordDomain(d);
    await d.start();
    const p = pusher(d.endpoint!);
    const part = 'x'.repeat(3000); // each frame under 4096 bytes, the two together over it
    await p.send(['{"a":', '"', 'b', '"', '}']);
    await p.send([`{"a":"${part}`, `${part}"}`]);
    await p.send(['{"n":', '1}']);
    await recording.waitForSettled(3);
    expect(recording.outputs).toEqual([{ n: 1 }]);
    expect(recording.events.error.map((e) => e.errorType)).toEqual([
      'TAPLINE_ERR_MESSAGE_TOO_LARGE',
      'TAPLINE_ERR_MESSAGE_TOO_LARGE',
    ]);
    const failed = recording.messages('failed');
    expect(failed.map((m) => (m.raw as Buffer).length)).toEqual([0, 0]);
    expect(failed.map((m) => m.attributes)).toEqual([
      { frames: 5, bytes: 9, tooLarge: true },
      { frames: 2, bytes: 6008, tooLarge: true },
    ]);
  });

  it('applies the limits to batched frames (decode ndjson) before splitting them into lines', async () => {
    const d = source({ decode: 'ndjson', frames: 'join', maxFrames: 2 });
    const recording = recordDomain(d);
    await d.start();
    const p = pusher(d.endpoint!);
    await p.send(['{"a":1}\n', '{"a":2}\n', '{"a":3}\n']);
    await p.send(['{"b":1}\n', '{"b":2}\n']);
    await recording.waitForSettled(3);
    expect(recording.outputs).toEqual([{ b: 1 }, { b: 2 }]);
    expect(recording.events.error.map((e) => e.errorType)).toEqual(['TAPLINE_ERR_MESSAGE_TOO_LARGE']);
  });

  it('receiveBufferSize sets the kernel receive buffer of the socket (ZeroMQ reads it back)', async () => {
    const d = source({ receiveBufferSize: 16 * 1024 });
    const plain = source();
    await d.initialize();
    await plain.initialize();
    const bufferOf = (s: ZmqSourceDomain) => (s as unknown as { socket: Pull }).socket.receiveBufferSize;
    expect(bufferOf(d)).toBe(16 * 1024);
    expect(bufferOf(plain)).toBe(-1); // the OS's own
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

  it('attaches to its address as given: the host fills ${VAR}, once', async () => {
    // PATH is set: expanding here would attach elsewhere, and undo the escape a `$${` made.
    const d = source({ address: 'inproc://zmq-source-${PATH}' });
    await d.initialize();
    expect(d.endpoint).toBe('inproc://zmq-source-${PATH}');
  });
});

describe('zmq-source on a SUB socket', () => {
  it('takes only subscribed topics and keeps the topic in attributes', async () => {
    const pub = new Publisher({ linger: 0 });
    opened.push(pub);
    await pub.bind('tcp://127.0.0.1:*');
    const d = source({ socket: 'sub', mode: 'connect', address: pub.lastEndpoint!, topics: ['logs.'] });
    const recording = recordDomain(d);
    await d.start();
    // A subscription reaches the publisher some time after connecting: publish until one lands.
    let i = 0;
    await eventually(
      async () => {
        await pub.send(['logs.warmup', JSON.stringify({ i: i++ })]);
        return recording.settled > 0;
      },
      { intervalMs: 10, what: 'the subscription to reach the publisher' },
    );
    await pub.send(['metrics.cpu', '{"skip":true}']);
    await pub.send(['logs.app', '{"n":1}']);
    await pub.send(['logs.app', '{"n":2}']);
    await pub.send(['logs.db', 'envelope', '{"n":3}']);
    // Warm-ups published before the first one landed may arrive too: the records are the rest.
    const isRecord = (m: MessageContext) => m.attributes?.topic !== 'logs.warmup';
    await eventually(() => recording.messages('forwarded').filter(isRecord).length === 3, {
      what: 'three logs.* records',
    });
    const records = recording.messages('forwarded').filter(isRecord);
    expect(records.map((m) => recording.outcomes.get(m))).toEqual([
      { outcome: 'forwarded', output: { n: 1 } },
      { outcome: 'forwarded', output: { n: 2 } },
      { outcome: 'forwarded', output: { n: 3 } },
    ]);
    expect(records.map((m) => m.attributes)).toEqual([
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
    connectIntake(d, intake);
    const recording = recordDomain(d);
    await d.start();
    const p = pusher(d.endpoint!);
    const n = 200;
    for (let i = 0; i < n; i++) await p.send(JSON.stringify({ i }));
    expect(recording.outputs.length).toBe(0);
    const stopped = d.stop();
    intake.setLimit(Infinity);
    await stopped;
    expect(recording.outputs.map((o) => (o as { i: number }).i)).toEqual([...Array(n).keys()]);
  });

  it('honours the intake: reads no further while it has no capacity', async () => {
    const d = source();
    const intake = new LimitedIntake(3);
    connectIntake(d, intake);
    const recording = recordDomain(d);
    await d.start();
    const p = pusher(d.endpoint!);
    for (let i = 0; i < 10; i++) await p.send(JSON.stringify({ i }));
    await intake.blocked();
    expect(intake.accepted).toBe(3);
    intake.release();
    await intake.blocked();
    expect(intake.accepted).toBe(6);
    intake.setLimit(Infinity);
    await recording.waitForSettled(10);
    expect(recording.outputs).toEqual([...Array(10).keys()].map((i) => ({ i })));
    // Every message was taken in while the intake had room: none was read past the limit.
    expect(intake.overruns).toBe(0);
  });

  it('shutdown is idempotent and safe before initialize; stop before start still drains', async () => {
    const never = source();
    await never.shutdown();
    await never.shutdown();
    await never.stop();

    // inproc: a message sent is in the source's local queue as the send resolves.
    const d = source({ address: `inproc://tapline-early-${process.pid}` });
    const recording = recordDomain(d);
    await d.initialize();
    const p = pusher(d.endpoint!);
    await p.send('{"early":true}');
    await d.stop();
    await d.stop();
    await d.shutdown();
    await d.shutdown();
    expect(recording.outputs).toEqual([{ early: true }]);
  });
});
