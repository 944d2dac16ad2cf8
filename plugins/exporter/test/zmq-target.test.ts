import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Pull, Subscriber } from 'zeromq';
import { ZmqTarget, type ExporterOptions } from '../src/index.js';
import { context, exporterTo, shutdownExporters } from './helpers.js';
import { eventually, recordDomain, type LogEntry } from '@tapline/testkit';

type ZmqOptions = Extract<ExporterOptions['targets'][number], { type: 'zmq' }>;
const closeLater: Array<{ close(): void }> = [];

afterEach(async () => {
  await shutdownExporters();
  for (const s of closeLater.splice(0)) s.close();
});

const exporter = (
  target: Omit<ZmqOptions, 'type'>,
  retry: Partial<ExporterOptions> = {},
  logs?: LogEntry[],
) => exporterTo({ type: 'zmq', lingerMs: 0, ...target }, retry, logs);

async function pull(address = 'tcp://127.0.0.1:*'): Promise<Pull> {
  const p = new Pull({ linger: 0 });
  closeLater.push(p);
  await p.bind(address);
  return p;
}

/**
 * An address where nothing listens until a test binds it: an ipc path in a folder of this
 * test's own. A TCP port handed back to the OS could be taken by a test running beside this one.
 */
async function deadAddress(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-zmq-target-'));
  closeLater.push({ close: () => void rm(dir, { recursive: true, force: true }) });
  return `ipc://${path.join(dir, 'hop')}`;
}

describe('exporter zmq target', () => {
  it('pushes one JSON message per record to a real PULL socket, in order', async () => {
    const sink = await pull();
    const d = exporter({ address: sink.lastEndpoint! });
    const {
      outputs,
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    const n = 200;
    const handled = Array.from({ length: n }, (_, i) => d.handle({ i }, context()));
    const got: unknown[] = [];
    for (let i = 0; i < n; i++) got.push(JSON.parse((await sink.receive())[0]!.toString()));
    await Promise.all(handled);
    expect(got).toEqual(Array.from({ length: n }, (_, i) => ({ i })));
    expect(errors).toEqual([]);
    expect(outputs[0]!).toEqual({ delivered: 1, targets: ['zmq'] });
    expect(outputs[0]!).toBe(outputs[n - 1]!);
  });

  it('binds for downstream peers to connect, as PUB as well', async () => {
    const target = new ZmqTarget(
      { type: 'zmq', address: 'tcp://127.0.0.1:*', socket: 'pub', mode: 'bind', lingerMs: 0 },
      { retries: 0, retryDelayMs: 0, retryMaxDelayMs: 0 },
      console as never,
    );
    await target.open();
    const sub = new Subscriber({ linger: 0 });
    closeLater.push(sub);
    sub.connect(target.endpoint!);
    sub.subscribe();
    // A subscription reaches the publisher a little after connecting: publish until one lands.
    const first = sub.receive();
    let settled = false;
    void first.then(() => (settled = true));
    await eventually(
      async () => {
        await target.write('{"hello":1}');
        return settled;
      },
      { intervalMs: 10, what: 'the subscription to reach the publisher' },
    );
    expect(JSON.parse((await first)[0]!.toString())).toEqual({ hello: 1 });
    await target.close();
  });

  it('retries a send that times out, and delivers once the next hop is up', async () => {
    const address = await deadAddress();
    const logs: LogEntry[] = [];
    const d = exporter(
      { address, sendTimeoutMs: 50 },
      { retries: 1000, retryDelayMs: 10, retryMaxDelayMs: 20 },
      logs,
    );
    const {
      outputs,
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    const handled = d.handle({ late: true }, context());
    await eventually(() => logs.some((l) => l.msg === 'zmq send failed; retrying'), {
      what: 'a send to time out and be retried',
    });
    const sink = await pull(address);
    sink.receiveTimeout = 15_000;
    await handled;
    expect(errors).toEqual([]);
    expect(outputs.length).toBe(1);
    expect(JSON.parse((await sink.receive())[0]!.toString())).toEqual({ late: true });
  }, 30_000);

  it('fails the message with TAPLINE_ERR_EXPORT once retries run out', async () => {
    const d = exporter({ address: await deadAddress(), sendTimeoutMs: 10 }, { retries: 2, retryDelayMs: 1 });
    const {
      outputs,
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    await d.handle({ lost: 1 }, context());
    await d.handle({ lost: 2 }, context());
    expect(outputs).toEqual([]);
    expect(errors.map((e) => e.errorType)).toEqual(['TAPLINE_ERR_EXPORT', 'TAPLINE_ERR_EXPORT']);
    expect(errors[0]!.cause).toMatchObject({
      code: 'TAPLINE_ERR_EXPORT',
      target: 'zmq',
      targets: ['zmq'],
      written: [],
      message: expect.stringMatching(/^Export to zmq failed: send failed after 2 retries/),
    });
    await d.shutdown();
  });

  it('refuses to bind an address in use', async () => {
    const taken = await pull();
    const d = exporter({ address: taken.lastEndpoint!, mode: 'bind' });
    await expect(d.initialize()).rejects.toMatchObject({
      code: 'TAPLINE_ERR_ADDRESS_IN_USE',
      address: taken.lastEndpoint,
    });
  });
});
