import { describe, expect, it } from 'vitest';
import type { ErrorEvent, MessageContext } from '../src/index.js';
import { markOf } from '../src/internal.js';
import { FnDomain, context } from './helpers.js';

/** `up` (sync) then `down` (async, failing on 0), recording every event's duration in order. */
function chain() {
  const up = new FnDomain<number, number>('up', (x) => x);
  const down = new FnDomain<number, number>('down', async (x) => {
    if (x === 0) throw new RangeError('zero');
    return x;
  });
  up.onHandled((x, m) => down.handle(x, m));
  const durations: number[] = [];
  const errors: ErrorEvent[] = [];
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  up.onSuccess((e) => durations.push(e.durationMs));
  down.onSuccess((e) => {
    durations.push(e.durationMs);
    ended();
  });
  down.onError((e) => {
    durations.push(e.durationMs);
    errors.push(e);
    ended();
  });
  return { up, durations, errors, done };
}

describe('stage timing', () => {
  it("tiles a chain: the steps' durations add up to the time from receipt to the last step's end", async () => {
    const { up, durations, done } = chain();
    const m = context();
    await up.handle(1, m);
    await done;
    expect(durations).toHaveLength(2);
    for (const d of durations) expect(d).toBeGreaterThanOrEqual(0);
    expect(durations[0]! + durations[1]!).toBeCloseTo(markOf(m) - m.receivedAt, 9);
  });

  it('times a context written by hand from its receivedAt, on success and on error, never as NaN', async () => {
    for (const input of [1, 0]) {
      const { up, durations, errors, done } = chain();
      const m: MessageContext = { id: 1, receivedAt: performance.now(), source: 'test' };
      expect(markOf(m)).toBe(m.receivedAt);
      await up.handle(input, m);
      await done;
      expect(errors).toHaveLength(input === 0 ? 1 : 0);
      expect(durations).toHaveLength(2);
      for (const d of durations) expect(Number.isFinite(d) && d >= 0, `duration ${d}`).toBe(true);
      expect(durations[0]! + durations[1]!).toBeCloseTo(markOf(m) - m.receivedAt, 9);
    }
  });
});
