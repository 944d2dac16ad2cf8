import { Writable } from 'node:stream';
import {
  BaseDomain,
  DROP,
  createMessageContext,
  type AnyDomain,
  type MessageContext,
  type Outcome,
} from '@tapline/core';
import { silentLogger, type StepLedger } from '@tapline/core/internal';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HostStep } from '../../src/runtime/host-types.js';
import { openTap, type FollowSource } from '../../src/tap/open-tap.js';
import { TapRegistry } from '../../src/tap/tap-registry.js';
import { TapSink } from '../../src/tap/tap-sink.js';

interface Rec {
  readonly tag: string;
  readonly n: number;
}

class Pass extends BaseDomain<Rec, Rec> {
  execute(r: Rec) {
    return r;
  }
}

/** Doubles `n`; drops n = 0. */
class Double extends BaseDomain<Rec, Rec> {
  execute(r: Rec) {
    return r.n === 0 ? DROP : { ...r, n: r.n * 2 };
  }
}

/** A terminal step: hands on a receipt of what it wrote. */
class Write extends BaseDomain<Rec, { written: number }> {
  execute(r: Rec) {
    return { written: r.n };
  }
}

/** ingest → double → write, each handing on to the next as the host's router does (looked up per batch). */
function pipeline() {
  const domains: AnyDomain[] = [
    new Pass({ id: 'ingest' }),
    new Double({ id: 'double' }),
    new Write({ id: 'write' }),
  ];
  const wired = domains.map((d, i) => {
    const next = domains[i + 1];
    const handOn = (outputs: unknown[], messages: MessageContext[], at: number) =>
      void next?.handleBatch(outputs, messages, at);
    const ledger: StepLedger = { dropped: () => undefined, failed: () => undefined };
    d.handOn = handOn;
    d.ledger = ledger;
    return { domain: d, handOn, ledger };
  });
  const steps = domains.map(
    (domain, i) => ({ id: domain.id, domain, output: i === 2 ? 'receipt' : 'json' }) as unknown as HostStep,
  );
  const registry = new TapRegistry(() => steps, silentLogger);
  /** Whether each step runs exactly as wired (no tap's wrapper on it). */
  const asWired = () =>
    wired.map(
      ({ domain, handOn, ledger }) =>
        domain.handOn === handOn && domain.ledger === ledger && !Object.hasOwn(domain, 'handleBatch'),
    );
  const outcomes = new Map<number, (outcome: Outcome) => void>();
  const source: FollowSource = {
    observe: (m, fn) => void outcomes.set(m.id, fn),
    deadLetterFile: false,
    nextMessageId: () => 0,
    openMessage: () => undefined,
  };
  const lines: Array<Record<string, any>> = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l));
      done();
    },
  });
  const sink = new TapSink(out, (json) => `${json}\n`, { attached: 0, sent: 0, skipped: 0, buffered: 0 });
  const messages: MessageContext[] = [];
  const run = (records: Rec[]) => {
    const batch = records.map((r) => createMessageContext('test', r));
    messages.push(...batch);
    void domains[0]!.handleBatch(records, batch, performance.now());
    return batch;
  };
  return { registry, source, sink, lines, outcomes, asWired, run, messages };
}

/** The calls that remembered a record for one of `messages` (a step's WeakMap of what it was handed). */
function remembering(messages: readonly MessageContext[]) {
  const set = vi.spyOn(WeakMap.prototype, 'set');
  return () => set.mock.calls.filter(([key]) => messages.includes(key as MessageContext)).length;
}

const others = (n: number): Rec[] => Array.from({ length: n }, (_, k) => ({ tag: 'other', n: k % 3 }));

afterEach(() => vi.restoreAllMocks());

describe('following a message', () => {
  it('follow=next taps only the first step until a record matches, then every step, and lets go at the outcome', () => {
    const p = pipeline();
    const where = (r: unknown) => (r as Rec).tag === 'wanted';
    let ended = 0;
    const close = openTap(
      p.registry,
      p.source,
      { steps: [], sides: [], follow: 'next', where, sse: false },
      p.sink,
      () => ended++,
    );
    const remembered = remembering(p.messages);
    // Only the first step's batches are seen: the others run exactly as wired.
    expect(p.asWired()).toEqual([false, true, true]);
    for (let i = 0; i < 20; i++) p.run(others(10));
    expect(p.asWired()).toEqual([false, true, true]);
    expect(p.lines).toEqual([]);
    expect(remembered()).toBe(0);

    const [, followed] = p.run([
      { tag: 'other', n: 1 },
      { tag: 'wanted', n: 4 },
      { tag: 'wanted', n: 5 },
    ]);
    expect(p.asWired()).toEqual([false, false, false]);
    expect(p.lines.map((l) => [l.step, l.side, l.id, l.record])).toEqual([
      ['ingest', 'input', followed!.id, { tag: 'wanted', n: 4 }],
      ['ingest', 'output', followed!.id, { tag: 'wanted', n: 4 }],
      ['double', 'input', followed!.id, { tag: 'wanted', n: 4 }],
      ['double', 'output', followed!.id, { tag: 'wanted', n: 8 }],
      ['write', 'input', followed!.id, { tag: 'wanted', n: 8 }],
      // A terminal step's output is the record it wrote, beside its receipt.
      ['write', 'output', followed!.id, { tag: 'wanted', n: 8 }],
    ]);
    expect(p.lines.at(-1)!.receipt).toEqual({ written: 8 });
    expect(remembered()).toBe(0);
    p.outcomes.get(followed!.id)!('completed');
    expect(p.lines.at(-1)).toEqual({ type: 'outcome', id: followed!.id, outcome: 'completed' });
    expect(ended).toBe(1);
    expect(p.asWired()).toEqual([true, true, true]);
    close();
  });

  it('follow=ID of a message far ahead remembers no record the steps are handed, and still shows where its own was dropped', () => {
    const p = pipeline();
    const target = createMessageContext('probe').id + 1 + 500 + 2;
    const close = openTap(
      p.registry,
      p.source,
      { steps: [], sides: [], follow: target, sse: false },
      p.sink,
      () => undefined,
    );
    const remembered = remembering(p.messages);
    expect(p.asWired()).toEqual([false, false, false]);
    // 500 messages pass every step (a third of them dropped at `double`) before the followed one comes.
    for (let i = 0; i < 50; i++) p.run(others(10));
    expect(p.lines).toEqual([]);
    expect(remembered()).toBe(0);

    const batch = p.run([
      { tag: 'x', n: 1 },
      { tag: 'x', n: 2 },
      { tag: 'followed', n: 0 },
    ]);
    expect(batch[2]!.id).toBe(target);
    expect(remembered()).toBe(0);
    expect(p.lines.map((l) => [l.step, l.side, l.record, l.reason])).toEqual([
      ['ingest', 'input', { tag: 'followed', n: 0 }, undefined],
      ['ingest', 'output', { tag: 'followed', n: 0 }, undefined],
      ['double', 'input', { tag: 'followed', n: 0 }, undefined],
      // The drop shows the record as `double` was handed it, kept by the follow itself.
      ['double', 'dropped', { tag: 'followed', n: 0 }, 'filtered'],
    ]);
    p.outcomes.get(target)!('dropped');
    expect(p.lines.at(-1)).toMatchObject({
      type: 'outcome',
      outcome: 'dropped',
      step: 'double',
      reason: 'filtered',
    });
    expect(p.asWired()).toEqual([true, true, true]);
    close();
  });
});
