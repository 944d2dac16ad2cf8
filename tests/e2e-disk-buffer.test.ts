import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { Pull } from 'zeromq';
import { getJson, settled } from './cli-helpers.js';
import { Pipelines, accountingLine, pusher, readNdjson, sendAll } from './support/e2e-pipeline.js';
import { faultPipeline, range, removeWorkDirs, sample, workDir } from './support/faults.js';

const pipelines = new Pipelines();
const sockets: { close(): void }[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await pipelines.cleanup();
  await removeWorkDirs();
});

const N = 50_000;
/** The next hop is down for the first this many records. */
const DOWN = 20_000;
/** At most this many records are in flight to a target from its log (the reader's window). */
const WINDOW = 1024;
const small = (seq: number) => `{"seq":${seq}}`;
/**
 * What a ZeroMQ target's socket may hold for the hop in the process when a send returned: its
 * default send high-water mark, and 8 KiB of its engine's batch in frames of at least 4 bytes.
 */
const IN_SOCKET = 1000 + 8192 / 4 + 1;

/** An archive file, and a ZeroMQ next hop behind a disk buffer, at an ipc path nothing listens on yet. */
function archiveAndBufferedHop(dir: string) {
  return {
    targets: [
      { name: 'archive', type: 'file', path: 'archive.ndjson' },
      {
        name: 'next-hop',
        type: 'zmq',
        address: `ipc://${path.join(dir, 'hop')}`,
        sendTimeoutMs: -1,
        buffer: { type: 'disk', path: 'buffer' },
      },
    ],
  };
}

async function hopBooks(url: string): Promise<Record<string, number>> {
  const m = await getJson(url, '/api/metrics');
  const step = (m.steps as { id: string; outputs: { name: string }[] }[]).find((s) => s.id === 'export')!;
  return step.outputs.find((o) => o.name === 'next-hop') as unknown as Record<string, number>;
}

/** The next hop's disk-buffer series, as `GET /metrics` gives them. */
async function bufferSeries(url: string): Promise<Record<string, number | undefined>> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const of = (name: string) => sample(text, `${name}{step="export",target="next-hop"}`);
  return {
    logBytes: of('tapline_output_buffer_log_bytes'),
    lagBytes: of('tapline_output_buffer_lag_bytes'),
    buffered: of('tapline_output_buffered_records'),
    carriedOver: of('tapline_output_carried_over_records'),
  };
}

/** The next hop: a PULL bound where the target connects; collects the sequence numbers it gets. */
async function startHop(dir: string): Promise<{ got: number[]; until: (n: number) => Promise<void> }> {
  const hop = new Pull({ linger: 0 });
  sockets.push(hop);
  await hop.bind(`ipc://${path.join(dir, 'hop')}`);
  const got: number[] = [];
  const receiving = (async () => {
    for await (const [frame] of hop) got.push((JSON.parse(frame!.toString()) as { seq: number }).seq);
  })().catch(() => {});
  void receiving;
  return {
    got,
    until: async (n) => {
      await eventually(() => got.length >= n || undefined, {
        timeoutMs: 60_000,
        what: `${n} records at the hop`,
      });
    },
  };
}

