import { afterEach, describe, expect, it } from 'vitest';
import { curveKeyPair, Pull } from 'zeromq';
import { validateOptions } from '@tapline/testkit';
import plugin, { ExporterDomain, type ExporterOptions } from '../src/index.js';
import { context } from './helpers.js';
import { recordDomain } from '@tapline/testkit';

const server = curveKeyPair();
const client = curveKeyPair();
const closeLater: Array<{ close(): void }> = [];
const shutdownLater: ExporterDomain[] = [];

afterEach(async () => {
  for (const d of shutdownLater.splice(0)) await d.shutdown().catch(() => {});
  for (const s of closeLater.splice(0)) s.close();
});

function exporter(target: Record<string, unknown>): ExporterDomain {
  const { options, problems } = validateOptions(plugin, {
    targets: [{ type: 'zmq', lingerMs: 0, ...target }],
  });
  expect(problems).toEqual([]);
  const d = new ExporterDomain(options as ExporterOptions, { id: 'export' });
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
