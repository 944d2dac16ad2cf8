import { resolveType } from '@tapline/core';
import { validateOptions } from '@tapline/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { Publisher } from 'zeromq';
import plugin, { ZmqSourceDomain } from '../src/index.js';
import { collect, LimitedIntake, sleep, waitFor, closeOpened, opened, pusher } from './helpers.js';

/** A source with decode "ndjson" and every other option at its default, as the host fills them. */
function source(options: Record<string, unknown> = {}): ZmqSourceDomain {
  const raw = { address: 'tcp://127.0.0.1:*', decode: 'ndjson', ...options };
  const d = new ZmqSourceDomain(validateOptions(plugin, raw).options!, { id: 'in' });
  opened.push(d);
  return d;
}

afterEach(closeOpened);

describe('zmq-source, decode "ndjson" (batched frames)', () => {
  it('takes each line of a frame in as its own message, naming its frame and line', async () => {
    const d = source();
    const intake = new LimitedIntake(Infinity);
    d.intake = intake;
    const { outputs, errors } = collect(d);
    await d.start();
    const p = pusher(d.endpoint!);
    // CRLF, a blank line, a line of spaces and a final newline: none of them is a record.
    await p.send('{"i":1}\r\n\n{"i":2}\n   \n{"i":3}\n');
    await p.send('{"i":4}');
    await waitFor(() => outputs.length === 4, '4 records');
    expect(intake.accepted).toBe(4);
    expect(outputs.map((o) => [o.value, o.message.attributes, o.message.raw])).toEqual([
      [{ i: 1 }, { frame: 1, line: 1 }, '{"i":1}'],
      [{ i: 2 }, { frame: 1, line: 3 }, '{"i":2}'],
      [{ i: 3 }, { frame: 1, line: 5 }, '{"i":3}'],
      [{ i: 4 }, { frame: 2, line: 1 }, '{"i":4}'],
    ]);
    expect(new Set(outputs.map((o) => o.message.id)).size).toBe(4);
    expect(errors).toEqual([]);
  });

  it('fails only the lines that do not decode, each naming its frame and line, and keeps the rest', async () => {
    const d = source();
    const { outputs, errors } = collect(d);
    await d.start();
    const p = pusher(d.endpoint!);
    await p.send('{"ok":1}\n{not json\n[1,2]\n"text"\n{"ok":2}');
    // Invalid UTF-8 on line 2 of the next frame: the frame is split on its bytes instead.
    await p.send(
      Buffer.concat([
        Buffer.from('{"ok":3}\n{"bad":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}\n{"ok":4}'),
      ]),
    );
    await waitFor(() => outputs.length + errors.length === 8, '8 lines');
    expect(outputs.map((o) => o.value)).toEqual([{ ok: 1 }, { ok: 2 }, { ok: 3 }, { ok: 4 }]);
    expect(errors.map((e) => [e.event.errorType, e.message.attributes])).toEqual([
      ['TAPLINE_ERR_DECODE', { frame: 1, line: 2 }],
      ['TAPLINE_ERR_DECODE', { frame: 1, line: 3 }],
      ['TAPLINE_ERR_DECODE', { frame: 1, line: 4 }],
      ['TAPLINE_ERR_DECODE', { frame: 2, line: 2 }],
    ]);
    expect(errors.map((e) => e.event.message.split(':')[0])).toEqual([
      'Frame 1, line 2',
      'Frame 1, line 3',
      'Frame 1, line 4',
      'Frame 2, line 2',
    ]);
    // A dead letter keeps the line that failed, not the whole frame.
    expect(errors[0]!.message.raw).toBe('{not json');
    expect(Buffer.isBuffer(errors[3]!.message.raw)).toBe(true);
    expect((errors[3]!.message.raw as Buffer).subarray(0, 8).toString()).toBe('{"bad":"');
  });

  it('waits for capacity between the lines of one frame, not only between frames', async () => {
    const d = source();
    const intake = new LimitedIntake(2);
    d.intake = intake;
    const { outputs } = collect(d);
    await d.start();
    await pusher(d.endpoint!).send(['{"i":0}', '{"i":1}', '{"i":2}', '{"i":3}', '{"i":4}'].join('\n'));
    await waitFor(() => outputs.length === 2, 'the first 2 lines');
    await sleep(50);
    expect(intake.accepted).toBe(2);
    intake.release(2);
    await waitFor(() => outputs.length === 4, '2 more lines');
    intake.setLimit(Infinity);
    await waitFor(() => outputs.length === 5, 'the last line');
    expect(outputs.map((o) => (o.value as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
  });

  it('on a SUB socket, every line of a frame carries the topic', async () => {
    const d = source({ socket: 'sub', topics: ['logs'] });
    const { outputs } = collect(d);
    await d.start();
    const pub = new Publisher({ linger: 0 });
    opened.push(pub);
    pub.connect(d.endpoint!);
    // Subscriptions travel after the connection: send until the first frame arrives.
    while (outputs.length === 0) {
      await pub.send(['logs', '{"i":1}\n{"i":2}']);
      await sleep(20);
    }
    await waitFor(() => outputs.length >= 2, 'both lines');
    expect(outputs.slice(0, 2).map((o) => [o.value, o.message.attributes])).toEqual([
      [{ i: 1 }, { topic: 'logs', frame: 1, line: 1 }],
      [{ i: 2 }, { topic: 'logs', frame: 1, line: 2 }],
    ]);
  });

  it('splits the payload the frames policy makes, and fails whole a message it refuses', async () => {
    const joined = source({ frames: 'join' });
    const got = collect(joined);
    await joined.start();
    await pusher(joined.endpoint!).send(['{"i":1}\n{"i"', ':2}\n{"i":3}']);
    await waitFor(() => got.outputs.length === 3, '3 lines of the joined frames');
    expect(got.outputs.map((o) => [o.value, o.message.attributes])).toEqual([
      [{ i: 1 }, { frame: 1, line: 1 }],
      [{ i: 2 }, { frame: 1, line: 2 }],
      [{ i: 3 }, { frame: 1, line: 3 }],
    ]);

    const refusing = source(); // PULL refuses several payload frames by default
    const { outputs, errors } = collect(refusing);
    await refusing.start();
    await pusher(refusing.endpoint!).send(['{"i":1}', '{"i":2}']);
    await waitFor(() => errors.length === 1, 'the refused message');
    expect(outputs).toEqual([]);
    expect(errors[0]!.event.message).toMatch(/^A message of 2 frames/);
    expect((errors[0]!.message.raw as Buffer).toString()).toBe('{"i":1}{"i":2}');
  });

  it('outputs records, so a processor can follow it', () => {
    const { options } = validateOptions(plugin, { decode: 'ndjson' });
    expect(resolveType(plugin.output, options!)).toBe('record');
  });
});
