// What a slow next hop costs the exporter's healthy file target. One run, alternating rounds
// (the machine is noisy, so medians are quoted), each `tapline run` on the default pipeline
// with every record prefilled by the publisher, so the host reads as fast as it can:
//   file-only    the exporter writes to the archive file alone
//   drop_newest  the archive file plus a ZeroMQ next hop that reads --hop-rate msg/s, with
//                whenFull "drop_newest" (the file should not notice the hop)
//   block        the same pair with whenFull "block" (the hop sets the pace: for contrast)
// The figure is the archive's records/s: the records received over the time from ready until
// the archive target wrote the last one that passed the pipeline's filter (from /api/metrics). drop_newest / file-only is the ratio the
// exporter's README quotes.
//   node bench/outputs.mjs [--messages 200000] [--rounds 3] [--hop-rate 2000] [--block]
//                          [--only MODE,…] [--profile] [--pin] [--name outputs] [--results DIR] [--runs DIR]
// --profile   a .cpuprofile of every tapline run, in its folder under --runs (bench/.runs/)
// --pin       tapline on the first CPU, the publisher and the next hop on the second (taskset):
//             the hop is then another machine's work, as in a deployment, instead of taking
//             turns with the host on a 2-core machine
// Besides records/s, each run reports the CPU time `tapline run` spent (every thread, from
// /proc) per record received over the timed window: the host's own cost, which the machine's
// other work does not move.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    'hop-rate': { type: 'string', default: '2000' },
    block: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
    name: { type: 'string', default: 'outputs' },
    results: { type: 'string', default: join(bench, 'results') },
    runs: { type: 'string', default: join(bench, '.runs') },
  },
});
const N = Number(values.messages);
const ROUNDS = Number(values.rounds);
const hopRate = Number(values['hop-rate']);
const MODES = values.only?.split(',') ?? ['file-only', 'drop_newest', ...(values.block ? ['block'] : [])];
const runsDir = join(values.runs, `outputs-${Date.now()}`);

/** Puts every thread of a child on `cpu` (with --pin). */
function pin(child, cpu) {
  if (!values.pin) return;
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(child.child.pid)]);
  if (r.status !== 0) throw new Error(`taskset failed: ${r.stderr}`);
}

