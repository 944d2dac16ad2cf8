import { describe, expect, it } from 'vitest';
import {
  BaseDomain,
  DROP,
  createMessageContext,
  dropWith,
  type ExecuteResult,
  type MessageContext,
} from '../src/index.js';
import { Monitor, type StepLedger } from '../src/internal.js';
import { FnDomain } from './helpers.js';

const FULL = dropWith('buffer_full');

function batchOf(n: number): { inputs: number[]; messages: MessageContext[] } {
  const inputs = Array.from({ length: n }, (_, i) => i);
  return { inputs, messages: inputs.map(() => createMessageContext('test')) };
}

/** A ledger that keeps what the step told it, as the host's accounting would. */
function ledger(): StepLedger & {
  drops: Array<[number, string | undefined]>;
  fails: Array<[number, string]>;
  /** What the step held for each failed record, by message id. */
  inputs: Map<number, unknown>;
} {
  const drops: Array<[number, string | undefined]> = [];
  const fails: Array<[number, string]> = [];
  const inputs = new Map<number, unknown>();
  return {
    drops,
    fails,
    inputs,
    dropped: (m, reason) => void drops.push([m.id, reason]),
    failed: (_err, m, operation, _ms, input) => {
      fails.push([m.id, operation]);
      inputs.set(m.id, input);
    },
  };
}

describe('BaseDomain.handleBatch', () => {
  it("tells the ledger what a failed record's step held: its input as execute left it, after an asynchronous answer too", async () => {
    const step = new FnDomain<{ n: number; seen?: boolean }, unknown>('s', (x) => {
      x.seen = true; // changed in place before it fails
      if (x.n === 1) throw new RangeError('one');
      return x.n === 2 ? Promise.reject(new RangeError('two')) : x;
    });
    const l = (step.ledger = ledger());
    const inputs = [{ n: 0 }, { n: 1 }, { n: 2 }];
    const messages = inputs.map(() => createMessageContext('test'));
    await step.handleBatch(inputs, messages, performance.now());
    expect(l.fails.map(([id]) => id)).toEqual([messages[1]!.id, messages[2]!.id]);
    expect(l.inputs.get(messages[1]!.id)).toEqual({ n: 1, seen: true });
    expect(l.inputs.get(messages[2]!.id)).toBe(inputs[2]);
  });

  it('counts each record exactly, hands the forwarded ones on as one batch in order, and makes no event when no one listens', () => {
    const step = new FnDomain<number, number>('s', (x) => {
      if (x % 4 === 1) return DROP;
      if (x % 4 === 2) return FULL;
      if (x % 4 === 3) throw new RangeError(`bad ${x}`);
      return x * 10;
    });
    const monitor = new Monitor();
    monitor.attach(step);
    const l = (step.ledger = ledger());
    const handed: Array<{ outputs: number[]; ids: number[] }> = [];
    step.handOn = (outputs, messages) => void handed.push({ outputs, ids: messages.map((m) => m.id) });
    const { inputs, messages } = batchOf(8);
    expect(step.handleBatch(inputs, messages, performance.now())).toBeUndefined();

    expect(handed).toEqual([{ outputs: [0, 40], ids: [messages[0]!.id, messages[4]!.id] }]);
    expect(l.drops).toEqual([
      [messages[1]!.id, undefined],
      [messages[2]!.id, 'buffer_full'],
      [messages[5]!.id, undefined],
      [messages[6]!.id, 'buffer_full'],
    ]);
    expect(l.fails).toEqual([
      [messages[3]!.id, 'handle'],
      [messages[7]!.id, 'handle'],
    ]);
    expect([...l.inputs.values()]).toEqual([3, 7]);
    const s = monitor.getMetrics().operations['s.handle']!;
    expect(s).toMatchObject({ handled: 8, success: 6, dropped: 4, errors: 2, batches: 1 });
    expect(s.errorTypes).toEqual({ RangeError: 2 });
    expect(s.durations.added).toBe(8);
    for (const hook of [step.hooks.success, step.hooks.error, step.hooks.dropped])
      expect(hook.taps).toHaveLength(0);
  });

  it("reports one event per record while someone listens, each with the record's share of the batch", () => {
    const step = new FnDomain<number, number>('s', (x) => x);
    const durations: number[] = [];
    step.onSuccess((e) => durations.push(e.durationMs));
    const { inputs, messages } = batchOf(4);
    const startedAt = performance.now() - 8;
    void step.handleBatch(inputs, messages, startedAt);
    expect(durations).toHaveLength(4);
    expect(new Set(durations).size).toBe(1);
    expect(durations[0]).toBeGreaterThanOrEqual(2); // at least 8 ms over 4 records
  });

  it('hands on the records that share one answer together, once it comes, and counts their wait', async () => {
    let answer!: (v: string) => void;
    const shared = new Promise<string>((resolve) => (answer = resolve));
    const step = new FnDomain<number, string>('s', () => shared);
    const monitor = new Monitor();
    monitor.attach(step);
    const handed: string[][] = [];
    step.handOn = (outputs) => void handed.push(outputs);
    const { inputs, messages } = batchOf(5);
    const done = step.handleBatch(inputs, messages, performance.now());
    expect(done).toBeInstanceOf(Promise);
    expect(handed).toEqual([]);
    answer('ok');
    await done;
    expect(handed).toEqual([['ok', 'ok', 'ok', 'ok', 'ok']]);
    const s = monitor.getMetrics().operations['s.handle']!;
    expect(s).toMatchObject({ success: 5, batches: 1 });
    expect(s.queueWait.added).toBe(5);
  });

  it('runs executeBatch instead of execute: a rejected result fails its record alone, a throw the whole batch', async () => {
    class Batched extends BaseDomain<number, number> {
      calls = 0;
      execute(): number {
        throw new Error('execute is not used when executeBatch is defined');
      }
      override executeBatch(inputs: readonly number[]): ExecuteResult<number>[] {
        this.calls++;
        if (inputs.includes(99)) throw new TypeError('whole batch');
        return inputs.map((x) => (x === 2 ? Promise.reject(new RangeError('two')) : x + 1));
      }
    }
    const step = new Batched({ id: 'b' });
    const l = (step.ledger = ledger());
    const handed: number[][] = [];
    step.handOn = (outputs) => void handed.push(outputs);
    const first = batchOf(4);
    await step.handleBatch(first.inputs, first.messages, performance.now());
    expect(handed).toEqual([[1, 2, 4]]);
    expect(l.fails).toEqual([[first.messages[2]!.id, 'handle']]);
    expect(l.inputs.get(first.messages[2]!.id)).toBe(2);
    const second = batchOf(2);
    second.inputs[1] = 99;
    await step.handleBatch(second.inputs, second.messages, performance.now());
    expect(l.fails.slice(1).map(([id]) => id)).toEqual(second.messages.map((m) => m.id));
    expect(second.messages.map((m) => l.inputs.get(m.id))).toEqual([0, 99]);
    expect(step.calls).toBe(2);
  });
});
