import { describe, expect, it } from 'vitest';
import { Accounting } from '../src/runtime/accounting.js';
import { payloadField } from '../src/runtime/dead-letters.js';

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
