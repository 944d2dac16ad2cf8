// One benchmark run: the publisher against one of three receivers, each in its own process.
//   bare:     zeromq.js PULL + JSON.parse, nothing else (the ceiling)
//   hand:     the default pipeline's work by hand in one plain loop (hand-pull.mjs)
//   tapline:  `tapline run` on the default pipeline
// Every child is killed if the run fails, and every wait has a deadline.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startChild } from './child.mjs';
import { measure } from '../stats.mjs';
import { attributeTail, steadyThreadUse } from './tail.mjs';
import { writeTaplineConfig } from './tapline-config.mjs';
import { freePort } from './free-port.mjs';

const bench = fileURLToPath(new URL('..', import.meta.url));
const root = join(bench, '..');
export const RECEIVERS = ['bare', 'hand', 'tapline'];

/** Generous deadlines: a run that takes longer than this is broken, not slow. */
function deadlineMs({ count, rate }) {
  return 60_000 + (rate ? (count / rate) * 1000 : count / 2);
}

/**
 * Runs `count` records (in frames of `batch`, paced at `rate` records/s when given, or all
 * queued before the receiver starts with `prefill`) through one receiver, in `dir`.
 * Returns throughput, latency, peak RSS and the receiver's own tally. `profile` writes a CPU
 * profile of the receiver into `dir`; `trace` records its GC pauses and attributes the tail.
 * `nodeFlags` go to the receiver's node, `handArgs` to the hand-written receiver.
 */
export async function runOnce(
  kind,
  {
    count,
    batch = 1,
    rate,
    prefill = false,
    dir,
    profile = false,
    trace = false,
    nodeFlags = [],
    handArgs = [],
    warmupMs = 1000,
  },
) {
  mkdirSync(dir, { recursive: true });
  // The machine's 1-minute load as the run starts: on a shared machine, the figures' context.
  const loadAtStart = loadavg()[0];
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const timeoutMs = deadlineMs({ count, rate });
  const children = [];
  const spawnPublisher = () => {
    const args = [join(bench, 'publisher.mjs'), '--address', address, '--count', String(count)];
    if (batch > 1) args.push('--batch', String(batch));
    if (rate) args.push('--rate', String(rate));
    if (prefill) args.push('--prefill');
    const child = startChild(args, { cwd: root });
    children.push(child);
    return child;
  };
  try {
    let publisher;
    if (prefill) {
      publisher = spawnPublisher();
      await publisher.next((l) => l === 'queued', '"queued"', timeoutMs);
    }
    const gcFile = join(dir, 'gc.json');
    const node = {
      flags: [
        ...nodeFlags,
        ...(profile ? ['--cpu-prof', '--cpu-prof-dir', dir] : []),
        ...(trace ? ['--import', join(bench, 'lib/trace-gc.mjs')] : []),
      ],
      env: trace ? { BENCH_TRACE_FILE: gcFile } : undefined,
    };
    const receiver =
      kind === 'tapline'
        ? await startTapline({ address, batch, dir, node, timeoutMs })
        : await startPull(kind, {
            address,
            count,
            batch,
            dir,
            node,
            timeoutMs,
            extra: kind === 'hand' ? handArgs : [],
          });
    children.push(receiver.child);
    publisher ??= spawnPublisher();
    const sent = JSON.parse(await publisher.next((l) => l.startsWith('{'), 'its result', timeoutMs));
    const code = await publisher.exit(timeoutMs);
    if (code !== 0) throw new Error(`the publisher exited with ${code}`);
    const result = await receiver.finish(count);
    let tail;
    if (trace && existsSync(gcFile)) {
      const { pauses, usage, threads } = JSON.parse(readFileSync(gcFile, 'utf8'));
      tail = {
        ...attributeTail(result.timings, pauses, warmupMs),
        ...usage,
        threads: steadyThreadUse(result.timings, threads, warmupMs),
        senderThreads: steadyThreadUse(result.timings, sent.threads, warmupMs),
      };
    }
    return {
      kind,
      sent: sent.sent,
      senderLate: sent.late,
      loadAverage: loadAtStart,
      ...measure(result.timings, count, { prefill, warmupMs }),
      ...result.report,
      tail,
    };
  } finally {
    for (const c of children) c.kill();
  }
}

