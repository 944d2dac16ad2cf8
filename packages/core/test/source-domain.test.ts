import { describe, expect, it } from 'vitest';
import { SourceDomain, type AnyDomain } from '../src/index.js';
import { isSource } from '../src/internal.js';
import { FnDomain } from './helpers.js';

class Source extends SourceDomain<unknown, unknown> {
  execute(raw: unknown): unknown {
    return raw;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

describe('isSource', () => {
  it('tells a SourceDomain from a plain domain, whatever methods the plain one has', () => {
    expect(isSource(new Source({ id: 'in' }))).toBe(true);
    const plain = Object.assign(new FnDomain('work', (x) => x), { start() {}, stop() {} });
    expect(isSource(plain)).toBe(false);
  });

  it('recognises a source built against another copy of @tapline/core', async () => {
    // A second module instance, as a plugin that installed its own @tapline/core would load.
    const url = new URL('../src/source-domain.ts?another-copy', import.meta.url).href;
    const other = (await import(url)) as { SourceDomain: typeof SourceDomain };
    expect(other.SourceDomain).not.toBe(SourceDomain);
    class OtherSource extends other.SourceDomain<unknown, unknown> {
      execute(raw: unknown): unknown {
        return raw;
      }
      async start(): Promise<void> {}
      async stop(): Promise<void> {}
    }
    const domain: AnyDomain = new OtherSource({ id: 'in' });
    expect(domain instanceof SourceDomain).toBe(false);
    expect(isSource(domain)).toBe(true);
  });
});
