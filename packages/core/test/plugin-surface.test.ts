import { describe, expect, expectTypeOf, it } from 'vitest';
import * as curve from '../src/curve/index.js';
import * as core from '../src/index.js';
import {
  SourceDomain,
  createMessageContext,
  type HookView,
  type Intake,
  type MessageContext,
} from '../src/index.js';
import { connectIntake, forwardRecord, markOf } from '../src/internal.js';
import { FnDomain } from './helpers.js';

class Source extends SourceDomain<string, string> {
  execute(raw: string): string {
    return raw.toUpperCase();
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  take(raw: string): void {
    void this.ingest(raw);
  }
}

/** An intake that counts what it accepts. */
function countingIntake(): Intake & { accepted: number } {
  return {
    accepted: 0,
    hasCapacity: true,
    waitForCapacity: () => Promise.resolve(),
    accept(source, raw, attributes, receivedAt) {
      this.accepted++;
      return createMessageContext(source, raw, attributes, receivedAt);
    },
  };
}

describe('the plugin API', () => {
  it('exports no host machinery from the index', () => {
    for (const name of ['Monitor', 'ChainError', 'PluginLoadError', 'formatProblems', 'unboundedIntake'])
      expect(core).not.toHaveProperty(name);
    for (const name of ['LineFile', 'withRetry', 'zapAuthority', 'secureCurveSocket', 'isSource'])
      expect(core).not.toHaveProperty(name);
    for (const name of ['resolveType', 'silentLogger', 'ERROR_CODES']) expect(core).not.toHaveProperty(name);
  });

  it('exports from the curve subpath what a plugin secures a socket with, not the ZAP handler behind it', () => {
    expect(curve).toHaveProperty('secureCurveSocket');
    for (const name of ['ZapAuthority', 'zapAuthority', 'ZAP_ENDPOINT', 'z85Encode', 'loadCurveKeys'])
      expect(curve).not.toHaveProperty(name);
  });

  it("lets plugins read a step's hooks and register through on* only", () => {
    const d = new FnDomain<number, number>('x', (v) => v);
    expect(d.hooks.handled.isUsed()).toBe(false);
    d.onHandled(() => {}, 'next');
    expect(d.hooks.handled.isUsed()).toBe(true);
    expect(d.hooks.handled.taps.map((t) => t.name)).toEqual(['next']);
    expectTypeOf(d.hooks.handled).toEqualTypeOf<HookView>();
    // @ts-expect-error -- a plugin cannot call a hook
    expect(typeof d.hooks.handled.call).toBe('function');
    // @ts-expect-error -- nor tap one but through the on* methods
    expect(typeof d.hooks.success.tap).toBe('function');
  });

  it("keeps a source's intake out of the plugin's reach: the host connects it", () => {
    const s = new Source({ id: 'in' });
    const intake = countingIntake();
    expect(() => {
      // @ts-expect-error -- read-only to plugins
      s.intake = intake;
    }).toThrow(TypeError);
    connectIntake(s, intake);
    expect(s.intake).toBe(intake);
    s.take('a');
    expect(intake.accepted).toBe(1);
  });

  it('connects and forwards to a step built against another copy of @tapline/core', async () => {
    // Second module instances, as a plugin that installed its own @tapline/core would load.
    const base = (await import(new URL('../src/base-domain.ts?surface-copy', import.meta.url).href)) as {
      BaseDomain: typeof core.BaseDomain;
    };
    const source = (await import(new URL('../src/source-domain.ts?surface-copy', import.meta.url).href)) as {
      SourceDomain: typeof SourceDomain;
    };
    expect(base.BaseDomain).not.toBe(core.BaseDomain);
    expect(source.SourceDomain).not.toBe(SourceDomain);
    class OtherStep extends base.BaseDomain<string, string> {
      execute(input: string): string {
        return input;
      }
    }
    class OtherSource extends source.SourceDomain<string, string> {
      execute(raw: string): string {
        return raw;
      }
      async start(): Promise<void> {}
      async stop(): Promise<void> {}
      take(raw: string): void {
        void this.ingest(raw);
      }
    }
    const step = new OtherStep({ id: 'other' });
    const seen: Array<[string, MessageContext]> = [];
    step.onHandled((output, message) => void seen.push([output, message]));
    const m = createMessageContext('test');
    forwardRecord(step, 'x', m);
    expect(seen).toEqual([['x', m]]);

    const s = new OtherSource({ id: 'in' });
    const intake = countingIntake();
    connectIntake(s, intake);
    s.take('a');
    expect(intake.accepted).toBe(1);
  });

  it("times a record's stages through the context's own mark, no cast", () => {
    const d = new FnDomain<number, number>('x', (v) => v);
    const m: MessageContext = { id: 1, receivedAt: 5, source: 'hand-written' };
    expect(markOf(m)).toBe(5);
    d.onHandled(() => {});
    void d.handle(1, m);
    expect(m.mark).toBeGreaterThan(5);
    expect(markOf(m)).toBe(m.mark);
  });
});
