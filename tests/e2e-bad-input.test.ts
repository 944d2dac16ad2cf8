import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settled } from './cli-helpers.js';
import {
  Pipelines,
  accountingLine,
  defaultConfig,
  pusher,
  readNdjson,
  sendAll,
  stepOf,
} from './support/e2e-pipeline.js';

const pipelines = new Pipelines();
afterEach(() => pipelines.cleanup());

const MB10 = 10 * 1024 * 1024;

interface Bad {
  name: string;
  frame: Buffer;
  step: string;
  errorType: string;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Every kind of bad message, with the step that must refuse it and why. */
const bad: Bad[] = [
  {
    name: 'malformed JSON',
    frame: bytes('{"id": "m1", "service": '),
    step: 'ingest',
    errorType: 'TAPLINE_ERR_DECODE',
  },
  { name: 'a JSON array', frame: bytes('[{"id":"a1"}]'), step: 'ingest', errorType: 'TAPLINE_ERR_DECODE' },
  { name: 'a JSON number', frame: bytes('42'), step: 'ingest', errorType: 'TAPLINE_ERR_DECODE' },
  { name: 'an empty frame', frame: Buffer.alloc(0), step: 'ingest', errorType: 'TAPLINE_ERR_DECODE' },
  {
    name: 'binary garbage',
    frame: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x7b, 0x00, 0xf0, 0x9f]),
    step: 'ingest',
    errorType: 'TAPLINE_ERR_DECODE',
  },
  // 10 MB that start like a record and never close it.
  {
    name: 'a 10 MB frame',
    frame: bytes('{"blob":"' + 'x'.repeat(MB10)),
    step: 'ingest',
    errorType: 'TAPLINE_ERR_DECODE',
  },
  {
    name: 'a record without an id (fails validate)',
    frame: bytes('{"service":"api","level":"info"}'),
    step: 'normalize',
    errorType: 'TAPLINE_ERR_VALIDATION',
  },
  {
    name: 'a latency that is not a number (fails coerce)',
    frame: bytes('{"id":"c1","latencyMs":"fast"}'),
    step: 'normalize',
    errorType: 'TAPLINE_ERR_TRANSFORM',
  },
];

const good = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: `good-${n}`, service: 'api', latencyMs: n, ...extra });

