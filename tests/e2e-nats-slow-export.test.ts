import path from 'node:path';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { Pull } from 'zeromq';
import { eventually } from '@tapline/testkit';
import { freePort, getJson } from './cli-helpers.js';
import { Pipelines, accountingLine, readNdjson, type PipelineConfig } from './support/e2e-pipeline.js';
import { NatsServer } from './support/nats-server.js';

const server = new NatsServer();
const pipelines = new Pipelines();
let nc: NatsConnection | undefined;
let pull: Pull | undefined;

afterEach(async () => {
  pull?.close();
  pull = undefined;
  await nc?.close().catch(() => {});
  nc = undefined;
  await pipelines.cleanup();
  await server.cleanup();
});

/**
 * A worker whose exporter takes longer than the consumer's ack wait: its ZeroMQ next hop is not
 * there, so each send waits `sendTimeoutMs` (as long as the ack wait) and is retried.
 */
function slowWorker(address: string, retries: number): PipelineConfig {
  return {
    pipeline: [
      {
        id: 'ingest',
        plugin: '@tapline/plugin-nats',
        options: {
          servers: [server.url],
          stream: 'EVENTS',
          subjects: ['events.>'],
          create: true,
          ackWaitMs: 1000,
          maxDeliveries: 2,
        },
      },
      {
        id: 'export',
        plugin: '@tapline/plugin-exporter',
        options: {
          targets: [{ type: 'zmq', address, sendTimeoutMs: 1000 }],
          retries,
          retryDelayMs: 200,
          retryMaxDelayMs: 500,
        },
      },
    ],
    deadLetter: { path: 'dead-letters.ndjson' },
    monitor: { http: { host: '127.0.0.1', port: 0 } },
  };
}

async function publishOne(): Promise<JetStreamManager> {
  nc = await connect({ servers: server.url });
  await jetstream(nc).publish('events.in', JSON.stringify({ seq: 1 }));
  return jetstreamManager(nc);
}

async function consumerState(jsm: JetStreamManager) {
  const info = await jsm.consumers.info('EVENTS', 'tapline');
  return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
}

const accounting = async (url: string) => (await getJson(url, '/api/metrics')).accounting;

describe('a JetStream worker whose export outlasts the ack wait', { timeout: 60_000 }, () => {
  it('takes the record in once and dead-letters it once when the export fails', async () => {
    await server.start();
    const address = `tcp://127.0.0.1:${await freePort()}`;
    // Four sends of 1 s and three delays: over four ack waits before the export gives up.
    const worker = await pipelines.start(slowWorker(address, 3));
    const jsm = await publishOne();

    await eventually(async () => ((await accounting(worker.url)).failed >= 1 ? true : undefined), {
      timeoutMs: 30_000,
    });
    await eventually(async () => ((await consumerState(jsm)).ackPending === 0 ? true : undefined));
    expect(await consumerState(jsm)).toEqual({ pending: 0, ackPending: 0, redelivered: 0 });
    expect(worker.logs.filter((l) => l.msg.startsWith('the server redelivered'))).toEqual([]);
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toEqual({ code: 0, signal: null });

    expect(accountingLine(worker).accounting).toMatchObject({ received: 1, completed: 0, failed: 1 });
    const deadLetters = await readNdjson(path.join(worker.dir, 'dead-letters.ndjson'));
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ step: 'export', errorType: 'TAPLINE_ERR_EXPORT' });
  });

  it('takes the record in once and completes it once when the export succeeds late', async () => {
    await server.start();
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const worker = await pipelines.start(slowWorker(address, 20));
    const jsm = await publishOne();

    // Two sends timed out: the record has been in the pipeline for over two ack waits.
    await eventually(() =>
      worker.logs.filter((l) => l.msg === 'zmq send failed; retrying').length >= 2 ? true : undefined,
    );
    pull = new Pull();
    await pull.bind(address);
    const [frame] = await pull.receive();
    expect(JSON.parse(frame!.toString())).toEqual({ seq: 1 });

    await eventually(async () => ((await accounting(worker.url)).completed >= 1 ? true : undefined));
    await eventually(async () => ((await consumerState(jsm)).ackPending === 0 ? true : undefined));
    expect(await consumerState(jsm)).toEqual({ pending: 0, ackPending: 0, redelivered: 0 });
    expect(worker.logs.filter((l) => l.msg.startsWith('the server redelivered'))).toEqual([]);
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toEqual({ code: 0, signal: null });
    expect(accountingLine(worker).accounting).toMatchObject({ received: 1, completed: 1, failed: 0 });
  });
});