async function startPull(kind, { address, count, batch, dir, node, timeoutMs, extra }) {
  const out = join(dir, kind === 'bare' ? 'timings.bin' : 'records.ndjson');
  const script = join(bench, kind === 'bare' ? 'bare-pull.mjs' : 'hand-pull.mjs');
  const args = [...node.flags, script, '--address', address, '--count', String(count), '--out', out];
  if (batch > 1) args.push('--batch', String(batch));
  args.push(...extra);
  const child = startChild(args, { cwd: root, env: node.env, name: `${kind} receiver` });
  await child.next((l) => l === 'ready', '"ready"', 30_000);
  return {
    child,
    async finish() {
      const report = JSON.parse(await child.next((l) => l.startsWith('{'), 'its result', timeoutMs));
      const code = await child.exit(30_000);
      if (code !== 0) throw new Error(`${kind} receiver exited with ${code}`);
      return { report, timings: kind === 'bare' ? readTimings(out) : readRecords(out) };
    },
  };
}

async function startTapline({ address, batch, dir, node, timeoutMs }) {
  const httpPort = await freePort();
  const config = writeTaplineConfig(dir, { address, httpPort, batch });
  const bin = join(root, 'packages/cli/dist/bin.js');
  const child = startChild([...node.flags, bin, 'run', '--config', config], {
    cwd: root,
    env: node.env,
    name: 'tapline run',
  });
  const api = `http://127.0.0.1:${httpPort}`;
  await until(child, async () => (await fetch(`${api}/readyz`)).status === 200, 'ready', 30_000);
  const cpuAtReady = cpuMsOf(child.child.pid);
  return {
    child,
    async finish(count) {
      let metrics;
      await until(
        child,
        async () => {
          metrics = await (await fetch(`${api}/api/metrics`)).json();
          return metrics.accounting.received >= count && metrics.accounting.inFlight === 0;
        },
        'every record accounted for',
        timeoutMs,
      );
      const cpuMs = cpuMsOf(child.child.pid) - cpuAtReady;
      const status = readFileSync(`/proc/${child.child.pid}/status`, 'utf8');
      const peakRssBytes = Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) * 1024;
      child.child.kill('SIGTERM');
      const code = await child.exit(30_000);
      if (code !== 0) throw new Error(`tapline run exited with ${code}`);
      const { received, completed, dropped, failed } = metrics.accounting;
      // Each step's `handle` operation, in the chain's order, the source's first.
      const steps = Object.entries(metrics.operations).filter(([op]) => op.endsWith('.handle'));
      const stepMeanUs = Object.fromEntries(
        steps.map(([op, o]) => [op.slice(0, -'.handle'.length), o.durations.mean * 1000]),
      );
      // How many records the source's batches held on average: full batches (batchMax) at saturation.
      const source = steps[0]?.[1];
      const recordsPerBatch = source === undefined ? undefined : source.handled / source.batches;
      return {
        report: {
          received,
          exported: completed,
          dropped,
          failed,
          cpuMs,
          peakRssBytes,
          stepMeanUs,
          recordsPerBatch,
        },
        timings: readRecords(join(dir, 'records.ndjson')),
      };
    },
  };
}

/** A process's CPU time (user + system, every thread) so far, in ms, from /proc (10 ms ticks). */
function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function until(child, check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    const exited = await Promise.race([child.exited, sleep(50, false)]);
    if (exited) throw new Error(`tapline run exited (code ${exited.code}) before ${what}`);
    if (Date.now() > deadline) throw new Error(`tapline run: not ${what} within ${timeoutMs / 1000} s`);
  }
}

function readTimings(file) {
  const buf = readFileSync(file);
  const all = new Float64Array(buf.buffer, buf.byteOffset, buf.length / 8);
  const n = all.length / 2;
  return { sentAt: all.subarray(0, n), doneAt: all.subarray(n) };
}

/** Send and export times of the records in an exported NDJSON file. */
function readRecords(file) {
  const text = readFileSync(file, 'utf8').trimEnd();
  const lines = text === '' ? [] : text.split('\n');
  const sentAt = new Float64Array(lines.length);
  const doneAt = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    const r = JSON.parse(line);
    sentAt[i] = r.sentAt;
    doneAt[i] = r.exportedAt;
  });
  return { sentAt, doneAt };
}
