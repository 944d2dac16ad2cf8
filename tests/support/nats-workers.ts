import { readFile } from 'node:fs/promises';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { PipelineConfig } from './e2e-pipeline.js';

export const STREAM = 'EVENTS';
export const DURABLE = 'workers';

/** A worker: nats source on the shared durable consumer → processor (names the worker) → file. */
export function workerConfig(
  url: string,
  name: string,
  opts: { maxInFlight: number; batch: number },
): PipelineConfig {
  return {
    pipeline: [
      {
        id: 'ingest',
        plugin: '@tapline/plugin-nats',
        options: { servers: [url], stream: STREAM, durable: DURABLE, batch: opts.batch },
      },
      {
        id: 'tag',
        plugin: '@tapline/plugin-processor',
        options: { steps: [{ type: 'set', field: 'worker', value: name }] },
      },
      {
        id: 'export',
        plugin: '@tapline/plugin-exporter',
        options: { targets: [{ type: 'file', path: 'out.ndjson' }] },
      },
    ],
    runtime: { maxInFlight: opts.maxInFlight, shutdownTimeoutMs: 10_000 },
    deadLetter: { path: 'dead-letters.ndjson' },
    monitor: { http: { host: '127.0.0.1', port: 0 } },
  };
}

/** The stream and the workers' durable pull consumer, made before any worker starts. */
export async function createStream(
  url: string,
  ackWaitMs: number,
): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: STREAM, subjects: ['events.>'] });
  await jsm.consumers.add(STREAM, {
    durable_name: DURABLE,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ackWaitMs),
    max_deliver: -1,
    max_ack_pending: -1,
  });
  return { nc, jsm };
}

/** Publishes records `{ seq }` for seq in [from, to), `window` publishes awaiting their acks at a time. */
export async function publishRange(
  nc: NatsConnection,
  from: number,
  to: number,
  window = 200,
): Promise<void> {
  const js = jetstream(nc);
  for (let start = from; start < to; start += window) {
    const acks = [];
    for (let seq = start; seq < Math.min(to, start + window); seq++) {
      acks.push(js.publish('events.in', JSON.stringify({ seq, service: 'api' })));
    }
    await Promise.all(acks);
  }
}

/** Whether the consumer has nothing left to deliver and nothing waiting for an ack. */
export async function consumerDone(jsm: JetStreamManager): Promise<true | undefined> {
  const info = await jsm.consumers.info(STREAM, DURABLE);
  return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
}

/**
 * The `seq` of every whole record in an NDJSON file. A process killed with SIGKILL may leave its
 * last line torn; that line's record was never completed (nor acked), so it is skipped.
 */
export async function seqsIn(file: string): Promise<number[]> {
  const text = await readFile(file, 'utf8').catch((err: { code?: string }) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const lines = text.split('\n');
  const last = lines.pop()!; // '' when the file ends with a newline
  const seqs = lines.map((l) => (JSON.parse(l) as { seq: number }).seq);
  if (last !== '') {
    try {
      seqs.push((JSON.parse(last) as { seq: number }).seq);
    } catch {
      // torn by the kill
    }
  }
  return seqs;
}

/** How many times each value occurs more than once. */
export function duplicatesOf(values: readonly number[]): Map<number, number> {
  const seen = new Map<number, number>();
  for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
  for (const [v, n] of seen) if (n === 1) seen.delete(v);
  return seen;
}
