// What a tap whose client never reads costs a run. Alternating rounds of `tapline run` on the
// default pipeline with every record prefilled by the publisher (the host reads as fast as it
// can):
//   no-tap      nobody taps
//   stalled-tap one client taps the last step (GET /api/tap, every record, no sampling) and
//               never reads a byte of the answer
// The figures: records/s from ready until every record has settled (/api/metrics), and the
// run's peak and final RSS (VmHWM, VmRSS of the tapline process, read before it stops), with
// the tap's counters (sent, skipped, buffered).
//   node bench/tap.mjs [--messages 200000] [--rounds 3] [--results DIR] [--runs DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startChild } from './lib/child.mjs';
import { fmt, rotate } from './lib/report.mjs';
import { writeTaplineConfig } from './lib/tapline-config.mjs';
import { median } from './stats.mjs';
import { freePort } from './lib/free-port.mjs';

const bench = fileURLToPath(new URL('.', import.meta.url));
const root = join(bench, '..');
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    results: { type: 'string', default: join(bench, 'results') },
    runs: { type: 'string', default: join(bench, '.runs') },
  },
});
const N = Number(values.messages);
const ROUNDS = Number(values.rounds);
const MODES = ['no-tap', 'stalled-tap'];
const runsDir = join(values.runs, `tap-${Date.now()}`);

async function poll(check, what, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch {
      // not up yet
    }
    if (child.child.exitCode !== null) throw new Error(`tapline run exited before ${what}`);
    if (Date.now() > deadline) throw new Error(`not ${what} within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/** The process's peak and current resident set, in MiB. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { peakRssMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
}

/** A tap request on a socket that is never read from. */
async function stalledTap(port) {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.pause();
  socket.write(`GET /api/tap HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  return socket;
}

async function runOnce(mode, dir) {
  mkdirSync(dir, { recursive: true });
  const loadAtStart = loadavg()[0];
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const httpPort = await freePort();
  const file = writeTaplineConfig(dir, { address, httpPort });
  const children = [];
  let socket;
  try {
    const publisher = startChild(
      [join(bench, 'publisher.mjs'), '--address', address, '--count', String(N), '--prefill'],
      { cwd: root, name: 'publisher' },
    );
    children.push(publisher);
    await publisher.next((l) => l === 'queued', '"queued"', 120_000);
    const tapline = startChild([join(root, 'packages/cli/dist/bin.js'), 'run', '--config', file], {
      cwd: root,
      name: 'tapline run',
    });
    children.push(tapline);
    const api = `http://127.0.0.1:${httpPort}`;
    // The API is served before the sources start: the tap is attached before the first record.
    await poll(async () => ((await fetch(`${api}/healthz`)).ok ? true : undefined), 'up', 30_000, tapline);
    if (mode === 'stalled-tap') {
      socket = await stalledTap(httpPort);
      await poll(
        async () =>
          (await (await fetch(`${api}/api/metrics`)).json()).taps.attached === 1 ? true : undefined,
        'tapped',
        30_000,
        tapline,
      );
    }
    await poll(
      async () => ((await fetch(`${api}/readyz`)).status === 200 ? true : undefined),
      'ready',
      30_000,
      tapline,
    );
    const began = performance.now();
    const metrics = await poll(
      async () => {
        const m = await (await fetch(`${api}/api/metrics`)).json();
        return m.accounting.received === N && m.accounting.inFlight === 0 ? m : undefined;
      },
      'every record settled',
      60_000 + N,
      tapline,
    );
    const seconds = (performance.now() - began) / 1000;
    const mem = memory(tapline.child.pid);
    tapline.child.kill('SIGTERM');
    await tapline.exit(30_000);
    await publisher.exit(60_000);
    return { mode, perSecond: N / seconds, seconds, ...mem, taps: metrics.taps, loadAverage: loadAtStart };
  } finally {
    socket?.destroy();
    for (const c of children) c.child.kill('SIGKILL');
  }
}

const runs = Object.fromEntries(MODES.map((m) => [m, []]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const mode of rotate(MODES, round - 1)) {
    const r = await runOnce(mode, join(runsDir, `${mode}-${round}`));
    runs[mode].push(r);
    process.stderr.write(
      `round ${round} ${mode.padEnd(11)} ${fmt(r.perSecond)} records/s, peak RSS ${fmt(r.peakRssMiB, 1)} MiB` +
        (mode === 'stalled-tap'
          ? `; tap sent ${r.taps.sent}, skipped ${r.taps.skipped}, buffered ${r.taps.buffered}`
          : '') +
        '\n',
    );
  }
}

const med = (m, key) => median(runs[m].map((r) => r[key]));
const results = { date: new Date().toISOString(), node: process.version, messages: N, rounds: ROUNDS, runs };
mkdirSync(values.results, { recursive: true });
writeFileSync(join(values.results, 'tap.json'), JSON.stringify(results, null, 2) + '\n');
const rows = MODES.map(
  (m) =>
    `| ${m} | ${fmt(med(m, 'perSecond'))} | ${runs[m].map((r) => fmt(r.perSecond)).join(', ')} | ` +
    `${fmt(med(m, 'peakRssMiB'), 1)} | ${fmt(med(m, 'rssMiB'), 1)} |`,
);
const stalled = runs['stalled-tap'];
const md = [
  '# A tap whose client never reads',
  '',
  `${N} records prefilled, the default pipeline; ${ROUNDS} alternating rounds, ${results.date}, Node`,
  `${process.version}, load at start ${runs[MODES[0]].map((r) => r.loadAverage.toFixed(2)).join(', ')}.`,
  '',
  '| run | records/s (median) | rounds | peak RSS MiB (median) | RSS at the end MiB (median) |',
  '| --- | ---: | --- | ---: | ---: |',
  ...rows,
  '',
  `stalled-tap / no-tap records/s: **${(med('stalled-tap', 'perSecond') / med('no-tap', 'perSecond')).toFixed(2)}**; ` +
    `peak RSS ${fmt(med('stalled-tap', 'peakRssMiB') - med('no-tap', 'peakRssMiB'), 1)} MiB apart.`,
  '',
  `The stalled tap per round: sent ${stalled.map((r) => r.taps.sent).join(', ')}; skipped ` +
    `${stalled.map((r) => r.taps.skipped).join(', ')}; buffered at the end ${stalled.map((r) => r.taps.buffered).join(', ')} ` +
    `(of at most ${stalled[0].taps.bufferLimit}).`,
  '',
].join('\n');
writeFileSync(join(values.results, 'tap.md'), md);
process.stdout.write(md);
