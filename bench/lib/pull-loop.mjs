// The receive loop of the bare and hand-written receivers, read the way the Tapline source reads:
// with no timeout while messages are queued (no event poll per receive), blocking only once the
// queue runs empty, and yielding to the event loop every 256 records. Without the yield zeromq.js
// never gets to release the frames it handed out and the process grows by hundreds of MiB.
// Both can be changed to measure their effect on latency: `idleWakeMs` (the Tapline source wakes
// every 50 ms while idle; the default -1 never does) and `yieldEvery`.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Pull } from 'zeromq';

let cpuAtReady;

/** What both receivers take on the command line (`parseArgs` options). */
export const RECEIVER_OPTIONS = {
  address: { type: 'string' },
  count: { type: 'string' },
  out: { type: 'string' },
  batch: { type: 'string', default: '1' },
};

/** Binds a PULL socket to `address`; prints `ready` once bound. */
export async function bindPull(address) {
  const socket = new Pull({ receiveHighWaterMark: 1000, linger: 0 });
  await socket.bind(address);
  cpuAtReady = process.cpuUsage();
  process.stdout.write('ready\n');
  return socket;
}

/** CPU time (user + system, every thread) spent since `ready`, in ms: start-up left out. */
export function cpuMsSinceReady() {
  const { user, system } = process.cpuUsage(cpuAtReady);
  return (user + system) / 1000;
}

/**
 * Hands each frame to `onFrame(frame)`, which returns how many records it held, until `count`
 * records were taken. After each frame, `hold()` may return a promise to wait on (a writer
 * waiting for the disk).
 */
export async function pullRecords(
  socket,
  count,
  onFrame,
  { hold = () => undefined, idleWakeMs = -1, yieldEvery = 256 } = {},
) {
  let taken = 0;
  let sinceYield = 0;
  socket.receiveTimeout = 0;
  let waiting = false;
  while (taken < count) {
    let frame;
    try {
      [frame] = await socket.receive();
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
      socket.receiveTimeout = idleWakeMs;
      waiting = true;
      continue;
    }
    if (waiting) {
      socket.receiveTimeout = 0;
      waiting = false;
    }
    const n = onFrame(frame);
    const wait = hold();
    if (wait !== undefined) await wait;
    taken += n;
    sinceYield += n;
    if (sinceYield >= yieldEvery) {
      sinceYield = 0;
      await nextTurn();
    }
  }
}

/** Calls `each(line)` for every non-empty line of an NDJSON frame; returns how many. */
export function eachLine(text, each) {
  let n = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) {
      each(text.slice(start, end));
      n++;
    }
    start = end + 1;
  }
  return n;
}
