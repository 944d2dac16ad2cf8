import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createMessageContext, type ErrorEvent } from '@tapline/core';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Accounting } from '../src/runtime/accounting.js';
import type { DeadLetterConfig } from '../src/config/loaded-config.js';
import { DeadLetters } from '../src/runtime/dead-letters.js';
import { inputField, payloadField } from '../src/runtime/letter-fields.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('Accounting', () => {
  it("tells every observer of one message its outcome (a replay's and a tap's), and finds an open message by id", () => {
    const a = new Accounting(4, 10);
    const m = a.accept('in');
    const told: string[] = [];
    a.observe(m, (o) => told.push(`replay ${o}`));
    a.observe(m, (o) => told.push(`tap ${o}`));
    expect(a.openMessage(m.id)).toBe(m);
    a.drop(m);
    expect(told).toEqual(['replay dropped', 'tap dropped']);
    expect(a.openMessage(m.id)).toBeUndefined();
  });

  it('gives every waiting source one shared promise, resolved when an outcome frees capacity', async () => {
    const a = new Accounting(2, 10);
    const m1 = a.accept('in');
    a.accept('in');
    expect(a.hasCapacity).toBe(false);
    const w1 = a.waitForCapacity();
    expect(a.waitForCapacity()).toBe(w1);
    let woke = false;
    void w1.then(() => (woke = true));
    a.complete(m1);
    await w1;
    expect(woke).toBe(true);
    expect(a.snapshot()).toEqual({
      received: 2,
      completed: 1,
      dropped: 0,
      failed: 0,
      lost: 0,
      inFlight: 1,
      held: 0,
      droppedBy: { filtered: 0 },
    });
  });

  it('does not count held messages against maxInFlight, and counts drops by reason', async () => {
    const a = new Accounting(2, 10);
    const [m1, m2] = [a.accept('in'), a.accept('in')];
    expect(a.hasCapacity).toBe(false);
    a.hold(2); // both wait in a step's own bounded buffer
    expect(a.hasCapacity).toBe(true);
    const m3 = a.accept('in');
    const m4 = a.accept('in');
    expect(a.hasCapacity).toBe(false);
    const room = a.waitForCapacity();
    a.hold(-1); // m1 leaves the buffer, its outcome not yet reported: in flight again
    expect(a.hasCapacity).toBe(false);
    a.drop(m1, 'buffer_full');
    expect(a.hasCapacity).toBe(false); // m2 held, m3 and m4 count: 2 of 2
    a.drop(m3);
    await room;
    a.hold(-1);
    a.complete(m2);
    a.complete(m4);
    expect(a.snapshot()).toMatchObject({
      received: 4,
      dropped: 2,
      inFlight: 0,
      held: 0,
      droppedBy: { filtered: 1, buffer_full: 1 },
    });
  });

  it('resolves drained() when the last in-flight message ends', async () => {
    const a = new Accounting(10, 10);
    const m1 = a.accept('in');
    const m2 = a.accept('in');
    const drained = a.drained();
    a.drop(m1);
    expect(a.failing(m2)).toBe(true);
    expect(a.inFlight).toBe(1); // failed, but its dead letter is not written yet
    a.fail(m2, false);
    await drained;
    expect(a.snapshot()).toMatchObject({ dropped: 1, failed: 1, lost: 0, inFlight: 0 });
  });

  it('settles each message once, tells the source each outcome once, and ignores a second outcome', () => {
    const a = new Accounting(10, 10);
    const told: Array<[number, string]> = [];
    a.notify = (m, outcome) => told.push([m.id, outcome]);
    const [m1, m2, m3, m4] = [a.accept('in'), a.accept('in'), a.accept('in'), a.accept('in')];
    a.complete(m1);
    a.complete(m1);
    a.drop(m1);
    a.drop(m2);
    a.failing(m3);
    a.fail(m3, true);
    a.fail(m3, false);
    expect(a.failing(m3)).toBe(false);
    expect(a.abandon()).toEqual([m4]);
    a.complete(m4); // finished after it was given up on: the first outcome stands
    a.fail(m4, false);
    expect(told).toEqual([
      [m1.id, 'completed'],
      [m2.id, 'dropped'],
      [m3.id, 'lost'],
      [m4.id, 'failed'],
    ]);
    expect(a.snapshot()).toEqual({
      received: 4,
      completed: 1,
      dropped: 1,
      failed: 1,
      lost: 1,
      inFlight: 0,
      held: 0,
      droppedBy: { filtered: 1 },
    });
  });

  it('counts a failure as failed once its dead letter is written and as lost when it could not be, never both', async () => {
    const a = new Accounting(3, 10);
    const balanced = () => {
      const { received, completed, dropped, failed, lost, inFlight } = a.snapshot();
      expect(received).toBe(completed + dropped + failed + lost + inFlight);
      expect(inFlight).toBe(a.inFlight);
    };
    const [m1, m2, m3] = [a.accept('in'), a.accept('in'), a.accept('in')];
    expect(a.hasCapacity).toBe(false);
    const room = a.waitForCapacity();
    a.failing(m1);
    a.failing(m2);
    balanced();
    a.fail(m1, true);
    expect(a.snapshot()).toMatchObject({
      received: 3,
      completed: 0,
      dropped: 0,
      failed: 0,
      lost: 1,
      inFlight: 2,
    });
    balanced();
    await room; // a lost message is done with: it frees its place like any other outcome
    const drained = a.drained();
    a.fail(m2, false);
    a.complete(m3);
    await drained;
    expect(a.snapshot()).toMatchObject({
      received: 3,
      completed: 1,
      dropped: 0,
      failed: 1,
      lost: 1,
      inFlight: 0,
    });
    balanced();
  });
});

