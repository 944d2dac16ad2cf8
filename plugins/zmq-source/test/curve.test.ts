import { spawnSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { curveKeyPair, Push } from 'zeromq';
import { prometheus } from '@tapline/core';
import { requireCurve, type CurveOptions } from '@tapline/core/curve';
import { eventually, recordDomain, validateOptions } from '@tapline/testkit';
import plugin, { ZmqSourceDomain } from '../src/index.js';

const server = curveKeyPair();
const client = curveKeyPair();
const stranger = curveKeyPair();
const open: Array<{ close(): void } | ZmqSourceDomain> = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const x of open.splice(0)) {
    if (x instanceof ZmqSourceDomain) await x.shutdown();
    else x.close();
  }
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function source(curve: CurveOptions, configDir = process.cwd(), registry = new prometheus.Registry()) {
  const { options, problems } = validateOptions(plugin, { address: 'tcp://127.0.0.1:*', curve });
  expect(problems).toEqual([]);
  const d = new ZmqSourceDomain(options!, { id: 'in', registry, configDir });
  open.push(d);
  return { d, registry };
}

function pusher(endpoint: string, keys?: { publicKey: string; secretKey: string }): Push {
  const p = new Push({ linger: 0, sendTimeout: 0 });
  if (keys !== undefined) {
    p.curveServerKey = server.publicKey;
    p.curvePublicKey = keys.publicKey;
    p.curveSecretKey = keys.secretKey;
  }
  p.connect(endpoint);
  open.push(p);
  return p;
}

async function rejected(registry: prometheus.Registry, reason: string): Promise<number> {
  const metric = await registry.getSingleMetric('tapline_source_auth_rejected_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('zmq-source with CURVE', () => {
  it('takes messages from an allowed client key only, and counts who it refused', async () => {
    const { d, registry } = source({ secretKey: server.secretKey, allowedClients: [client.publicKey] });
    const recording = recordDomain(d);
    await d.start();
    const wrong = pusher(d.endpoint!, stranger);
    const plain = pusher(d.endpoint!);
    // Neither handshake completes, so these sends wait in the senders' queues and never arrive.
    void wrong.send('{"from":"stranger"}').catch(() => {});
    void plain.send('{"from":"plain"}').catch(() => {});
    await eventually(
      async () => (await rejected(registry, 'key')) >= 1 && (await rejected(registry, 'handshake')) >= 1,
      { what: 'both refusals counted' },
    );
    const good = pusher(d.endpoint!, client);
    await good.send('{"from":"client"}');
    await recording.waitForSettled(1);
    expect(recording.outputs).toEqual([{ from: 'client' }]);
    const text = await registry.metrics();
    expect(text).toMatch(/tapline_source_auth_rejected_total\{step="in",reason="key"\} [1-9]/);
  });

  it('reads the secret key and the allowed clients from files relative to the config', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tapline-curve-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'server.secret'), `${server.secretKey}\n`, { mode: 0o600 });
    await writeFile(path.join(dir, 'clients'), `# the collector\n${client.publicKey}\n\n`);
    const { d } = source({ secretKeyFile: 'server.secret', allowedClientsFile: 'clients' }, dir);
    const recording = recordDomain(d);
    await d.start();
    await pusher(d.endpoint!, client).send('{"ok":1}');
    await recording.waitForSettled(1);
    expect(recording.outputs).toEqual([{ ok: 1 }]);

    await writeFile(path.join(dir, 'clients'), 'not a key\n');
    const broken = source({ secretKeyFile: 'server.secret', allowedClientsFile: 'clients' }, dir).d;
    await expect(broken.initialize()).rejects.toMatchObject({ code: 'TAPLINE_ERR_CURVE_KEY' });
  });

  it('check asks for the keys that go together', () => {
    const problems = (curve: unknown) => validateOptions(plugin, { curve }).problems;
    expect(problems({ secretKey: server.secretKey })).toEqual([
      { path: '/curve', message: expect.stringContaining('allowedClients') },
    ]);
    expect(problems({ secretKey: client.secretKey, serverKey: server.publicKey })).toEqual([
      { path: '/curve', message: expect.stringContaining('publicKey') },
    ]);
    expect(problems({ secretKey: 'short', allowedClients: [client.publicKey] })).toEqual([
      { path: '/curve/secretKey', message: expect.any(String) },
    ]);
  });

  it('start refuses CURVE with a coded error where zeromq lacks it', () => {
    expect(() => requireCurve(false, 'Step "in"')).toThrow(
      expect.objectContaining({ code: 'TAPLINE_ERR_CURVE_UNAVAILABLE' }),
    );
    expect(() => requireCurve(true, 'Step "in"')).not.toThrow();
  });
});

// The first Python that has pyzmq with CURVE (a version manager's python3 may lack the system's).
const python = ['python3', '/usr/bin/python3'].find(
  (bin) => spawnSync(bin, ['-c', 'import zmq; assert zmq.has("curve")'], { stdio: 'ignore' }).status === 0,
);
if (python === undefined) {
  console.warn('skipping the pyzmq interoperability test: no python3 here imports zmq with CURVE');
}

describe('zmq-source with CURVE, a pyzmq client', () => {
  it.skipIf(python === undefined)('delivers from a Python PUSH with an allowed key', async () => {
    const { d } = source({ secretKey: server.secretKey, allowedClients: [client.publicKey] });
    const recording = recordDomain(d);
    await d.start();
    const script = [
      'import sys, zmq',
      'ctx = zmq.Context()',
      's = ctx.socket(zmq.PUSH)',
      's.curve_serverkey, s.curve_publickey, s.curve_secretkey = (a.encode() for a in sys.argv[2:5])',
      's.linger = 2000',
      's.connect(sys.argv[1])',
      's.send(b\'{"from":"python"}\')',
      's.close()',
      'ctx.term()',
    ].join('\n');
    const child = spawn(python!, [
      '-c',
      script,
      d.endpoint!,
      server.publicKey,
      client.publicKey,
      client.secretKey,
    ]);
    open.push({ close: () => child.kill() });
    await recording.waitForSettled(1, 10_000);
    expect(recording.outputs).toEqual([{ from: 'python' }]);
  });
});
