import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTestContext } from '@tapline/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ZmqTarget } from '../src/index.js';

/** What a next hop that dies can take with it, in records; the README states the same formula. */
function lossBound(o: {
  sendHighWaterMark: number;
  peerReceiveHighWaterMark: number;
  sendBufferSize: number;
  peerReceiveBufferSize: number;
  wireBytes: number;
}): { records: number; tcpRecords: number } {
  // Linux doubles SO_SNDBUF and SO_RCVBUF (the kernel's bookkeeping comes out of the same
  // space, so the payload they hold is less); each ZeroMQ engine batches up to 8 KiB on its way
  // to and from the kernel, and holds at most one more message while its pipe is full.
  const ENGINE_BATCH_BYTES = 8192;
  const bytes = 2 * o.sendBufferSize + 2 * o.peerReceiveBufferSize + 2 * ENGINE_BATCH_BYTES;
  const tcpRecords = Math.floor(bytes / o.wireBytes) + 2;
  return { records: o.sendHighWaterMark + o.peerReceiveHighWaterMark + tcpRecords, tcpRecords };
}

/** A record of exactly `size` bytes of JSON. */
function record(seq: number, size: number): string {
  const bare = `{"seq":${seq},"pad":""}`;
  return `{"seq":${seq},"pad":"${'x'.repeat(size - bare.length)}"}`;
}

interface Peer {
  child: ChildProcess;
  endpoint: string;
  took: number[];
  stopped: Promise<void>;
  exited: Promise<unknown>;
}

const peers: ChildProcess[] = [];
afterEach(() => {
  for (const child of peers.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A PULL peer in a process of its own that hands `take` records to its application, then reads no more. */
async function startPeer(
  receiveHighWaterMark: number,
  receiveBufferSize: number,
  take: number,
): Promise<Peer> {
  const script = fileURLToPath(new URL('./zmq-peer.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, String(receiveHighWaterMark), String(receiveBufferSize), String(take)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  peers.push(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const took: number[] = [];
  let endpoint!: (e: string) => void;
  let stopped!: () => void;
  const ready = new Promise<string>((resolve) => (endpoint = resolve));
  const done = new Promise<void>((resolve) => (stopped = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const said = JSON.parse(line) as { endpoint?: string; seq?: number; stopped?: boolean };
    if (said.endpoint !== undefined) endpoint(said.endpoint);
    if (said.seq !== undefined) took.push(said.seq);
    if (said.stopped) stopped();
  });
  const failed = exited.then(() => Promise.reject(new Error('the peer exited before binding')));
  return { child, endpoint: await Promise.race([ready, failed]), took, stopped: done, exited };
}

describe('zmq target: what a next hop that dies takes with it', () => {
  it('stays within sendHighWaterMark + the peer receiveHighWaterMark + the TCP buffers, and exceeds the first and the last alone', async () => {
    const size = 1000;
    const o = {
      sendHighWaterMark: 100,
      peerReceiveHighWaterMark: 1000, // the zmq-source default
      sendBufferSize: 16 * 1024,
      peerReceiveBufferSize: 16 * 1024,
      wireBytes: size + 9, // ZeroMQ's frame header for a frame over 255 bytes
    };
    const take = 50;
    const peer = await startPeer(o.peerReceiveHighWaterMark, o.peerReceiveBufferSize, take);
    const target = new ZmqTarget(
      {
        type: 'zmq',
        address: peer.endpoint,
        sendHighWaterMark: o.sendHighWaterMark,
        sendBufferSize: o.sendBufferSize,
        sendTimeoutMs: 1000,
        lingerMs: 0,
      },
      { retries: 0, retryDelayMs: 0, retryMaxDelayMs: 0 },
      createTestContext().logger,
    );
    await target.open();
    try {
      await target.write(record(0, size)); // waits for the connection
      const total = 3000;
      const writes = Array.from({ length: total - 1 }, (_, i) => target.write(record(i + 1, size)));
      const outcomes = await Promise.allSettled(writes);
      const failed = outcomes.filter((r) => r.status === 'rejected').length;
      // A send timed out: everything between the target and the peer's application was full.
      expect(failed).toBeGreaterThan(0);
      await peer.stopped;
      expect(peer.took).toEqual([...Array(take).keys()]);
      peer.child.kill('SIGKILL');
      await peer.exited;

      const lost = target.written - peer.took.length;
      const bound = lossBound(o);
      console.log(
        `zmq hop killed: target wrote ${target.written}, peer's application took ${take}, lost ${lost}; ` +
          `bound ${bound.records} = sendHighWaterMark ${o.sendHighWaterMark} + peer receiveHighWaterMark ` +
          `${o.peerReceiveHighWaterMark} + TCP ${bound.tcpRecords}`,
      );
      expect(target.written + failed).toBe(total);
      expect(lost).toBeLessThanOrEqual(bound.records);
      // The bound once stated, sendHighWaterMark plus TCP buffers, is short: the peer's queue counts.
      expect(lost).toBeGreaterThan(o.sendHighWaterMark + bound.tcpRecords);
    } finally {
      await target.close();
    }
  }, 60_000);
});