/** A dead-letter config with the schema's defaults, or the given ones. */
const letterFile = (file: string, more: Partial<DeadLetterConfig> = {}): DeadLetterConfig => ({
  path: file,
  maxPayloadBytes: 65536,
  rotateBytes: 104857600,
  rotateKeep: 5,
  ...more,
});

describe('dead letters', () => {
  const failure = (message: string): ErrorEvent => ({
    domain: 'work',
    operation: 'handle',
    errorType: 'TAPLINE_ERR_VALIDATION',
    message,
    durationMs: 0,
    messageId: 1,
  });

  it('answers each write once its line is in the file', async () => {
    const file = join(await tempDir(), 'dead', 'letters.ndjson');
    const letters = new DeadLetters(letterFile(file), pino({ level: 'silent' }));
    await letters.open();
    const big = JSON.stringify({ blob: 'x'.repeat(60 * 1024) });
    await letters.write(failure('too big'), createMessageContext('in', Buffer.from(big)));
    const written = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(written).toHaveLength(1);
    await letters.write(failure('small'), createMessageContext('in', Buffer.from('{"n":1}')));
    await letters.close();
    const lines = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string; step: string; errorType: string; payload: never });
    expect(lines.map((l) => [l.message, l.step, l.errorType])).toEqual([
      ['too big', 'work', 'TAPLINE_ERR_VALIDATION'],
      ['small', 'work', 'TAPLINE_ERR_VALIDATION'],
    ]);
    expect((lines[0]!.payload as { blob: string }).blob).toHaveLength(60 * 1024);
    expect(letters.written).toBe(2);
  });

  it('keeps the head, size and SHA-256 of a payload over maxPayloadBytes, and rotates the file by size', async () => {
    const dir = await tempDir();
    const file = join(dir, 'letters.ndjson');
    const letters = new DeadLetters(
      letterFile(file, { maxPayloadBytes: 64, rotateBytes: 1024, rotateKeep: 2 }),
      pino({ level: 'silent' }),
    );
    await letters.open();
    const big = Buffer.from(JSON.stringify({ blob: 'z'.repeat(1000) }));
    await letters.write(failure('big'), createMessageContext('in', big));
    const [line] = (await readFile(file, 'utf8')).trim().split('\n');
    const { payloadTruncated: cut } = JSON.parse(line!) as { payloadTruncated: Record<string, unknown> };
    expect(cut.size).toBe(big.length);
    expect(cut.sha256).toBe(createHash('sha256').update(big).digest('hex'));
    expect(Buffer.from(cut.headBase64 as string, 'base64')).toEqual(big.subarray(0, 64));
    for (let i = 0; i < 20; i++)
      await letters.write(failure(`n${i}`), createMessageContext('in', `{"n":${i}}`));
    await letters.close();
    const names = (await readdir(dir)).filter((n) => n.startsWith('letters')).sort();
    expect(names).toEqual(['letters.ndjson', 'letters.ndjson.1', 'letters.ndjson.2']);
    for (const name of names) expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(1024);
  });

  it('rejects the write of a line that cannot reach the disk', async () => {
    const dir = await tempDir();
    const file = join(dir, 'letters.ndjson');
    const letters = new DeadLetters(letterFile(file), pino({ level: 'silent' }));
    await letters.open();
    await rm(file);
    await mkdir(file); // the path is now a folder: the file cannot be opened again there
    await expect(letters.write(failure('x'), createMessageContext('in', '{}'))).rejects.toThrow(/EISDIR/);
    await letters.close();
  });
});

describe('dead-letter payloads', () => {
  it('keeps JSON as written, on one line, and base64s anything else', () => {
    const pretty = Buffer.from('{\n  "big": 12345678901234567890\n}');
    expect(Object.keys(JSON.parse(`{"x":1${payloadField(pretty)}}`).payload)).toEqual(['big']);
    expect(payloadField(pretty)).toContain('12345678901234567890');
    expect(payloadField(pretty)).not.toContain('\n');
    expect(payloadField(Buffer.from([0xff, 0xfe, 0x00]))).toBe(',"payloadBase64":"//4A"');
    expect(payloadField('plain text')).toBe(
      `,"payloadBase64":"${Buffer.from('plain text').toString('base64')}"`,
    );
    expect(payloadField({ a: 1 })).toBe(',"payload":{"a":1}');
    expect(payloadField(undefined)).toBe('');
  });
});

describe('dead-letter inputs', () => {
  it('keeps the record as the failing step held it as JSON, bytes as base64, and past the cap its size and head alone', () => {
    expect(inputField({ a: 'x\ny' })).toBe(',"input":{"a":"x\\ny"}');
    expect(inputField('text')).toBe(',"input":"text"');
    expect(inputField(Buffer.from([0xff, 0x00]))).toBe(',"inputBase64":"/wA="');
    expect(inputField(undefined)).toBe('');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(inputField(cyclic)).toBe('');
    const big = { blob: 'é'.repeat(40) }; // 51 characters, 91 bytes
    const { inputTruncated: cut } = JSON.parse(`{${inputField(big, 64).slice(1)}}`) as {
      inputTruncated: { size: number; sha256: string; headBase64: string };
    };
    const bytes = Buffer.from(JSON.stringify(big));
    expect(cut.size).toBe(bytes.length);
    expect(cut.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(Buffer.from(cut.headBase64, 'base64')).toEqual(bytes.subarray(0, 64));
  });
});
