// Each thread of this process and how it used the CPU, from Linux's /proc: the time it ran and
// the time it was ready to run but waited for a CPU (schedstat). On a machine shared with the
// publisher, the wait is what the scheduler adds to a record's latency. Elsewhere: [].
import { readFileSync, readdirSync } from 'node:fs';

/** [{ tid, group, cpuMs, waitMs }], group: 'main', 'zmq' (ZeroMQ's I/O thread) or 'other'. */
export function readThreads() {
  try {
    return readdirSync('/proc/self/task').map((tid) => {
      const dir = `/proc/self/task/${tid}`;
      const [runNs, waitNs] = readFileSync(`${dir}/schedstat`, 'utf8').split(' ');
      const name = readFileSync(`${dir}/comm`, 'utf8').trim();
      const group = tid === String(process.pid) ? 'main' : name.startsWith('ZMQbg/IO') ? 'zmq' : 'other';
      return { tid, group, cpuMs: Number(runNs) / 1e6, waitMs: Number(waitNs) / 1e6 };
    });
  } catch {
    return [];
  }
}

/**
 * What each group of threads ran and waited between two readings, in ms: { main, zmq, other },
 * each { cpuMs, waitMs }. A thread started in between counts from zero.
 */
export function threadUse(before, after) {
  const earlier = new Map(before.map((t) => [t.tid, t]));
  const use = {};
  for (const g of ['main', 'zmq', 'other']) use[g] = { cpuMs: 0, waitMs: 0 };
  for (const t of after) {
    const b = earlier.get(t.tid);
    use[t.group].cpuMs += t.cpuMs - (b?.cpuMs ?? 0);
    use[t.group].waitMs += t.waitMs - (b?.waitMs ?? 0);
  }
  return use;
}

/**
 * Reads the threads now and every `intervalMs` until `stop()`, which reads them once more and
 * returns every reading, `{ at, threads }` with `at` in epoch ms. The timer does not keep the
 * process alive.
 */
export function takeReadings(intervalMs = 500) {
  const readings = [];
  const read = () => readings.push({ at: Date.now(), threads: readThreads() });
  read();
  const timer = setInterval(read, intervalMs).unref();
  return {
    stop() {
      clearInterval(timer);
      read();
      return readings;
    },
  };
}
