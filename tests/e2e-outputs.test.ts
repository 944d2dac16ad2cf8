import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { Pull } from 'zeromq';
import { getJson, settled } from './cli-helpers.js';
import {
  Pipelines,
  accountingLine,
  peakRssMiB,
  pusher,
  readNdjson,
  sendAll,
} from './support/e2e-pipeline.js';
import { faultPipeline, range, removeWorkDirs, sample, workDir } from './support/faults.js';
import { freeZmqAddress } from './support/outside.js';
import { reload } from './support/reload-helpers.js';

const pipelines = new Pipelines();
const sockets: Pull[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await pipelines.cleanup();
  await removeWorkDirs();
});

const N = 50_000;
const small = (seq: number) => `{"seq":${seq}}`;

interface Books {
  name: string;
  routed: number;
  written: number;
  dropped: number;
  deadLettered: number;
  lost: number;
  queued: number;
  waiting: number;
}

/** The exporter step's per-target books from `/api/metrics`, by name; each one's identity checked. */
async function booksOf(url: string): Promise<Record<string, Books>> {
  const m = await getJson(url, '/api/metrics');
  const step = (m.steps as { id: string; outputs?: Books[] }[]).find((s) => s.id === 'export')!;
  const byName: Record<string, Books> = {};
  for (const b of step.outputs!) {
    expect(b.routed, b.name).toBe(b.written + b.dropped + b.deadLettered + b.lost + b.queued);
    byName[b.name] = b;
  }
  return byName;
}

/** An archive file and a ZeroMQ next hop at an ipc path in `dir` where nothing listens (yet). */
function archiveAndHop(dir: string, hop: Record<string, unknown>) {
  return {
    targets: [
      { name: 'archive', type: 'file', path: 'archive.ndjson' },
      { name: 'next-hop', type: 'zmq', address: `ipc://${path.join(dir, 'hop')}`, ...hop },
    ],
    retries: 0,
  };
}

