import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { commands } from '../src/commands/index.js';
import { main } from '../src/main.js';
import { bufferIo } from './io.js';

const sockets: zmq.Pull[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function pull(): Promise<{ address: string; socket: zmq.Pull }> {
  const socket = new zmq.Pull({ linger: 0 });
  sockets.push(socket);
  await socket.bind('tcp://127.0.0.1:*');
  return { address: socket.lastEndpoint!, socket };
}

describe('one grammar across commands', () => {
  it('gives each short flag one meaning in every command', () => {
    const meaning = new Map<string, Set<string>>();
    for (const c of commands) {
      for (const [long, flag] of Object.entries(c.flags)) {
        if (flag.spec.short === undefined) continue;
        const longs = meaning.get(flag.spec.short) ?? new Set<string>();
        longs.add(long);
        meaning.set(flag.spec.short, longs);
      }
    }
    const clashes = [...meaning]
      .filter(([, longs]) => longs.size > 1)
      .map(([s, l]) => `-${s}: ${[...l].join(', ')}`);
    expect(clashes).toEqual([]);
    // The flags every command that has them shares: -c is --config, -l is --log-level, -n is --count.
    expect(meaning.get('c')).toEqual(new Set(['config']));
    expect(meaning.get('n')).toEqual(new Set(['count']));
  });

  it('says a missing value and a value given to a switch in its own words', async () => {
    const missing = bufferIo();
    expect(await main(['run', '--config'], missing)).toBe(2);
    expect(missing.err()).toContain('--config needs a value: --config FILE.');
    expect(missing.err()).not.toMatch(/<value>|argument missing/);
    const switched = bufferIo();
    expect(await main(['validate', '--json=yes'], switched)).toBe(2);
    expect(switched.err()).toContain('--json is a switch and takes no value');
    expect(switched.err()).not.toMatch(/does not take an argument/);
  });

  it('prints the version with --version and with "tapline version", and lists both in the help', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const argv of [['--version'], ['version']]) {
      const io = bufferIo();
      expect(await main(argv, io)).toBe(0);
      expect(io.out()).toBe(`${pkg.version}\n`);
    }
    const json = bufferIo();
    expect(await main(['version', '--json'], json)).toBe(0);
    expect(JSON.parse(json.out())).toEqual({ tapline: pkg.version, node: process.versions.node });
    const help = bufferIo();
    await main(['--help'], help);
    expect(help.out()).toMatch(/-v, --version/);
    expect(help.out()).toMatch(/version\s+print the version/);
  });

  it('names every source the help offers', async () => {
    const io = bufferIo();
    await main(['--help'], io);
    expect(io.out()).toContain('ZeroMQ');
    expect(io.out()).toContain('NATS JetStream');
  });

  it("publishes to ZMQ_ADDRESS, the default config's address, when --address is left out", async () => {
    const { address, socket } = await pull();
    const io = bufferIo();
    io.env.ZMQ_ADDRESS = address;
    const received = socket.receive();
    expect(await main(['publish', '--count', '1'], io)).toBe(0);
    expect(JSON.parse((await received)[0]!.toString())).toHaveProperty('service');
    expect(io.out()).toContain(`to ${address}`);
  });

  it('defaults publish to tcp://127.0.0.1:5555, where the default pipeline listens', async () => {
    const io = bufferIo();
    await main(['publish', '--help'], io);
    expect(io.out()).toContain('else tcp://127.0.0.1:5555');
  });

  it('reports with --json: publish, keygen and version', async () => {
    const { address, socket } = await pull();
    const received = (async () => [await socket.receive(), await socket.receive()])();
    const sent = bufferIo();
    expect(await main(['publish', '-a', address, '-n', '2', '--json'], sent)).toBe(0);
    await received;
    expect(JSON.parse(sent.out())).toMatchObject({ sent: 2, address, rate: expect.any(Number) });
    const dir = await mkdtemp(join(tmpdir(), 'tapline-keygen-'));
    const keys = bufferIo();
    expect(await main(['keygen', '--dir', dir, '--name', 'edge', '--json'], keys)).toBe(0);
    const report = JSON.parse(keys.out()) as { publicKeyFile: string; publicKey: string };
    expect(report.publicKeyFile).toBe(join(dir, 'edge.public'));
    expect((await readFile(report.publicKeyFile, 'utf8')).trim()).toBe(report.publicKey);
  });
});
