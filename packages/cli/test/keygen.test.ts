import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ZmqSourceDomain, zmqSourceOptions, type ZmqSourceOptions } from '@tapline/plugin-zmq-source';
import { recordDomain } from '@tapline/testkit';
import { main } from '../src/main.js';
import { bufferIo } from './io.js';

const dirs: string[] = [];
const sources: ZmqSourceDomain[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.shutdown()));
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function keygen(dir: string, name: string): Promise<string> {
  const io = bufferIo(dir);
  expect(await main(['keygen', '--name', name], io)).toBe(0);
  return (await readFile(path.join(dir, `${name}.public`), 'utf8')).trim();
}

describe('tapline keygen', () => {
  it('writes a Z85 key pair, the secret readable by its owner only, and never overwrites one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tapline-keygen-'));
    dirs.push(dir);
    const publicKey = await keygen(dir, 'source');
    expect(publicKey).toMatch(/^.{40}$/);
    expect((await stat(path.join(dir, 'source.secret'))).mode & 0o777).toBe(0o600);
    const again = bufferIo(dir);
    expect(await main(['keygen', '--name', 'source'], again)).toBe(1);
    expect(again.err()).toContain('Choose another --name');
    expect((await readFile(path.join(dir, 'source.public'), 'utf8')).trim()).toBe(publicKey);
  });

  it('publish with --server-key and --keys reaches a CURVE source that allows that key', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tapline-keygen-'));
    dirs.push(dir);
    const serverKey = await keygen(dir, 'source');
    await keygen(dir, 'sender');
    const source = new ZmqSourceDomain(
      {
        ...defaults(),
        address: 'tcp://127.0.0.1:*',
        curve: { secretKeyFile: 'source.secret', allowedClientsFile: 'sender.public' },
      },
      { id: 'in', configDir: dir },
    );
    sources.push(source);
    const recording = recordDomain(source);
    await source.start();
    const io = bufferIo(dir);
    // With '=': a Z85 key may start with a dash, which parseArgs would take for an option.
    const args = ['--count', '3', `--server-key=${serverKey}`, '--keys', 'sender'];
    expect(await main(['publish', '--address', source.endpoint!, ...args], io)).toBe(0);
    await recording.waitForSettled(3);
    expect(recording.outputs).toHaveLength(3);
  });

  it('publish refuses half a key set before connecting', async () => {
    const io = bufferIo();
    expect(await main(['publish', '--address', 'tcp://127.0.0.1:1', '--keys', 'x'], io)).toBe(2);
    expect(io.err()).toContain('--server-key');
  });
});

/** The zmq-source's defaults, as the host would fill them. */
function defaults(): ZmqSourceOptions {
  const props = zmqSourceOptions.properties as Record<string, { default?: unknown }>;
  return Object.fromEntries(
    Object.entries(props).flatMap(([k, v]) => (v.default === undefined ? [] : [[k, v.default]])),
  ) as ZmqSourceOptions;
}
