import path from 'node:path';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { settled } from './cli-helpers.js';
import { Pipelines, accountingLine, readNdjson } from './support/e2e-pipeline.js';
import { NatsServer } from './support/nats-server.js';
import { consumerDone, createStream, publishRange, seqsIn, workerConfig } from './support/nats-workers.js';

const TOTAL = 2_000;
const BROKEN = 10;

const server = new NatsServer();
const pipelines = new Pipelines();
let nc: NatsConnection | undefined;

afterEach(async () => {
  await nc?.close().catch(() => {});
  nc = undefined;
  await pipelines.cleanup();
  await server.cleanup();
});

/** The ingest step's batches and records, from /api/metrics. */
function ingestOf(metrics: any): { batches: number; handled: number } {
  const ops = Object.values(metrics.operations as Record<string, any>).filter((o) => o.domain === 'ingest');
  return {
    batches: ops.reduce((n, o) => n + o.batches, 0),
    handled: ops.reduce((n, o) => n + o.handled, 0),
  };
}

describe('a JetStream worker under load', { timeout: 60_000 }, () => {
  it('runs the chain on batches of what the client received, and acks every record once its outcome is final', async () => {
    await server.start();
    const made = await createStream(server.url, 30_000);
    nc = made.nc;
    const jsm: JetStreamManager = made.jsm;
    // The stream is full before the worker starts: every pull brings a whole batch at once.
    await publishRange(nc, 0, TOTAL / 2);
    const js = jetstream(nc);
    for (let i = 0; i < BROKEN; i++) await js.publish('events.in', `{"seq": broken ${i}`);
    await publishRange(nc, TOTAL / 2, TOTAL);

    const worker = await pipelines.start(workerConfig(server.url, 'w1', { maxInFlight: 1024, batch: 256 }));
    const metrics = await settled(worker, TOTAL + BROKEN);
    await eventually(() => consumerDone(jsm), { what: 'every delivery acked' });

    const ingest = ingestOf(metrics);
    expect(ingest.handled).toBe(TOTAL + BROKEN);
    // One record per batch would make as many batches as records.
    expect(ingest.batches).toBeLessThan(ingest.handled / 4);
    expect(metrics.accounting).toMatchObject({ completed: TOTAL, failed: BROKEN, lost: 0, inFlight: 0 });
    const info = await jsm.consumers.info('EVENTS', 'workers');
    expect(info.num_redelivered).toBe(0);

    worker.child.kill('SIGTERM');
    expect(await worker.exit).toEqual({ code: 0, signal: null });
    expect(accountingLine(worker).accounting).toMatchObject({
      received: TOTAL + BROKEN,
      completed: TOTAL,
      failed: BROKEN,
    });
    const seqs = await seqsIn(path.join(worker.dir, 'out.ndjson'));
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    const deadLetters = await readNdjson(path.join(worker.dir, 'dead-letters.ndjson'));
    expect(deadLetters).toHaveLength(BROKEN);
    expect(deadLetters.every((d) => d.step === 'ingest' && d.errorType === 'TAPLINE_ERR_DECODE')).toBe(true);
  });
});
