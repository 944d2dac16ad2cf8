import path from 'node:path';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { getJson } from './cli-helpers.js';
import { Pipelines, accountingLine } from './support/e2e-pipeline.js';
import { NatsServer } from './support/nats-server.js';
import {
  consumerDone,
  createStream,
  duplicatesOf,
  publishRange,
  seqsIn,
  workerConfig,
} from './support/nats-workers.js';

const TOTAL = 20_000;
const MAX_IN_FLIGHT = 256;
const BATCH = 64;
/** Short, so that what the killed worker held comes back within the test; long beside any step. */
const ACK_WAIT_MS = 5_000;

const server = new NatsServer();
const pipelines = new Pipelines();
let nc: NatsConnection | undefined;

afterEach(async () => {
  await nc?.close().catch(() => {});
  nc = undefined;
  await pipelines.cleanup();
  await server.cleanup();
});

async function setUp(): Promise<JetStreamManager> {
  await server.start();
  const made = await createStream(server.url, ACK_WAIT_MS);
  nc = made.nc;
  return made.jsm;
}

async function redeliveredBy(url: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const line = /^tapline_source_redelivered_total\{step="ingest"\} (\d+)$/m.exec(text);
  if (line === null) throw new Error(`no redelivered counter in /metrics:\n${text}`);
  return Number(line[1]);
}

const all = Array.from({ length: TOTAL }, (_, i) => i);
const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);

describe('scale-out on one JetStream durable consumer, end to end', { timeout: 120_000 }, () => {
  it('two workers share 20,000 records; one killed with SIGKILL mid-stream loses none, and duplicates only what it held', async () => {
    const jsm = await setUp();
    const opts = { maxInFlight: MAX_IN_FLIGHT, batch: BATCH };
    const victim = await pipelines.start(workerConfig(server.url, 'victim', opts));
    const survivor = await pipelines.start(workerConfig(server.url, 'survivor', opts));

    await publishRange(nc!, 0, 5_000);
    // Mid-stream: the victim has exported some, and three quarters of the records are yet to come.
    await eventually(async () =>
      (await getJson(victim.url, '/api/metrics')).accounting.completed > 500 ? true : undefined,
    );
    const publishing = publishRange(nc!, 5_000, TOTAL);
    victim.child.kill('SIGKILL');
    expect(await victim.exit).toEqual({ code: null, signal: 'SIGKILL' });
    await publishing;

    // What the victim held unsettled comes back to the survivor once its ack wait ends.
    await eventually(() => consumerDone(jsm), { timeoutMs: 60_000 });
    const redelivered = await redeliveredBy(survivor.url);
    // The dashboard's figure is the same count, and the survivor is ready all along.
    expect((await getJson(survivor.url, '/api/metrics')).redelivered).toBe(redelivered);
    expect((await fetch(new URL('/readyz', survivor.url))).status).toBe(200);
    survivor.child.kill('SIGTERM');
    expect(await survivor.exit).toEqual({ code: 0, signal: null });

    const fromVictim = await seqsIn(path.join(victim.dir, 'out.ndjson'));
    const fromSurvivor = await seqsIn(path.join(survivor.dir, 'out.ndjson'));
    const duplicates = duplicatesOf([...fromVictim, ...fromSurvivor]);
    console.log(
      `SIGKILL: victim exported ${fromVictim.length}, survivor ${fromSurvivor.length}, ` +
        `${duplicates.size} duplicated, survivor took ${redelivered} redelivered`,
    );
    // At least once: every record is in one of the two outputs.
    expect(sorted(new Set([...fromVictim, ...fromSurvivor]))).toEqual(all);
    // Neither worker repeats itself; a duplicate is a record the victim wrote but had not acked.
    expect(duplicatesOf(fromVictim).size).toBe(0);
    expect(duplicatesOf(fromSurvivor).size).toBe(0);
    expect(duplicates.size).toBeLessThanOrEqual(MAX_IN_FLIGHT + BATCH);
    // Each duplicate reached the survivor as a redelivery.
    expect(redelivered).toBeGreaterThanOrEqual(duplicates.size);
    expect(fromVictim.length).toBeGreaterThan(500);
    expect(fromSurvivor.length).toBeGreaterThan(0);

    const line = accountingLine(survivor);
    const { accounting } = line;
    expect(line).toMatchObject({ drained: true, inFlightLeft: 0 });
    expect(accounting).toMatchObject({ dropped: 0, failed: 0, lost: 0 });
    expect(accounting.received).toBe(accounting.completed + accounting.dropped + accounting.failed);
    expect(accounting.completed).toBe(fromSurvivor.length);
  });

  it('a worker stopped with SIGTERM mid-stream loses and duplicates nothing', async () => {
    const jsm = await setUp();
    const opts = { maxInFlight: MAX_IN_FLIGHT, batch: BATCH };
    const stopped = await pipelines.start(workerConfig(server.url, 'stopped', opts));
    const other = await pipelines.start(workerConfig(server.url, 'other', opts));

    await publishRange(nc!, 0, 5_000);
    await eventually(async () =>
      (await getJson(stopped.url, '/api/metrics')).accounting.completed > 500 ? true : undefined,
    );
    const publishing = publishRange(nc!, 5_000, TOTAL);
    stopped.child.kill('SIGTERM');
    expect(await stopped.exit).toEqual({ code: 0, signal: null });
    await publishing;

    await eventually(() => consumerDone(jsm), { timeoutMs: 60_000 });
    other.child.kill('SIGTERM');
    expect(await other.exit).toEqual({ code: 0, signal: null });

    const fromStopped = await seqsIn(path.join(stopped.dir, 'out.ndjson'));
    const fromOther = await seqsIn(path.join(other.dir, 'out.ndjson'));
    console.log(`SIGTERM: stopped worker exported ${fromStopped.length}, the other ${fromOther.length}`);
    expect(sorted([...fromStopped, ...fromOther])).toEqual(all);
    expect(fromStopped.length).toBeGreaterThan(500);
    expect(fromStopped.length).toBeLessThan(TOTAL);

    for (const [run, exported] of [
      [stopped, fromStopped],
      [other, fromOther],
    ] as const) {
      const line = accountingLine(run);
      const { accounting } = line;
      expect(line).toMatchObject({ drained: true, inFlightLeft: 0 });
      expect(accounting).toMatchObject({ dropped: 0, failed: 0, lost: 0 });
      expect(accounting.received).toBe(accounting.completed);
      expect(accounting.completed).toBe(exported.length);
    }
  });
});