describe('bad input, end to end', { timeout: 30_000 }, () => {
  it('counts and dead-letters every bad message with its reason, stays up, and exports every good one', async () => {
    const { config, address } = await defaultConfig();
    // 10 MB frames reach the pipeline only past the default 1 MiB limit.
    stepOf(config, 'ingest').options!.maxMessageBytes = 16 * 1024 * 1024;
    stepOf(config, 'normalize').options!.steps.push({
      type: 'validate',
      schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
    });
    const run = await pipelines.start(config);

    // good-0, bad, good-1, bad, …, good-N, and a good 10 MB record among them.
    const frames: Buffer[] = [bytes(good(0))];
    bad.forEach((b, i) => frames.push(b.frame, bytes(good(i + 1))));
    const bigBlob = 'y'.repeat(MB10);
    frames.push(bytes(good(bad.length + 1, { blob: bigBlob })));
    const goodCount = bad.length + 2;
    const push = pusher(address);
    try {
      expect(await sendAll(push, frames)).toBe(frames.length);
    } finally {
      push.close();
    }

    const metrics = await settled(run, frames.length);
    expect(metrics.accounting).toEqual({
      received: frames.length,
      completed: goodCount,
      dropped: 0,
      failed: bad.length,
      lost: 0,
      inFlight: 0,
      held: 0,
      droppedBy: { filtered: 0 },
    });
    expect(metrics.operations['ingest.handle'].errorTypes).toEqual({ TAPLINE_ERR_DECODE: 6 });
    expect(metrics.operations['normalize.handle'].errorTypes).toEqual({
      TAPLINE_ERR_VALIDATION: 1,
      TAPLINE_ERR_TRANSFORM: 1,
    });
    expect(metrics.operations['export.handle']).toMatchObject({ success: goodCount, errors: 0 });
    expect((await fetch(new URL('/healthz', run.url))).status).toBe(200);
    expect((await fetch(new URL('/readyz', run.url))).status).toBe(200);

    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(accountingLine(run).accounting).toEqual({
      received: frames.length,
      completed: goodCount,
      dropped: 0,
      failed: bad.length,
      lost: 0,
    });

    const exported = await readNdjson(path.join(run.dir, 'out/records.ndjson'));
    expect(exported.map((r) => r.id)).toEqual(Array.from({ length: goodCount }, (_, n) => `good-${n}`));
    expect(exported.at(-1).blob).toBe(bigBlob);

    const dead = await readNdjson(path.join(run.dir, 'out/dead-letters.ndjson'));
    expect(dead).toHaveLength(bad.length);
    dead.forEach((letter, i) => {
      const expected = bad[i]!;
      expect(letter, expected.name).toMatchObject({
        step: expected.step,
        errorType: expected.errorType,
        source: 'ingest',
        message: expect.any(String),
      });
      // Past deadLetter.maxPayloadBytes (64 KiB): the first bytes, the size and the SHA-256.
      if ('payloadTruncated' in letter) {
        const cut = letter.payloadTruncated;
        expect(expected.frame.length, expected.name).toBeGreaterThan(64 * 1024);
        expect(cut.size).toBe(expected.frame.length);
        expect(cut.sha256).toBe(createHash('sha256').update(expected.frame).digest('hex'));
        expect(Buffer.from(cut.headBase64, 'base64')).toEqual(expected.frame.subarray(0, 64 * 1024));
        return;
      }
      // The original bytes, as JSON when they were JSON, else base64.
      const original =
        'payload' in letter
          ? JSON.stringify(letter.payload)
          : Buffer.from(letter.payloadBase64 as string, 'base64').toString('latin1');
      const sent =
        'payload' in letter
          ? JSON.stringify(JSON.parse(expected.frame.toString()))
          : expected.frame.toString('latin1');
      expect(original, expected.name).toBe(sent);
    });
  });

  it('with the defaults, dead-letters a multipart message naming its frame sizes and never takes a frame over 1 MiB', async () => {
    const { config, address } = await defaultConfig();
    const run = await pipelines.start(config);
    const oversized = pusher(address);
    const push = pusher(address);
    try {
      // ZeroMQ drops the connection that sent the large frame: send it from a pusher of its own.
      await oversized.send(bytes(good(99, { blob: 'z'.repeat(2 * 1024 * 1024) })));
      await push.send([bytes('{"id":'), bytes('"split"}')]);
      expect(await sendAll(push, [bytes(good(1))])).toBe(1);
    } finally {
      push.close();
      oversized.close();
    }
    const metrics = await settled(run, 2);
    expect(metrics.accounting).toMatchObject({ received: 2, completed: 1, failed: 1 });
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    const exported = await readNdjson(path.join(run.dir, 'out/records.ndjson'));
    expect(exported.map((r) => r.id)).toEqual(['good-1']);
    const [letter, ...more] = await readNdjson(path.join(run.dir, 'out/dead-letters.ndjson'));
    expect(more).toEqual([]);
    expect(letter).toMatchObject({
      step: 'ingest',
      errorType: 'TAPLINE_ERR_DECODE',
      payload: { id: 'split' },
    });
    expect(letter.message).toContain('2 frames (6, 8 bytes)');
  });

  it('refuses a multipart message over maxFrames or maxMessageBytes in total: dead-lettered without its payload, and the next message is taken', async () => {
    const { config, address } = await defaultConfig();
    // "join" would make either message one valid record: only the limits refuse them.
    stepOf(config, 'ingest').options!.frames = 'join';
    const run = await pipelines.start(config);
    const push = pusher(address);
    const manyFrames = [
      bytes('{"id":"many","pad":"'),
      ...Array.from({ length: 38 }, () => bytes('p')),
      bytes('"}'),
    ];
    const part = 'q'.repeat(600 * 1024); // each frame under the default 1 MiB, the three over it
    const bigFrames = [bytes(`{"id":"big","a":"${part}",`), bytes(`"b":"${part}",`), bytes(`"c":"${part}"}`)];
    try {
      await push.send(manyFrames);
      await push.send(bigFrames);
      expect(await sendAll(push, [bytes(good(1))])).toBe(1);
    } finally {
      push.close();
    }
    const metrics = await settled(run, 3);
    expect(metrics.accounting).toMatchObject({ received: 3, completed: 1, failed: 2, lost: 0 });
    expect(metrics.operations['ingest.handle'].errorTypes).toEqual({ TAPLINE_ERR_MESSAGE_TOO_LARGE: 2 });
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    const exported = await readNdjson(path.join(run.dir, 'out/records.ndjson'));
    expect(exported.map((r) => r.id)).toEqual(['good-1']);
    const letters = await readNdjson(path.join(run.dir, 'out/dead-letters.ndjson'));
    const total = (frames: Buffer[]) => frames.reduce((n, f) => n + f.length, 0);
    expect(letters.map((l) => [l.step, l.errorType])).toEqual([
      ['ingest', 'TAPLINE_ERR_MESSAGE_TOO_LARGE'],
      ['ingest', 'TAPLINE_ERR_MESSAGE_TOO_LARGE'],
    ]);
    // What came is named in the message; no byte of it is kept.
    expect(letters[0].message).toContain(`${manyFrames.length} frames`);
    expect(letters[1].message).toContain(`${total(bigFrames)} bytes`);
    for (const letter of letters) {
      expect(letter.payload).toBeUndefined();
      expect(letter.payloadTruncated).toBeUndefined();
      expect(letter.payloadBase64).toBe('');
    }
  });
});