describe('outputs with a fate of their own, end to end', { timeout: 120_000 }, () => {
  it.each(['drop_newest', 'dead_letter'] as const)(
    'with the next hop down and %s, the archive gets every record and the books say what the hop missed',
    async (whenFull) => {
      const dir = await workDir();
      const exporter = archiveAndHop(dir, { sendTimeoutMs: 50, buffer: { maxRecords: 500, whenFull } });
      const { config, address } = await faultPipeline('unused', 'dead.ndjson', exporter);
      const run = await pipelines.start(config, { dir });
      const push = pusher(address);
      await sendAll(push, range(0, N).map(small));
      const m = await settled(run, N, 60_000);
      const books = await booksOf(run.url);
      const scraped = await (await fetch(new URL('/metrics', run.url))).text();
      push.close();
      run.child.kill('SIGTERM');
      const exit = await run.exit;
      const { accounting } = accountingLine(run);
      const archive = await readNdjson(path.join(dir, 'archive.ndjson'));
      const letters = await readNdjson(path.join(dir, 'dead.ndjson'));
      const hop = books['next-hop']!;
      console.log(
        `${whenFull}, hop down: archive ${archive.length}; next hop dropped ${hop.dropped}, dead-lettered ${hop.deadLettered}`,
      );

      expect(new Set(archive.map((r) => r.seq as number)).size).toBe(N);
      expect(books.archive).toMatchObject({ routed: N, written: N, dropped: 0, deadLettered: 0, queued: 0 });
      // The hop has none of them: each is dropped by its policy or dead-lettered for it alone.
      expect(hop).toMatchObject({ routed: N, written: 0, lost: 0, queued: 0 });
      expect(hop.dropped + hop.deadLettered).toBe(N);
      if (whenFull === 'dead_letter') expect(hop.dropped).toBe(0);
      expect(hop.deadLettered).toBeGreaterThan(0); // what the queue took failed once it was sent
      expect(letters.length).toBe(hop.deadLettered);
      for (const l of letters) {
        expect(l).toMatchObject({
          errorType: 'TAPLINE_ERR_EXPORT',
          targets: ['next-hop'],
          written: ['archive'],
        });
      }
      expect(new Set(letters.map((l) => l.payload.seq as number)).size).toBe(letters.length);
      expect(accounting).toMatchObject({ received: N, completed: 0, failed: hop.deadLettered, lost: 0 });
      expect(accounting.dropped).toBe(hop.dropped);
      expect(m.accounting.droppedBy.buffer_full ?? 0).toBe(hop.dropped);
      const series = (outcome: string) =>
        sample(scraped, `tapline_output_records_total{step="export",target="next-hop",outcome="${outcome}"}`);
      expect(series('dropped')).toBe(hop.dropped);
      expect(series('dead_lettered')).toBe(hop.deadLettered);
      expect(sample(scraped, 'tapline_output_queue_records{step="export",target="next-hop"}')).toBe(0);
      expect(exit.code).toBe(0);
    },
  );

  it('with block, a full queue holds the pipeline back, memory stays bounded, and a hop started mid-stream gets every record', async () => {
    const dir = await workDir();
    const maxRecords = 2_000;
    const exporter = archiveAndHop(dir, { sendTimeoutMs: -1, buffer: { maxRecords, whenFull: 'block' } });
    const { config, address } = await faultPipeline('unused', 'dead.ndjson', exporter, {
      runtime: { maxInFlight: 256, shutdownTimeoutMs: 10_000 },
    });
    const run = await pipelines.start(config, { dir });
    const push = pusher(address);
    const sending = sendAll(push, range(0, N).map(small));
    // The hop's queue is full and the host at maxInFlight besides it: intake stops.
    const stalled = await eventually(
      async () => {
        const m = await getJson(run.url, '/api/metrics');
        const books = await booksOf(run.url);
        const a = m.accounting;
        return books['next-hop']!.queued === maxRecords && a.inFlight - a.held === 256
          ? { a, books }
          : undefined;
      },
      { timeoutMs: 30_000, what: 'the next hop queue full and the host at maxInFlight' },
    );
    await new Promise((r) => setTimeout(r, 300));
    const later = (await getJson(run.url, '/api/metrics')).accounting;
    const rssMiB = await peakRssMiB(run.child.pid!);
    console.log(
      `block, hop down: intake stopped at ${later.received} of ${N}; queued ${maxRecords}, peak RSS ${Math.round(rssMiB)} MiB`,
    );
    expect(later.received).toBe(stalled.a.received);
    expect(later.received).toBeLessThanOrEqual(maxRecords + 256);
    expect(stalled.books['next-hop']!.waiting).toBeGreaterThan(0);
    expect(rssMiB).toBeLessThan(400);

    const hop = new Pull({ linger: 0 });
    sockets.push(hop);
    await hop.bind(`ipc://${path.join(dir, 'hop')}`);
    const got = new Set<number>();
    while (got.size < N) got.add((JSON.parse((await hop.receive())[0]!.toString()) as { seq: number }).seq);
    await sending;
    await settled(run, N);
    const books = await booksOf(run.url);
    push.close();
    run.child.kill('SIGTERM');
    const exit = await run.exit;
    const { accounting } = accountingLine(run);
    const archive = await readNdjson(path.join(dir, 'archive.ndjson'));
    expect(archive.length).toBe(N);
    expect(books['next-hop']).toMatchObject({ routed: N, written: N, dropped: 0, deadLettered: 0 });
    expect(accounting).toMatchObject({ received: N, completed: N, dropped: 0, failed: 0, lost: 0 });
    expect(exit.code).toBe(0);
  });

  it("a reload that keeps the exporter keeps its targets' queues, and what they hold reaches the next hop later", async () => {
    const dir = await workDir();
    const exporter = archiveAndHop(dir, { sendTimeoutMs: -1 });
    const { config, address } = await faultPipeline('unused', 'dead.ndjson', exporter);
    config.pipeline.splice(1, 0, {
      id: 'tag',
      plugin: '@tapline/plugin-processor',
      options: { steps: [{ type: 'set', field: 'v', value: 1 }] },
    });
    const run = await pipelines.start(config, { dir });
    const push = pusher(address);
    await sendAll(push, range(0, 20).map(small));
    await eventually(async () => ((await booksOf(run.url))['next-hop']!.queued === 20 ? true : undefined));

    config.pipeline[1]!.options = { steps: [{ type: 'set', field: 'v', value: 2 }] };
    const reloaded = await reload(run, run.file, config);
    expect(reloaded.kept).toContain('export');
    await sendAll(push, range(20, 40).map(small));
    const books = await eventually(async () => {
      const b = await booksOf(run.url);
      return b.archive!.written === 40 ? b : undefined;
    });
    expect(books['next-hop']).toMatchObject({ routed: 40, queued: 40, written: 0 });

    const hop = new Pull({ linger: 0 });
    sockets.push(hop);
    await hop.bind(`ipc://${path.join(dir, 'hop')}`);
    const got: { seq: number; v: number }[] = [];
    while (got.length < 40) got.push(JSON.parse((await hop.receive())[0]!.toString()));
    expect(got.map((r) => r.seq)).toEqual(range(0, 40));
    expect(got.map((r) => r.v)).toEqual([...range(0, 20).map(() => 1), ...range(0, 20).map(() => 2)]);
    await settled(run, 40);
    push.close();
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
  });

  it("a reload that changes another target's options keeps the next hop's bound socket and what it queues: the hop gets every record, in order, once", async () => {
    const dir = await workDir();
    const hopAddress = await freeZmqAddress();
    const targets: Record<string, unknown>[] = [
      { name: 'archive', type: 'file', path: 'archive.ndjson' },
      { name: 'next-hop', type: 'zmq', address: hopAddress, mode: 'bind', sendTimeoutMs: -1 },
    ];
    const { config, address } = await faultPipeline('unused', 'dead.ndjson', { targets, retries: 0 });
    const run = await pipelines.start(config, { dir });
    const push = pusher(address);
    await sendAll(push, range(0, 20).map(small));
    await eventually(async () => ((await booksOf(run.url))['next-hop']!.queued === 20 ? true : undefined));

    targets[0]!.path = 'archive-2.ndjson'; // the exporter's options change; the hop's do not
    const reloaded = await reload(run, run.file, config);
    expect(reloaded.msg).toMatch(/^config reloaded/);
    expect(reloaded.added).toContain('export');
    await sendAll(push, range(20, 40).map(small));
    const books = await eventually(async () => {
      const b = await booksOf(run.url);
      return b.archive!.written === 20 ? b : undefined;
    });
    expect(books['next-hop']).toMatchObject({ routed: 20, queued: 20, written: 0 });

    const hop = new Pull({ linger: 0 });
    sockets.push(hop);
    hop.connect(hopAddress);
    const got: { seq: number }[] = [];
    while (got.length < 40) got.push(JSON.parse((await hop.receive())[0]!.toString()));
    expect(got.map((r) => r.seq)).toEqual(range(0, 40));
    await settled(run, 40);
    push.close();
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    expect(accountingLine(run).accounting).toMatchObject({ received: 40, completed: 40, failed: 0, lost: 0 });
    expect(await readNdjson(path.join(dir, 'archive.ndjson'))).toHaveLength(20);
    expect(await readNdjson(path.join(dir, 'archive-2.ndjson'))).toHaveLength(20);
  });
});
