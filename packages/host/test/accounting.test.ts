import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMessageContext, type ErrorEvent } from '@tapline/core';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Accounting } from '../src/runtime/accounting.js';
import { DeadLetters, payloadField } from '../src/runtime/dead-letters.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('Accounting', () => {
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
    expect(a.snapshot()).toEqual({ received: 2, completed: 1, dropped: 0, failed: 0, inFlight: 1 });
  });

  it('resolves drained() when the last in-flight message ends', async () => {
    const a = new Accounting(10, 10);
    a.accept('in');
    a.accept('in');
    const drained = a.drained();
    a.drop();
    a.fail();
    await drained;
    expect(a.snapshot()).toMatchObject({ dropped: 1, failed: 1, inFlight: 0 });
  });

  it('holds intake while anything holds it, however little is in flight', async () => {
    const a = new Accounting(10, 10);
    a.hold();
    a.hold();
    expect(a.hasCapacity).toBe(false);
    const wait = a.waitForCapacity();
    a.release();
    expect(a.hasCapacity).toBe(false);
    a.release();
    await wait;
    expect(a.hasCapacity).toBe(true);
  });
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

  it('holds intake while more than its buffer waits for the disk, and loses nothing', async () => {
    const file = join(await tempDir(), 'dead', 'letters.ndjson');
    const accounting = new Accounting(100, 10);
    const letters = new DeadLetters(file, pino({ level: 'silent' }), accounting, 4096);
    await letters.open();
    const big = JSON.stringify({ blob: 'x'.repeat(64 * 1024) });
    letters.write(failure('too big'), createMessageContext('in', Buffer.from(big)));
    expect(accounting.hasCapacity).toBe(false);
    await accounting.waitForCapacity(); // the stream drained to the file
    expect(accounting.hasCapacity).toBe(true);
    letters.write(failure('small'), createMessageContext('in', Buffer.from('{"n":1}')));
    expect(accounting.hasCapacity).toBe(true);
    await letters.close();
    const lines = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.message, l.step, l.errorType])).toEqual([
      ['too big', 'work', 'TAPLINE_ERR_VALIDATION'],
      ['small', 'work', 'TAPLINE_ERR_VALIDATION'],
    ]);
    expect(lines[0].payload.blob).toHaveLength(64 * 1024);
    expect([letters.written, letters.lost]).toEqual([2, 0]);
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
