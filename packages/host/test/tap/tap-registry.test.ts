import { BaseDomain, DROP, createMessageContext, type MessageContext } from '@tapline/core';
import { silentLogger, type StepLedger } from '@tapline/core/internal';
import { describe, expect, it } from 'vitest';
import type { HostStep } from '../../src/runtime/host-types.js';
import type { TapListener } from '../../src/tap/tap-listener.js';
import { TapRegistry } from '../../src/tap/tap-registry.js';
import { Reservoir } from '../../src/tap/reservoir.js';

/** Doubles a number; drops 0; fails on a negative one. */
class Double extends BaseDomain<number, number> {
  execute(x: number) {
    if (x < 0) throw new RangeError('negative');
    return x === 0 ? DROP : x * 2;
  }
}

function wired() {
  const domain = new Double({ id: 'double' });
  const handedOn: number[] = [];
  const ended: string[] = [];
  const handOn = (outputs: number[]) => void handedOn.push(...outputs);
  const ledger: StepLedger = {
    dropped: (m) => void ended.push(`dropped ${m.id}`),
    failed: (_e, m) => void ended.push(`failed ${m.id}`),
  };
  domain.handOn = handOn;
  domain.ledger = ledger;
  const step = { id: 'double', domain, output: 'json' } as unknown as HostStep;
  return { domain, handOn, ledger, handedOn, ended, registry: new TapRegistry(() => [step], silentLogger) };
}

function listener() {
  const seen: string[] = [];
  const l: TapListener = {
    batch: (step, side, records) => void seen.push(`${step} ${side} ${records.join(',')}`),
    ended: (step, side, record, _m: MessageContext, e) =>
      void seen.push(`${step} ${side} ${String(record)} ${e.reason ?? (e.error as Error)?.message}`),
  };
  return { l, seen };
}

const run = (domain: Double, inputs: number[]) =>
  domain.handleBatch(
    inputs,
    inputs.map(() => createMessageContext('test')),
    performance.now(),
  );

describe('TapRegistry', () => {
  it('wraps a step only while tapped, and gives it back exactly as wired when the last tap leaves', () => {
    const { domain, handOn, ledger, handedOn, ended, registry } = wired();
    const a = listener();
    const b = listener();
    const detach = [
      registry.attach('double', 'output', a.l),
      registry.attach('double', 'input', a.l),
      registry.attach('double', 'dropped', b.l),
      registry.attach('double', 'failed', b.l),
    ];
    expect(domain.handOn).not.toBe(handOn);
    expect(domain.ledger).not.toBe(ledger);
    expect(Object.hasOwn(domain, 'handleBatch')).toBe(true);
    void run(domain, [1, 0, -1, 2]);
    expect(a.seen).toEqual(['double input 1,0,-1,2', 'double output 2,4']);
    expect(b.seen).toEqual(['double dropped 0 undefined', 'double failed -1 negative']);
    // The wiring still gets everything.
    expect(handedOn).toEqual([2, 4]);
    expect(ended).toHaveLength(2);
    for (const d of detach) d();
    detach[0]!(); // safe twice
    expect(domain.handOn).toBe(handOn);
    expect(domain.ledger).toBe(ledger);
    expect(Object.hasOwn(domain, 'handleBatch')).toBe(false);
    void run(domain, [3]);
    expect(a.seen).toHaveLength(2);
    expect(handedOn).toEqual([2, 4, 6]);
  });

  it('keeps the wrapper while another tap needs it', () => {
    const { domain, handOn, registry } = wired();
    const a = listener();
    const b = listener();
    const first = registry.attach('double', 'output', a.l);
    const second = registry.attach('double', 'output', b.l);
    first();
    void run(domain, [5]);
    expect(b.seen).toEqual(['double output 10']);
    expect(a.seen).toEqual([]);
    second();
    expect(domain.handOn).toBe(handOn);
  });

  it('remembers what a terminal step was handed only while a listener would take the sample', () => {
    const domain = new Double({ id: 'write' });
    domain.handOn = () => undefined;
    const step = { id: 'write', domain, output: 'receipt' } as unknown as HostStep;
    const registry = new TapRegistry(() => [step], silentLogger);
    let room = false;
    const written: unknown[] = [];
    const l: TapListener = {
      wants: () => room,
      batch: (_s, _side, records, messages, _at, entered) =>
        messages.forEach((m, i) => written.push([entered?.(m), records[i]])),
      ended: () => undefined,
    };
    registry.attach('write', 'output', l);
    void run(domain, [1]);
    room = true;
    void run(domain, [2]);
    // The output side of a terminal step shows what it wrote (its input) beside what it handed on.
    expect(written).toEqual([
      [undefined, 2],
      [2, 4],
    ]);
  });

  it('refuses a step the pipeline does not have, naming the ones it has', () => {
    const { registry } = wired();
    expect(() => registry.attach('nope', 'output', listener().l)).toThrow(
      expect.objectContaining({ code: 'TAPLINE_ERR_TAP_QUERY', param: 'step' }),
    );
  });
});

describe('Reservoir', () => {
  it('samples each offered item with the same chance', () => {
    const hits = new Array<number>(100).fill(0);
    for (let round = 0; round < 2000; round++) {
      const r = new Reservoir<number>(5);
      for (let i = 0; i < 100; i++) {
        const slot = r.slot();
        if (slot >= 0) r.put(slot, i);
      }
      const sample = r.take();
      expect(sample).toHaveLength(5);
      for (const i of sample) hits[i]!++;
    }
    // Each item is expected 2000 * 5/100 = 100 times; first and last tenths alike.
    const tenth = (from: number) => hits.slice(from, from + 10).reduce((a, b) => a + b, 0);
    expect(tenth(0)).toBeGreaterThan(700);
    expect(tenth(0)).toBeLessThan(1300);
    expect(tenth(90)).toBeGreaterThan(700);
    expect(tenth(90)).toBeLessThan(1300);
  });
});
