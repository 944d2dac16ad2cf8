import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { main } from '../src/main.js';
import { publish } from '../src/publish/publisher.js';
import { bufferIo } from './io.js';

const sockets: Array<zmq.Pull | zmq.Subscriber> = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function pull(): Promise<{ address: string; socket: zmq.Pull }> {
  const socket = new zmq.Pull({ linger: 0 });
  sockets.push(socket);
  await socket.bind('tcp://127.0.0.1:*');
  return { address: socket.lastEndpoint!, socket };
}

async function take(socket: zmq.Pull | zmq.Subscriber, n: number): Promise<Buffer[][]> {
  const got: Buffer[][] = [];
  while (got.length < n) got.push(await socket.receive());
  return got;
}

describe('tapline publish', () => {
  it('sends realistic sample records stamped with their send time', async () => {
    const { address, socket } = await pull();
    const io = bufferIo();
    const before = Date.now();
    const received = take(socket, 25);
    expect(await main(['publish', '--address', address, '--count', '25'], io)).toBe(0);
    const records = (await received).map(([frame]) => JSON.parse(frame!.toString()));
    expect(records).toHaveLength(25);
    for (const r of records) {
      expect(r).toMatchObject({
        service: expect.any(String),
        level: expect.stringMatching(/^(debug|info|warn|error)$/),
        latencyMs: expect.any(Number),
        message: expect.any(String),
      });
      expect(r.sentAt).toBeGreaterThanOrEqual(before);
      expect(r.sentAt).toBeLessThanOrEqual(Date.now());
    }
    expect(new Set(records.map((r) => r.id)).size).toBe(25);
    expect(io.out()).toMatch(/^Sent 25 messages to tcp:\/\/127\.0\.0\.1:\d+ in [\d.]+ s \(\d+ msg\/s\)\n$/);
  });

  it('replays the non-empty lines of a file, at most --count of them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapline-publish-'));
    const file = join(dir, 'events.ndjson');
    await writeFile(file, '{"a":1}\n\n{"a":2}\nnot json\n{"a":4}\n');
    const { address, socket } = await pull();
    const io = bufferIo();
    const received = take(socket, 3);
    expect(await main(['publish', '-a', address, '--file', file, '--count', '3'], io)).toBe(0);
    expect((await received).map(([f]) => f!.toString())).toEqual(['{"a":1}', '{"a":2}', 'not json']);
    expect(io.out()).toContain('Sent 3 messages');
  });

  it('with --batch, sends frames of B records, one per line, and counts records', async () => {
    const { address, socket } = await pull();
    const io = bufferIo();
    const received = take(socket, 3);
    expect(await main(['publish', '--address', address, '--count', '10', '--batch', '4'], io)).toBe(0);
    const frames = (await received).map(([f]) => f!.toString().split('\n'));
    expect(frames.map((lines) => lines.length)).toEqual([4, 4, 2]);
    const records = frames.flat().map((line) => JSON.parse(line));
    expect(new Set(records.map((r) => r.id)).size).toBe(10);
    expect(io.out()).toMatch(/^Sent 10 messages in 3 frames to tcp:/);
  });

  it('with --batch and --file, frames the non-empty lines of the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapline-publish-'));
    const file = join(dir, 'events.ndjson');
    await writeFile(file, '{"a":1}\n{"a":2}\n\n{"a":3}\n');
    const { address, socket } = await pull();
    const io = bufferIo();
    const received = take(socket, 2);
    expect(await main(['publish', '-a', address, '--file', file, '--batch', '2'], io)).toBe(0);
    expect((await received).map(([f]) => f!.toString())).toEqual(['{"a":1}\n{"a":2}', '{"a":3}']);
    expect(io.out()).toContain('Sent 3 messages in 2 frames');
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a --batch that is not a positive integer', async () => {
    const io = bufferIo();
    expect(await main(['publish', '-a', 'tcp://127.0.0.1:1', '--batch', '0'], io)).not.toBe(0);
    expect(io.err()).toContain('--batch must be a positive integer');
  });

  it('sends the topic frame first on a pub socket', async () => {
    const sub = new zmq.Subscriber({ linger: 0 });
    sockets.push(sub);
    sub.subscribe('logs');
    await sub.bind('tcp://127.0.0.1:*');
    const received = take(sub, 5);
    const io = bufferIo();
    const args = ['publish', '-a', sub.lastEndpoint!, '--socket', 'pub', '--topic', 'logs', '-n', '5'];
    expect(await main(args, io)).toBe(0);
    for (const [topic, payload] of await received) {
      expect(topic!.toString()).toBe('logs');
      expect(JSON.parse(payload!.toString())).toHaveProperty('sentAt');
    }
  });
});

describe('publish()', () => {
  it('fails with TAPLINE_ERR_PUBLISH_TIMEOUT when nothing listens, instead of queueing forever', async () => {
    // An ipc path of its own that nothing binds: a closed TCP port goes back to the OS, and a
    // test running beside this one may bind it and take the message.
    const dir = await mkdtemp(join(tmpdir(), 'tapline-publish-'));
    try {
      const address = `ipc://${join(dir, 'nobody.sock')}`;
      await expect(publish(['{"a":1}'], { address, sendTimeoutMs: 200 })).rejects.toMatchObject({
        code: 'TAPLINE_ERR_PUBLISH_TIMEOUT',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
