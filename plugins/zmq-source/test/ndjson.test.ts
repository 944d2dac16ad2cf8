import { connectIntake, createPluginStep, eventually, recordDomain, validateOptions } from '@tapline/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { Publisher } from 'zeromq';
import plugin, { ZmqSourceDomain } from '../src/index.js';
import { LimitedIntake, closeOpened, opened, pusher } from './helpers.js';

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
    connectIntake(d, intake);
    const recording = recordDomain(d);
    await d.start();
    const p = pusher(d.endpoint!);
    // CRLF, a blank line, a line of spaces and a final newline: none of them is a record.
    await p.send('{"i":1}\r\n\n{"i":2}\n   \n{"i":3}\n');
    await p.send('{"i":4}');
    await recording.waitForSettled(4);
    expect(intake.accepted).toBe(4);
    expect(recording.outputs).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }]);
    const messages = recording.messages('forwarded');
    expect(messages.map((m) => [m.attributes, m.raw])).toEqual([
      [{ frame: 1, line: 1 }, '{"i":1}'],
      [{ frame: 1, line: 3 }, '{"i":2}'],
      [{ frame: 1, line: 5 }, '{"i":3}'],
      [{ frame: 2, line: 1 }, '{"i":4}'],
    ]);
    expect(new Set(messages.map((m) => m.id)).size).toBe(4);
    expect(recording.events.error).toEqual([]);
  });

  it('fails only the lines that do not decode, each naming its frame and line, and keeps the rest', async () => {
    const d = source();
    const recording = recordDomain(d);
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
    await recording.waitForSettled(8);
    expect(recording.outputs).toEqual([{ ok: 1 }, { ok: 2 }, { ok: 3 }, { ok: 4 }]);
    const errors = recording.events.error;
    const failed = recording.messages('failed');
    expect(errors.map((e, i) => [e.errorType, failed[i]!.attributes])).toEqual([
      ['TAPLINE_ERR_DECODE', { frame: 1, line: 2 }],
      ['TAPLINE_ERR_DECODE', { frame: 1, line: 3 }],
      ['TAPLINE_ERR_DECODE', { frame: 1, line: 4 }],
      ['TAPLINE_ERR_DECODE', { frame: 2, line: 2 }],
    ]);
    expect(errors.map((e) => e.message.split(':')[0])).toEqual([
      'Frame 1, line 2',
      'Frame 1, line 3',
      'Frame 1, line 4',
      'Frame 2, line 2',
    ]);
    // A dead letter keeps the line that failed, not the whole frame.
    expect(failed[0]!.raw).toBe('{not json');
    expect(Buffer.isBuffer(failed[3]!.raw)).toBe(true);
    expect((failed[3]!.raw as Buffer).subarray(0, 8).toString()).toBe('{"bad":"');
  });

  it('waits for capacity between the lines of one frame, not only between frames', async () => {
    const d = source();
    const intake = new LimitedIntake(2);
    connectIntake(d, intake);
    const recording = recordDomain(d);
    await d.start();
    await pusher(d.endpoint!).send(['{"i":0}', '{"i":1}', '{"i":2}', '{"i":3}', '{"i":4}'].join('\n'));
    await intake.blocked();
    expect(intake.accepted).toBe(2);
    intake.release(2);
    await intake.blocked();
    expect(intake.accepted).toBe(4);
    intake.setLimit(Infinity);
    await recording.waitForSettled(5);
    expect(recording.outputs.map((o) => (o as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    // No line was taken in while the intake was full, though all five came in one frame.
    expect(intake.overruns).toBe(0);
  });

  it('on a SUB socket, every line of a frame carries the topic', async () => {
    const d = source({ socket: 'sub', topics: ['logs'] });
    const recording = recordDomain(d);
    await d.start();
    const pub = new Publisher({ linger: 0 });
    opened.push(pub);
    pub.connect(d.endpoint!);
    // Subscriptions travel after the connection: send until the first frame arrives.
    await eventually(
      async () => {
        await pub.send(['logs', '{"i":1}\n{"i":2}']);
        return recording.settled > 0;
      },
      { intervalMs: 20, what: 'the subscription to reach the publisher' },
    );
    await recording.waitForSettled(2);
    expect(recording.outputs.slice(0, 2)).toEqual([{ i: 1 }, { i: 2 }]);
    expect(
      recording
        .messages('forwarded')
        .slice(0, 2)
        .map((m) => m.attributes),
    ).toEqual([
      { topic: 'logs', frame: 1, line: 1 },
      { topic: 'logs', frame: 1, line: 2 },
    ]);
  });

  it('splits the payload the frames policy makes, and fails whole a message it refuses', async () => {
    const joined = source({ frames: 'join' });
    const got = recordDomain(joined);
    await joined.start();
    await pusher(joined.endpoint!).send(['{"i":1}\n{"i"', ':2}\n{"i":3}']);
    await got.waitForSettled(3);
    expect(got.outputs).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    expect(got.messages('forwarded').map((m) => m.attributes)).toEqual([
      { frame: 1, line: 1 },
      { frame: 1, line: 2 },
      { frame: 1, line: 3 },
    ]);

    const refusing = source(); // PULL refuses several payload frames by default
    const recording = recordDomain(refusing);
    await refusing.start();
    await pusher(refusing.endpoint!).send(['{"i":1}', '{"i":2}']);
    await recording.waitForSettled(1);
    expect(recording.outputs).toEqual([]);
    expect(recording.events.error).toHaveLength(1);
    expect(recording.events.error[0]!.message).toMatch(/^A message of 2 frames/);
    expect((recording.messages('failed')[0]!.raw as Buffer).toString()).toBe('{"i":1}{"i":2}');
  });

  it('outputs records, so a processor can follow it', async () => {
    expect((await createPluginStep(plugin, { decode: 'ndjson' })).output).toBe('record');
  });
});
