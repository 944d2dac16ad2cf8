import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NatsServer } from '../../../tests/support/nats-server.js';
import { ExporterDomain, type ExporterOptions } from '../src/index.js';
import { context, exporterTo, shutdownExporters } from './helpers.js';
import { eventually, recordDomain, type LogEntry } from '@tapline/testkit';

type NatsOptions = Extract<ExporterOptions['targets'][number], { type: 'nats' }>;
const server = new NatsServer();
const shutdownLater: ExporterDomain[] = [];
let nc: NatsConnection | undefined;
let jsm: JetStreamManager;

beforeEach(async () => {
  await server.start();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'OUT', subjects: ['out.>'] });
});

afterEach(async () => {
  for (const d of shutdownLater.splice(0)) await d.shutdown().catch(() => {});
  await shutdownExporters();
  await nc?.close().catch(() => {});
  nc = undefined;
  await server.cleanup();
});

const exporter = (
  target: Omit<NatsOptions, 'type' | 'servers'>,
  retry: Partial<ExporterOptions> = {},
  logs?: LogEntry[],
) => exporterTo({ type: 'nats', servers: [server.url], ...target }, retry, logs);

/** The payloads stored in stream OUT, in order. */
async function stored(): Promise<unknown[]> {
  const c = await jetstream(nc!).consumers.get('OUT');
  const { state } = await jsm.streams.info('OUT');
  const out: unknown[] = [];
  if (state.messages === 0) return out;
  const batch = await c.fetch({ max_messages: state.messages, expires: 2000 });
  for await (const m of batch) {
    out.push(m.json());
    if (out.length === state.messages) break;
  }
  return out;
}

describe('nats target', { timeout: 30_000 }, () => {
  it('publishes each record and completes it only once the stream stored it', async () => {
    const d = exporter({ subject: 'out.records' });
    const {
      outputs,
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    await Promise.all(Array.from({ length: 50 }, (_, seq) => d.handle({ seq }, context())));
    expect(errors).toHaveLength(0);
    expect(outputs).toHaveLength(50);
    // Completed means stored: the stream holds every record the moment its handle resolved.
    expect((await jsm.streams.info('OUT')).state.messages).toBe(50);
    expect(await stored()).toEqual(Array.from({ length: 50 }, (_, seq) => ({ seq })));
    expect(d.targets[0]).toMatchObject({ name: 'nats:out.records', written: 50, failed: 0 });
  });

  it('refuses to start when no stream takes the subject, naming the server and the subject', async () => {
    const d = exporter({ subject: 'nowhere.records' });
    const err = await d.initialize().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'TAPLINE_ERR_STREAM_NOT_FOUND', servers: server.url });
    expect((err as Error).message).toContain('nowhere.records');
  });

  it('refuses to start when nothing listens at the server', async () => {
    const url = server.url;
    await server.cleanup();
    const d = new ExporterDomain(
      {
        targets: [{ type: 'nats', servers: [url], subject: 'out.x' }],
        retries: 0,
        retryDelayMs: 0,
        retryMaxDelayMs: 0,
      },
      { id: 'export' },
    );
    shutdownLater.push(d);
    await expect(d.initialize()).rejects.toMatchObject({
      code: 'TAPLINE_ERR_BROKER_UNREACHABLE',
      servers: url,
    });
  });

  it('retries a publish while the server is down and completes it once the server is back', async () => {
    const logs: LogEntry[] = [];
    const d = exporter(
      { subject: 'out.records', timeoutMs: 500 },
      { retries: 20, retryDelayMs: 100, retryMaxDelayMs: 500 },
      logs,
    );
    const {
      outputs,
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    await d.handle({ seq: 0 }, context());
    await nc!.close();
    await server.stop();
    const pending = d.handle({ seq: 1 }, context());
    await eventually(() => logs.some((l) => l.msg === 'nats publish failed; retrying'), {
      what: 'a publish to fail and be retried',
    });
    expect(outputs).toHaveLength(1);
    await server.start();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    await pending;
    expect(outputs).toHaveLength(2);
    expect(errors).toHaveLength(0);
    const seqs = (await stored()).map((r) => (r as { seq: number }).seq);
    expect(new Set(seqs)).toEqual(new Set([0, 1]));
  });

  it('fails a record with TAPLINE_ERR_EXPORT once its retries run out, so the host dead-letters it', async () => {
    const d = exporter(
      { subject: 'out.records', timeoutMs: 200 },
      { retries: 1, retryDelayMs: 10, retryMaxDelayMs: 10 },
    );
    const {
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    await jsm.streams.delete('OUT');
    await d.handle({ seq: 0 }, context());
    expect(errors).toHaveLength(1);
    expect(errors[0]!.errorType).toBe('TAPLINE_ERR_EXPORT');
    expect(d.targets[0]).toMatchObject({ written: 0, failed: 1 });
  });
});
