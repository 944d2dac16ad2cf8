import { recordDomain } from '@tapline/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { Push } from 'zeromq';
import { closeOpened, opened, source } from './helpers.js';

afterEach(closeOpened);

const ROUNDS = 200;
const PEERS = 8;

// zeromq.js unbinds on a worker thread. If a receive still waits then, its poller reads the same
// socket on the main thread when the peers' disconnects arrive, and libzmq, whose sockets are not
// thread-safe, aborted the whole process (`Assertion failed … pipe.cpp`) or corrupted its heap:
// about one stop in 300 here, and once a whole CI run. This stops a source just as its peers go,
// many times; before the fix the process running it died in about half the runs.
describe('zmq-source stopping as its peers disconnect', () => {
  it('detaches only once no receive waits, and the process lives through every stop', async () => {
    let received = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const d = source();
      const recording = recordDomain(d);
      await d.start();
      const peers = Array.from({ length: PEERS }, () => {
        const p = new Push({ linger: 0 });
        p.connect(d.endpoint!);
        opened.push(p);
        return p;
      });
      for (const p of peers) for (let m = 0; m < 5; m++) await p.send('{"a":1}');
      await recording.waitForSettled(5 * PEERS);
      for (const p of peers) p.close();
      // The disconnects reach the socket at slightly different moments from the stop.
      if (round % 3 === 1) await new Promise((resolve) => setImmediate(resolve));
      if (round % 3 === 2) await new Promise((resolve) => setTimeout(resolve, 1));
      await d.stop();
      received += recording.outputs.length;
      opened.splice(0);
    }
    expect(received).toBe(ROUNDS * PEERS * 5);
  }, 60_000);
});