/** CPU time of a process, every thread, user + system, in seconds (Linux: /proc/PID/stat). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

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

async function runOnce(mode, dir) {
  mkdirSync(dir, { recursive: true });
  const loadAtStart = loadavg()[0];
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const hopAddress = `tcp://127.0.0.1:${await freePort()}`;
  const httpPort = await freePort();
  const file = writeTaplineConfig(dir, { address, httpPort });
  const config = JSON.parse(readFileSync(file, 'utf8'));
  const exporter = config.pipeline.find((s) => s.id === 'export').options;
  exporter.targets = [{ name: 'archive', type: 'file', path: 'records.ndjson' }];
  if (mode !== 'file-only') {
    exporter.targets.push({
      name: 'next-hop',
      type: 'zmq',
      address: hopAddress,
      buffer: { maxRecords: 1000, whenFull: mode },
    });
  }
  writeFileSync(file, JSON.stringify(config, null, 2));
  const children = [];
  try {
    if (mode !== 'file-only') {
      const hop = startChild(
        [join(bench, 'lib/slow-hop.mjs'), '--address', hopAddress, '--rate', String(hopRate)],
        {
          cwd: root,
          name: 'slow hop',
        },
      );
      children.push(hop);
      pin(hop, 1);
      await hop.next((l) => l === 'ready', '"ready"', 30_000);
    }
    const publisher = startChild(
      [join(bench, 'publisher.mjs'), '--address', address, '--count', String(N), '--prefill'],
      { cwd: root, name: 'publisher' },
    );
    children.push(publisher);
    pin(publisher, 1);
    await publisher.next((l) => l === 'queued', '"queued"', 120_000);
    const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
    const tapline = startChild(
      [...profile, join(root, 'packages/cli/dist/bin.js'), 'run', '--config', file],
      {
        cwd: root,
        name: 'tapline run',
      },
    );
    children.push(tapline);
    pin(tapline, 0);
    const api = `http://127.0.0.1:${httpPort}`;
    await poll(
      async () => ((await fetch(`${api}/readyz`)).status === 200 ? true : undefined),
      'ready',
      30_000,
      tapline,
    );
    const began = performance.now();
    const cpuBegan = cpuSeconds(tapline.child.pid);
    const timeoutMs = 60_000 + N;
    const archive = await poll(
      async () => {
        const m = await (await fetch(`${api}/api/metrics`)).json();
        const books = m.steps.find((s) => s.id === 'export').outputs;
        // The default pipeline filters out its debug records: the archive gets the rest.
        const { received, droppedBy } = m.accounting;
        return received === N && books[0].written + droppedBy.filtered === N ? { books } : undefined;
      },
      'the archive written',
      timeoutMs,
      tapline,
    );
    const seconds = (performance.now() - began) / 1000;
    const cpuUs = ((cpuSeconds(tapline.child.pid) - cpuBegan) * 1e6) / N;
    // The block run waits for the hop to take the rest before it stops: not timed.
    if (mode !== 'block') {
      tapline.child.kill('SIGTERM');
      await tapline.exit(30_000); // a profile is written as it exits
    }
    await publisher.exit(timeoutMs);
    return { mode, perSecond: N / seconds, seconds, cpuUs, loadAverage: loadAtStart, books: archive.books };
  } finally {
    for (const c of children) c.child.kill('SIGKILL');
  }
}

const runs = Object.fromEntries(MODES.map((m) => [m, []]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const mode of rotate(MODES, round - 1)) {
    const result = await runOnce(mode, join(runsDir, `${mode}-${round}`));
    runs[mode].push(result);
    const hop = result.books[1];
    process.stderr.write(
      `round ${round} ${mode.padEnd(11)} archive ${fmt(result.perSecond)} records/s, ` +
        `tapline ${result.cpuUs.toFixed(2)} µs CPU per record` +
        (hop ? `; next hop wrote ${hop.written}, dropped ${hop.dropped}` : '') +
        '\n',
    );
  }
}

const medians = Object.fromEntries(MODES.map((m) => [m, median(runs[m].map((r) => r.perSecond))]));
const ratio = medians.drop_newest / medians['file-only'];
const cpu = Object.fromEntries(MODES.map((m) => [m, median(runs[m].map((r) => r.cpuUs))]));
const results = {
  date: new Date().toISOString(),
  node: process.version,
  messages: N,
  rounds: ROUNDS,
  hopRate,
  pinned: values.pin,
  medians,
  ratio,
  cpuUsPerRecord: cpu,
  runs,
};
mkdirSync(values.results, { recursive: true });
writeFileSync(join(values.results, `${values.name}.json`), JSON.stringify(results, null, 2) + '\n');
const rows = MODES.map(
  (m) =>
    `| ${m} | ${fmt(medians[m])} | ${runs[m].map((r) => fmt(r.perSecond)).join(', ')} | ${cpu[m].toFixed(2)} |`,
);
const md = [
  `# The archive file's throughput beside a slow next hop`,
  '',
  `${N} records prefilled, the default pipeline, the next hop reading ${hopRate} msg/s with a`,
  `1,000-record queue; ${ROUNDS} alternating rounds, ${results.date}, Node ${process.version}, load at`,
  `start ${runs[MODES[0]].map((r) => r.loadAverage.toFixed(2)).join(', ')}` +
    (values.pin ? '; tapline on one CPU, the publisher and the hop on the other.' : '.'),
  '',
  '| run | archive records/s (median) | rounds | tapline CPU µs per record (median) |',
  '| --- | ---: | --- | ---: |',
  ...rows,
  '',
  `drop_newest / file-only: **${ratio.toFixed(2)}**; CPU per record, file-only / drop_newest: ` +
    `${(cpu['file-only'] / cpu.drop_newest).toFixed(2)}`,
  '',
].join('\n');
writeFileSync(join(values.results, `${values.name}.md`), md);
process.stdout.write(md);
