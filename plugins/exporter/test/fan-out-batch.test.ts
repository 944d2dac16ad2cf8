import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExportError, type MessageContext } from '@tapline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Pull } from 'zeromq';
import { ExporterDomain, type ExporterOptions } from '../src/index.js';
import { context, tempDir } from './helpers.js';

const made: ExporterDomain[] = [];
const sockets: Pull[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await d.shutdown().catch(() => {});
  for (const s of sockets.splice(0)) s.close();
});

/** An archive file beside a ZeroMQ next hop where nothing reads, whose queue holds 5 records. */
async function archiveAndDeadHop(whenFull: 'drop_newest' | 'dead_letter') {
  const hop = new Pull();
  sockets.push(hop);
  await hop.bind('tcp://127.0.0.1:*');
  const address = hop.lastEndpoint as string;
  hop.close(); // the address is now one where nothing listens
  const path = join(await tempDir(), 'archive.ndjson');
  const options: ExporterOptions = {
    targets: [
      { type: 'file', path, name: 'archive' },
      { type: 'zmq', address, name: 'next-hop', sendTimeoutMs: 50, buffer: { maxRecords: 5, whenFull } },
    ],
    retries: 1,
    retryDelayMs: 5,
    retryMaxDelayMs: 5,
  };
  const d = new ExporterDomain(options, { id: 'export' });
  made.push(d);
  await d.initialize();
  const archive = d.outputs[0]!.target;
  const counts = { writes: 0, batchWrites: 0 };
  const write = archive.write.bind(archive);
  const writeBatch = archive.writeBatch!.bind(archive);
  archive.write = (json) => (counts.writes++, write(json));
  archive.writeBatch = (jsons) => (counts.batchWrites++, writeBatch(jsons));
  return { d, path, counts };
}

async function runBatch(d: ExporterDomain, size: number) {
  const inputs = Array.from({ length: size }, (_, i) => ({ i }));
  const messages = inputs.map(() => context());
  const dropped = new Map<number, string | undefined>();
  const failed = new Map<number, ExportError>();
  d.onDropped((e, m) => dropped.set(m.id, e.reason));
  d.onError((e, m) => failed.set(m.id, e.cause as ExportError));
  const forwarded: MessageContext[] = [];
  d.handOn = (_outputs, ms) => void forwarded.push(...ms);
  const done = d.handleBatch(inputs, messages, performance.now());
  return { inputs, messages, dropped, failed, forwarded, done };
}

describe('a batch fanned out to several targets', () => {
  it('with the next hop full (drop_newest), the archive takes the rest of the batch in one write and the record-level outcome is dropped', async () => {
    const { d, path, counts } = await archiveAndDeadHop('drop_newest');
    const { inputs, messages, dropped, forwarded, done } = await runBatch(d, 300);
    // The hop's 5 places go record by record; the 295 records it has no room for share one write.
    expect([counts.writes, counts.batchWrites]).toEqual([5, 1]);
    // The writes were handed to the file, not yet done: read it once the archive says so.
    await vitestEventually(() => d.outputBooks()[0]!.written === 300);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(inputs.map((r) => r.i));
    expect(dropped.size).toBe(295);
    expect(dropped.get(messages[5]!.id)).toBe('buffer_full');
    expect(dropped.has(messages[4]!.id)).toBe(false);
    const [archive, hop] = d.outputBooks();
    expect(archive).toMatchObject({ routed: 300, written: 300, dropped: 0, deadLettered: 0, queued: 0 });
    expect(hop).toMatchObject({ routed: 300, dropped: 295, queued: 5 });
    await d.shutdown().catch(() => {});
    await done;
    expect(forwarded).toHaveLength(0); // the first 5 fail at the stop: the hop never had them
    const after = d.outputBooks()[1]!;
    expect(after.routed).toBe(after.written + after.dropped + after.deadLettered + after.lost + after.queued);
  });

  it('with the next hop full (dead_letter), the rest of the batch fails naming the hop alone and the archive as having it', async () => {
    const { d, counts } = await archiveAndDeadHop('dead_letter');
    const { messages, failed, done } = await runBatch(d, 64);
    expect([counts.writes, counts.batchWrites]).toEqual([5, 1]);
    await vitestEventually(() => failed.size >= 59);
    const err = failed.get(messages[63]!.id)!;
    expect(err).toBeInstanceOf(ExportError);
    expect([err.targets, err.written]).toEqual([['next-hop'], ['archive']]);
    expect(failed.has(messages[4]!.id)).toBe(false);
    expect(d.outputBooks()[1]).toMatchObject({ routed: 64, deadLettered: 59, queued: 5 });
    expect(d.outputBooks()[0]).toMatchObject({ routed: 64, written: 64 });
    await d.shutdown().catch(() => {});
    await done;
  });
});

async function vitestEventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}
