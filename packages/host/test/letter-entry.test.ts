import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../src/dead-letters/read-dead-letters.js';
import { letterEntry } from '../src/replay/letter-entry.js';

const steps = ['ingest', 'rename', 'normalize', 'export'];
const payload = { n: 1, mark: 'a' };
const input = { seq: 1, mark: 'a+' };

function letter(step: string, extra: Partial<DeadLetter> = {}): DeadLetter {
  return { time: '2026-12-07T05:00:00.000Z', step, errorType: 'E', message: 'm', payload, ...extra };
}

const failedStep = { kind: 'failed' } as const;

describe('letterEntry', () => {
  it('by default enters at the step that failed with the record as it held it, the payload kept as the raw bytes', () => {
    const entry = letterEntry(letter('normalize', { input }), steps, failedStep);
    expect(entry).toEqual({
      index: 2,
      value: input,
      raw: Buffer.from(JSON.stringify(payload)),
      fromStartInstead: false,
      payloadInstead: false,
    });
    const bytes = letterEntry(letter('normalize', { inputBase64: '/wA=' }), steps, failedStep);
    expect(bytes).toMatchObject({ index: 2, value: Buffer.from([0xff, 0x00]) });
  });

  it('enters the first step after the source with the payload, which is the record it received', () => {
    expect(letterEntry(letter('rename'), steps, failedStep)).toMatchObject({
      index: 1,
      value: payload,
      fromStartInstead: false,
    });
  });

  it('enters a letter without an input (an earlier version wrote it) after the source, and says so', () => {
    expect(letterEntry(letter('normalize'), steps, failedStep)).toMatchObject({
      index: 1,
      value: payload,
      fromStartInstead: true,
    });
    expect(letterEntry(letter('gone', { input }), steps, failedStep)).toMatchObject({
      index: 1,
      fromStartInstead: true,
    });
  });

  it('--from-start hands the first step after the source the payload, whatever the letter holds', () => {
    expect(letterEntry(letter('normalize', { input }), steps, { kind: 'start' })).toMatchObject({
      index: 1,
      value: payload,
      fromStartInstead: false,
    });
  });

  it('refuses a letter whose input holds only a prefix at its step, naming --from-start, which takes it', () => {
    const capped = letter('normalize', {
      inputTruncated: { size: 300, sha256: 'x', headBase64: '' },
    });
    for (const from of [failedStep, { kind: 'step', step: 'normalize' } as const]) {
      const refused = letterEntry(capped, steps, from);
      expect(refused).toEqual({ problem: expect.stringContaining('--from-start') });
      expect((refused as { problem: string }).problem).toContain('300 bytes');
    }
    expect(letterEntry(capped, steps, { kind: 'start' })).toMatchObject({ index: 1, value: payload });
  });

  it('--from-step hands the named step the input when the letter failed there, else the payload, and says so past the first step', () => {
    const own = letterEntry(letter('normalize', { input }), steps, { kind: 'step', step: 'normalize' });
    expect(own).toMatchObject({ index: 2, value: input, payloadInstead: false });
    const other = letterEntry(letter('normalize', { input }), steps, { kind: 'step', step: 'export' });
    expect(other).toMatchObject({ index: 3, value: payload, payloadInstead: true });
    const first = letterEntry(letter('normalize', { input }), steps, { kind: 'step', step: 'rename' });
    expect(first).toMatchObject({ index: 1, value: payload, payloadInstead: false });
  });
});