describe('a disk buffer: store and forward, end to end', { timeout: 120_000 }, () => {
  it('with the next hop down for the first records, the archive gets all and the hop, started late, all in order, each once', async () => {
    const dir = await workDir();
    const { config, address } = await faultPipeline('unused', 'dead.ndjson', archiveAndBufferedHop(dir));
    const run = await pipelines.start(config, { dir });
    const push = pusher(address);
    sockets.push(push);
    await sendAll(push, range(0, DOWN).map(small));
    // Every record completed: in the archive, and durably in the log for the hop.
    await settled(run, DOWN, 60_000);
    const down = await hopBooks(run.url);
    expect(down).toMatchObject({ routed: DOWN, written: DOWN, delivered: 0, buffered: DOWN, queued: 0 });
    expect(down.oldestAgeMs).toBeGreaterThan(0);
    // The hop is down and nothing comes in: the log stands still, and /metrics gives its figures.
    expect(down.logBytes).toBeGreaterThan(DOWN * 10);
    expect(down.lagBytes).toBe(down.logBytes);
    expect(await bufferSeries(run.url)).toEqual({
      logBytes: down.logBytes,
      lagBytes: down.lagBytes,
      buffered: DOWN,
      carriedOver: 0,
    });
    const hop = await startHop(dir);
    await sendAll(push, range(DOWN, N).map(small));
    await hop.until(N);
    await settled(run, N, 60_000);
    await eventually(async () => ((await hopBooks(run.url)).buffered === 0 ? true : undefined), {
      what: 'the buffer drained',
    });
    const books = await hopBooks(run.url);
    const scraped = await (await fetch(new URL('/metrics', run.url))).text();
    run.child.kill('SIGTERM');
    const exit = await run.exit;

    expect(hop.got).toEqual(range(0, N));
    const archive = await readNdjson(path.join(dir, 'archive.ndjson'));
    expect(archive.map((r) => r.seq as number)).toEqual(range(0, N));
    expect(books).toMatchObject({ routed: N, written: N, delivered: N, buffered: 0, carriedOver: 0 });
    expect(sample(scraped, 'tapline_output_buffered_records{step="export",target="next-hop"}')).toBe(0);
    expect(sample(scraped, 'tapline_output_buffer_lag_bytes{step="export",target="next-hop"}')).toBe(0);
    expect(sample(scraped, 'tapline_output_buffer_log_bytes{step="export",target="next-hop"}')).toBe(
      books.logBytes,
    );
    // The archive has no disk buffer, so none of its series.
    expect(
      sample(scraped, 'tapline_output_buffer_log_bytes{step="export",target="archive"}'),
    ).toBeUndefined();
    expect(sample(scraped, 'tapline_output_delivered_records_total{step="export",target="next-hop"}')).toBe(
      N,
    );
    expect(accountingLine(run).accounting).toMatchObject({ received: N, completed: N, failed: 0, lost: 0 });
    expect(exit.code).toBe(0);
  });

  it('SIGKILLed while the log holds undelivered records, started again: the hop gets every record, duplicates at most a window', async () => {
    const dir = await workDir();
    const { config, address } = await faultPipeline('unused', 'dead.ndjson', archiveAndBufferedHop(dir));
    const first = await pipelines.start(config, { dir });
    const push = pusher(address);
    sockets.push(push);
    await sendAll(push, range(0, DOWN).map(small));
    await settled(first, DOWN, 60_000);
    expect(await hopBooks(first.url)).toMatchObject({ written: DOWN, buffered: DOWN });
    first.child.kill('SIGKILL');
    await first.exit;

    const second = await pipelines.start(config, { dir });
    const carried = await hopBooks(second.url);
    expect(carried).toMatchObject({ carriedOver: DOWN, buffered: DOWN, routed: DOWN, written: DOWN });
    expect(carried.lagBytes).toBe(carried.logBytes);
    expect(await bufferSeries(second.url)).toEqual({
      logBytes: carried.logBytes,
      lagBytes: carried.lagBytes,
      buffered: DOWN,
      carriedOver: DOWN,
    });
    const hop = await startHop(dir);
    await sendAll(push, range(DOWN, N).map(small));
    await hop.until(N);
    await settled(second, N - DOWN, 60_000);
    second.child.kill('SIGTERM');
    const exit = await second.exit;

    const seen = new Set(hop.got);
    expect(range(0, N).filter((s) => !seen.has(s))).toEqual([]);
    const duplicates = hop.got.length - seen.size;
    console.log(`SIGKILL with ${DOWN} in the log: ${DOWN} carried over, ${duplicates} duplicates`);
    expect(duplicates).toBeLessThanOrEqual(WINDOW);
    // Per target, the log's order: each record's first arrival is in sequence.
    const once = new Set<number>();
    const firsts = hop.got.filter((s) => !once.has(s) && once.add(s));
    expect(firsts).toEqual(range(0, N));
    expect(exit.code).toBe(0);
  });

  it('SIGKILLed while the hop is receiving and the log holds undelivered records: after the restart the hop has every record, duplicates at most those in flight', async () => {
    const dir = await workDir();
    const { config, address } = await faultPipeline('unused', 'dead.ndjson', archiveAndBufferedHop(dir));
    // A hop slower than the intake, so the log holds records it has not received yet.
    const hop = new Pull({ linger: 0, receiveHighWaterMark: 100 });
    sockets.push(hop);
    await hop.bind(`ipc://${path.join(dir, 'hop')}`);
    const got: number[] = [];
    void (async () => {
      for await (const [frame] of hop) {
        got.push((JSON.parse(frame!.toString()) as { seq: number }).seq);
        if (got.length % 100 === 0) await new Promise((r) => setTimeout(r, 10));
      }
    })().catch(() => {});
    const first = await pipelines.start(config, { dir });
    const push = pusher(address);
    sockets.push(push);
    await sendAll(push, range(0, DOWN).map(small));
    await settled(first, DOWN, 60_000);
    const atKill = await hopBooks(first.url);
    expect(got.length).toBeGreaterThan(0);
    expect(atKill.buffered).toBeGreaterThan(4 * WINDOW);
    first.child.kill('SIGKILL');
    await first.exit;
    const before = got.length;

    const second = await pipelines.start(config, { dir });
    const carried = await hopBooks(second.url);
    // The restart sends the log's tail again, in order: it has all arrived once the last record has.
    await eventually(() => (got.length > before && got[got.length - 1] === DOWN - 1) || undefined, {
      timeoutMs: 60_000,
      what: `the ${carried.carriedOver} records carried over at the hop`,
    });
    second.child.kill('SIGTERM');
    const exit = await second.exit;

    const seen = new Set(got);
    const duplicates = got.length - seen.size;
    expect(range(0, DOWN).filter((s) => !seen.has(s))).toEqual([]);
    // The books' carried-over records are the log's tail from the saved cursor, sent again in order.
    expect(carried.carriedOver).toBeGreaterThanOrEqual(DOWN - before - IN_SOCKET);
    expect(got.slice(-carried.carriedOver!)).toEqual(range(DOWN - carried.carriedOver!, DOWN));
    console.log(
      `SIGKILL with the hop receiving: ${before} received before, ${carried.carriedOver} carried over, ${duplicates} duplicates`,
    );
    // In flight at the kill: the reader's window, and what the ZeroMQ socket had taken for the hop.
    expect(duplicates).toBeLessThanOrEqual(WINDOW + IN_SOCKET);
    expect(exit.code).toBe(0);
  });
});
