import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { Pull } from 'zeromq';
import { getJson, settled } from './cli-helpers.js';
import { Pipelines, accountingLine, pusher, readNdjson, sendAll } from './support/e2e-pipeline.js';
import { faultPipeline, range, record, removeWorkDirs, sample, workDir } from './support/faults.js';

const pipelines = new Pipelines();
const sockets: Pull[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await pipelines.cleanup();
  await removeWorkDirs();
});

/** A next hop that takes `n` messages and dies. Resolves to what it took. */
async function dyingHop(n: number): Promise<{ endpoint: string; took: Promise<number[]> }> {
  const hop = new Pull({ linger: 0 });
  sockets.push(hop);
  await hop.bind('tcp://127.0.0.1:*');
  const endpoint = hop.lastEndpoint!;
  const took = (async () => {
    const seqs: number[] = [];
    while (seqs.length < n) {
      const [frame] = await hop.receive();
      seqs.push((JSON.parse(frame!.toString()) as { seq: number }).seq);
    }
    hop.close();
    return seqs;
  })();
  return { endpoint, took };
}

describe('faults on the wire, end to end', { timeout: 90_000 }, () => {
  it('a ZeroMQ next hop that dies: what ZeroMQ would not take is dead-lettered; completed counts only what it queued', async () => {
    const dir = await workDir();
    const hop = await dyingHop(50);
    const { config, address } = await faultPipeline(
      'unused.ndjson',
      'dead.ndjson',
      { targets: [{ type: 'zmq', address: hop.endpoint, sendTimeoutMs: 200, sendHighWaterMark: 100 }] },
      { runtime: { maxInFlight: 256, shutdownTimeoutMs: 5000 } },
    );
    const run = await pipelines.start(config, { dir });
    const push = pusher(address);
    await sendAll(push, range(0, 3_000).map(record));
    push.close();
    expect(await hop.took).toHaveLength(50);
    const m = await settled(run, 3_000);
    const scraped = await (await fetch(new URL('/metrics', run.url))).text();
    run.child.kill('SIGTERM');
    const exit = await run.exit;
    const { completed, failed, lost } = accountingLine(run).accounting;
    const letters = await readNdjson(path.join(dir, 'dead.ndjson'));
    const queued = sample(
      scraped,
      'tapline_export_records_total{step="export",target="zmq",result="written"}',
    );
    console.log(
      `dying hop: hop took 50, ZeroMQ queued ${completed} (lost with the hop: ${completed - 50}), dead-lettered ${failed}`,
    );
    expect(completed + failed).toBe(3_000);
    expect(failed).toBeGreaterThan(0);
    expect(letters.length).toBe(failed);
    expect(lost).toBe(0);
    expect(letters.every((l) => l.errorType === 'TAPLINE_ERR_EXPORT')).toBe(true);
    expect(m.accounting.completed).toBe(completed);
    expect(queued).toBe(completed); // `completed` for this hop means: ZeroMQ queued it
    // Records are either dead-lettered or were queued by ZeroMQ: none counted twice, none missing.
    const deadSeqs = new Set(letters.map((l) => l.payload.seq as number));
    expect(deadSeqs.size).toBe(failed);
    expect(exit.code).toBe(0);
  });

  it('with the next hop down, SIGTERM stops within the budget and dead-letters what is left in flight', async () => {
    const dir = await workDir();
    const hop = await dyingHop(0);
    const { config, address } = await faultPipeline(
      'unused.ndjson',
      'dead.ndjson',
      {
        targets: [{ type: 'zmq', address: hop.endpoint, sendTimeoutMs: 1000, buffer: { maxRecords: 32 } }],
        retries: 3,
        retryDelayMs: 500,
      },
      { runtime: { maxInFlight: 64, shutdownTimeoutMs: 2000 } },
    );
    await hop.took; // closed before anything was sent: the hop is down
    const run = await pipelines.start(config, { dir });
    const push = pusher(address);
    await sendAll(push, range(0, 500).map(record));
    // The host is full: the target's queue holds 32 records the hop cannot take, and every slot
    // of maxInFlight a record waiting for room in it.
    await eventually(async () => (await getJson(run.url, '/api/metrics')).accounting.inFlight === 96, {
      what: '96 records in flight',
    });
    const began = performance.now();
    run.child.kill('SIGTERM');
    const exit = await run.exit;
    const tookMs = performance.now() - began;
    push.close();
    const line = accountingLine(run);
    const { received, completed, failed, lost, dropped } = line.accounting;
    const letters = await readNdjson(path.join(dir, 'dead.ndjson'));
    console.log(
      `hop down: stop took ${Math.round(tookMs)} ms with a budget of 2000 ms; ${failed} dead-lettered`,
    );
    expect(received).toBe(completed + dropped + failed + lost);
    expect(completed).toBe(0);
    expect(letters.length).toBe(failed);
    // The exporter gave up on what its target still queued, for that target, at the stop.
    expect(letters.every((l) => /shutdown timeout/.test(l.message))).toBe(true);
    expect(letters.every((l) => l.targets[0] === 'zmq')).toBe(true);
    expect(exit.code).toBe(1); // the drain ran out of time
  });

  it('a rolling restart on the same address: each run accounts exactly; the in-transit loss is measured', async () => {
    const dir = await workDir();
    const outA = path.join(dir, 'a.ndjson');
    const outB = path.join(dir, 'b.ndjson');
    const first = await faultPipeline(outA, 'dead-a.ndjson');
    const address = first.address;
    const a = await pipelines.start(first.config, { dir: path.join(dir) });
    const push = pusher(address, { sendTimeout: 10_000, linger: 5000 });
    const total = 20_000;
    let quarter!: () => void;
    const quarterSent = new Promise<void>((resolve) => (quarter = resolve));
    const sending = (async () => {
      // About 5,000 records a second, in bursts of 50; then one more, the last B can receive.
      for (let sent = 0; sent < total; sent++) {
        if (sent === total / 4) quarter();
        await push.send(record(sent));
        if (sent % 50 === 49) await new Promise((r) => setTimeout(r, 10));
      }
      await push.send(record(total));
    })();
    await quarterSent;
    a.child.kill('SIGTERM');
    const exitA = await a.exit;
    const bConfig = (await faultPipeline(outB, 'dead-b.ndjson')).config;
    (bConfig.pipeline[0]!.options as { address: string }).address = address;
    const bDir = path.join(dir, 'b');
    await mkdir(bDir);
    const b = await pipelines.start(bConfig, { dir: bDir });
    await sending;
    const lastA = accountingLine(a).accounting;
    // One connection keeps order: once B has written the last record, it has received all it
    // ever will.
    await eventually(
      async () => (await readFile(outB, 'utf8').catch(() => '')).includes(`{"seq":${total},`),
      {
        timeoutMs: 30_000,
        what: 'B to export the last record',
      },
    );
    const receivedB = (await getJson(b.url, '/api/metrics')).accounting.received as number;
    b.child.kill('SIGTERM');
    const exitB = await b.exit;
    push.close();
    const lastB = accountingLine(b).accounting;
    const seqsA = (await readNdjson(outA)).map((r) => r.seq as number);
    const seqsB = (await readNdjson(outB)).map((r) => r.seq as number);
    const lostInTransit = total + 1 - lastA.received - lastB.received;
    console.log(
      `rolling restart: sent ${total + 1}, run A took ${lastA.received}, run B took ${lastB.received}, lost in transit ${lostInTransit}`,
    );
    expect([exitA.code, exitB.code]).toEqual([0, 0]);
    expect(seqsA.length).toBe(lastA.completed);
    expect(seqsB.length).toBe(lastB.completed);
    expect(lastB.received).toBe(receivedB);
    expect(new Set([...seqsA, ...seqsB]).size).toBe(seqsA.length + seqsB.length); // nothing twice
    expect(lostInTransit).toBeGreaterThanOrEqual(0);
  });
});
