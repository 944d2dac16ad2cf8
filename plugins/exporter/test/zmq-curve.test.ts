import { afterEach, describe, expect, it } from 'vitest';
import { curveKeyPair, Pull } from 'zeromq';
import { validateOptions } from '@tapline/testkit';
import plugin, { ExporterDomain, type ExporterOptions } from '../src/index.js';
import { context } from './helpers.js';
import { eventually, recordDomain } from '@tapline/testkit';
import { prometheus } from '@tapline/core';

const server = curveKeyPair();
const client = curveKeyPair();
const closeLater: Array<{ close(): void }> = [];
const shutdownLater: ExporterDomain[] = [];

afterEach(async () => {
  for (const d of shutdownLater.splice(0)) await d.shutdown().catch(() => {});
  for (const s of closeLater.splice(0)) s.close();
});

function exporter(target: Record<string, unknown>, registry?: prometheus.Registry): ExporterDomain {
  const { options, problems } = validateOptions(plugin, {
    targets: [{ type: 'zmq', lingerMs: 0, ...target }],
  });
  expect(problems).toEqual([]);
  const d = new ExporterDomain(options as ExporterOptions, { id: 'export', registry });
  shutdownLater.push(d);
  return d;
}

function curvePull(keys: Partial<Pull>): Pull {
  const p = new Pull({ linger: 0, ...keys });
  closeLater.push(p);
  return p;
}

describe('exporter zmq target with CURVE', () => {
  it('as a client (serverKey set) delivers to a CURVE server', async () => {
    const sink = curvePull({ curveServer: true, curveSecretKey: server.secretKey });
    await sink.bind('tcp://127.0.0.1:*');
    const d = exporter({
      address: sink.lastEndpoint!,
      curve: { secretKey: client.secretKey, publicKey: client.publicKey, serverKey: server.publicKey },
    });
    const {
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    const handled = d.handle({ secret: 'only for the sink' }, context());
    const [frame] = await sink.receive();
    await handled;
    expect(JSON.parse(frame!.toString())).toEqual({ secret: 'only for the sink' });
    expect(errors).toEqual([]);
  });

  it('as a server (bind) lets an allowed client key take messages', async () => {
    const d = exporter({
      address: 'tcp://127.0.0.1:*',
      mode: 'bind',
      curve: { secretKey: server.secretKey, allowedClients: [client.publicKey] },
    });
    await d.initialize();
    const endpoint = (d.targets[0] as unknown as { endpoint: string }).endpoint;
    const taker = curvePull({
      curveServerKey: server.publicKey,
      curvePublicKey: client.publicKey,
      curveSecretKey: client.secretKey,
    });
    taker.connect(endpoint);
    const handled = d.handle({ n: 1 }, context());
    const [frame] = await taker.receive();
    await handled;
    expect(JSON.parse(frame!.toString())).toEqual({ n: 1 });
  });

  it('as a server, counts every peer it refuses: a key not allowed, and a peer without CURVE', async () => {
    const registry = new prometheus.Registry();
    const d = exporter(
      {
        address: 'tcp://127.0.0.1:*',
        mode: 'bind',
        curve: { secretKey: server.secretKey, allowedClients: [client.publicKey] },
      },
      registry,
    );
    await d.initialize();
    const endpoint = (d.targets[0] as unknown as { endpoint: string }).endpoint;
    const refusals = async (): Promise<Record<string, number>> => {
      const { values } = await registry.getSingleMetric('tapline_export_auth_rejected_total')!.get();
      return Object.fromEntries(values.map((v) => [v.labels.reason, v.value]));
    };
    expect(await refusals()).toEqual({ key: 0, handshake: 0 });
    const intruder = curveKeyPair();
    curvePull({
      curveSecretKey: intruder.secretKey,
      curvePublicKey: intruder.publicKey,
      curveServerKey: server.publicKey,
    }).connect(endpoint);
    // A refused peer tries again every reconnect interval: each attempt is one more refusal.
    await eventually(async () => (await refusals()).key! >= 1, { what: 'the refused key counted' });
    // A refused key completes the CURVE handshake: it is not counted as a failed one.
    expect((await refusals()).handshake).toBe(0);
    curvePull({}).connect(endpoint);
    await eventually(async () => (await refusals()).handshake! >= 1, {
      what: 'the failed handshake counted',
    });
  });

  it('check asks for the keys that go together, at the target path', () => {
    const { problems } = validateOptions(plugin, {
      targets: [
        { type: 'file', path: 'x' },
        { type: 'zmq', address: 'tcp://h:1', curve: { serverKey: server.publicKey } },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual(['/targets/1/curve', '/targets/1/curve']);
  });
});
