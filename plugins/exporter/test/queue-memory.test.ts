import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { MessageContext } from '@tapline/core';
import { eventually } from '@tapline/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { Pull } from 'zeromq';
import type { ExporterDomain } from '../src/index.js';
import { context, exporterTo, shutdownExporters } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const sockets: Pull[] = [];
afterEach(async () => {
  await shutdownExporters();
  for (const s of sockets.splice(0)) s.close();
});

/** A megabyte of JSON: a few fill the kernel's buffers to a peer that does not read. */
const big = { text: 'x'.repeat(1 << 20) };

/** Hands the exporter one record; only a weak reference to its context stays here. */
function send(d: ExporterDomain, done: Promise<unknown>[]): WeakRef<MessageContext> {
  const message = context();
  done.push(Promise.resolve(d.handle({ ...big }, message)));
  return new WeakRef(message);
}

describe("an output's queue", () => {
  it('keeps nothing of a record once its write is answered, while later writes are still waiting', async () => {
    // A next hop that takes a few records into its buffers and then reads nothing: the first
    // sends are answered, the later ones wait, so the output keeps queued runs behind settled ones.
    const hop = new Pull({ receiveHighWaterMark: 1, receiveBufferSize: 65536 });
    sockets.push(hop);
    await hop.bind('tcp://127.0.0.1:*');
    const d = exporterTo({
      type: 'zmq',
      address: hop.lastEndpoint as string,
      name: 'next-hop',
      sendHighWaterMark: 1,
      sendBufferSize: 65536,
      sendTimeoutMs: 60_000,
      buffer: { maxRecords: 1000, maxBytes: 1 << 30 },
    });
    await d.initialize();
    const done: Promise<unknown>[] = [];
    const refs: WeakRef<MessageContext>[] = [];
    for (let i = 0; i < 64; i++) refs.push(send(d, done));
    const books = () => d.outputBooks()[0]!;
    // Wait until the sends stop: some answered, the rest queued behind the one that waits.
    let last = -1;
    await eventually(
      async () => {
        const { written } = books();
        const still = written === last;
        last = written;
        await new Promise((r) => setTimeout(r, 100));
        return still && written > 0 && books().written === written;
      },
      { what: 'the next hop to stop taking records', timeoutMs: 20_000 },
    );
    const { written, queued } = books();
    expect(written).toBeGreaterThan(0);
    expect(queued).toBe(64 - written);
    gc();
    const kept = refs.slice(0, written).filter((r) => r.deref() !== undefined).length;
    expect(kept).toBe(0);
    // The records still queued are kept, as they must be.
    expect(refs.slice(written).every((r) => r.deref() !== undefined)).toBe(true);
    await d.shutdown().catch(() => {});
    await Promise.all(done);
  });
});

describe('a record that waits for a slow output', () => {
  it('keeps the other records of its batch only as long as they wait themselves', async () => {
    // Nothing listens at the next hop's address: a record routed there waits for its send.
    const probe = new Pull();
    await probe.bind('tcp://127.0.0.1:*');
    const address = probe.lastEndpoint as string;
    probe.close();
    const d = exporterTo({
      type: 'zmq',
      address,
      name: 'next-hop',
      sendTimeoutMs: 60_000,
      where: { field: 'keep', eq: true },
    });
    await d.initialize();
    const refs: WeakRef<object>[] = [];
    const done = (() => {
      const inputs = Array.from({ length: 64 }, (_, i) => ({ keep: i === 0, text: 'x'.repeat(1000) }));
      const messages = inputs.map(() => context());
      for (let i = 1; i < 64; i++) refs.push(new WeakRef(inputs[i]!), new WeakRef(messages[i]!));
      return d.handleBatch(inputs, messages, performance.now());
    })();
    expect(d.outputBooks()[0]).toMatchObject({ routed: 1, queued: 1 });
    // A weak reference keeps its target alive until the job that made it ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    // The 63 records that matched no target are done: nothing of them is kept.
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    await d.shutdown().catch(() => {});
    await done;
  });
});
