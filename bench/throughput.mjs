// End-to-end throughput of `tapline run` on the default plugins (exporter to a file), beside the
// ceiling: the same publisher against a bare zeromq.js PULL socket that only JSON.parses.
// Runs alternate (bare, tapline, bare, ...) and medians are quoted, because the machine is noisy.
//   node bench/throughput.mjs [--messages 500000] [--rounds 3] [--profile]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, summarize } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '500000' },
    rounds: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
  },
});
const N = Number(values.messages);
const ROUNDS = Number(values.rounds);
const runsDir = join(here, '.runs', String(Date.now()));

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Spawns a node process; `next(predicate)` resolves with the next stdout line that matches. */
function start(args) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const seen = [];
  let waiter;
  createInterface({ input: child.stdout }).on('line', (line) => {
    seen.push(line);
    waiter?.();
  });
  const ended = once(child, 'exit');
  const next = async (predicate = () => true) => {
    for (;;) {
      const i = seen.findIndex(predicate);
      if (i >= 0) return seen.splice(0, i + 1).pop();
      const more = new Promise((r) => (waiter = r));
      if (
        (await Promise.race([more.then(() => true), ended.then(() => false)])) === false &&
        !seen.some(predicate)
      ) {
        throw new Error(`${args[0]} ended before printing what was awaited`);
      }
    }
  };
  return { child, next };
}

async function publish(address) {
  const { child, next } = start([join(here, 'publisher.mjs'), '--address', address, '--count', String(N)]);
  const result = JSON.parse(await next());
  await once(child, 'exit');
  return result;
}

async function runBare() {
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const receiver = start([join(here, 'bare-pull.mjs'), '--address', address, '--count', String(N)]);
  await receiver.next((l) => l === 'ready');
  const [, result] = await Promise.all([publish(address), receiver.next((l) => l.startsWith('{'))]);
  await once(receiver.child, 'exit');
  return JSON.parse(result);
}

async function get(url) {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

async function until(check, what, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function runTapline(round) {
  const dir = join(runsDir, `tapline-${round}`);
  mkdirSync(dir, { recursive: true });
  const [zmqPort, httpPort] = [await freePort(), await freePort()];
  const address = `tcp://127.0.0.1:${zmqPort}`;
  const config = JSON.parse(readFileSync(join(root, 'pipeline.config.json'), 'utf8'));
  delete config.$schema;
  config.pipeline[0].options.address = address;
  const exporter = config.pipeline.find((s) => s.plugin === '@tapline/plugin-exporter');
  exporter.options = { targets: [{ type: 'file', path: 'records.ndjson' }], timestampField: 'exportedAt' };
  config.deadLetter = { path: 'dead-letters.ndjson' };
  config.monitor.http = { host: '127.0.0.1', port: httpPort };
  config.log = { level: 'warn' };
  const configFile = join(dir, 'pipeline.config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
  const host = start([...profile, join(root, 'packages/cli/dist/bin.js'), 'run', '--config', configFile]);
  const api = `http://127.0.0.1:${httpPort}`;
  await until(async () => (await get(`${api}/readyz`)).status === 200, 'the host to be ready', 30_000);
  await publish(address);
  let accounting;
  await until(async () => {
    accounting = JSON.parse((await get(`${api}/api/metrics`)).body).accounting;
    return accounting.received === N && accounting.inFlight === 0;
  }, 'every message to be accounted for');
  // Each step's own execute time, from the Monitor's window of the latest durations.
  const { operations } = JSON.parse((await get(`${api}/api/metrics`)).body);
  const stepMeanUs = Object.fromEntries(
    config.pipeline.map((s) => [s.id, operations[`${s.id}.handle`].durations.mean * 1000]),
  );
  const peakRssBytes =
    Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${host.child.pid}/status`, 'utf8'))[1]) * 1024;
  host.child.kill('SIGTERM');
  const [code] = await once(host.child, 'exit');
  if (code !== 0) throw new Error(`tapline run exited with ${code}`);

  const records = readFileSync(join(dir, 'records.ndjson'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  const latencies = new Float64Array(records.length);
  let firstSentAt = Infinity;
  let lastExportedAt = 0;
  records.forEach((r, i) => {
    latencies[i] = r.exportedAt - r.sentAt;
    if (r.sentAt < firstSentAt) firstSentAt = r.sentAt;
    if (r.exportedAt > lastExportedAt) lastExportedAt = r.exportedAt;
  });
  const elapsedMs = lastExportedAt - firstSentAt;
  return {
    count: N,
    exported: records.length,
    accounting,
    elapsedMs,
    perSecond: (N * 1000) / elapsedMs,
    latency: summarize(latencies),
    peakRssBytes,
    stepMeanUs,
  };
}

const runs = { bare: [], tapline: [] };
for (let round = 1; round <= ROUNDS; round++) {
  const order = round % 2 ? ['bare', 'tapline'] : ['tapline', 'bare'];
  for (const kind of order) {
    const result = kind === 'bare' ? await runBare() : await runTapline(round);
    runs[kind].push(result);
    process.stderr.write(
      `round ${round} ${kind.padEnd(7)} ${Math.round(result.perSecond).toLocaleString('en-US')} msg/s, p50 ${result.latency.p50.toFixed(2)} ms, p99 ${result.latency.p99.toFixed(2)} ms\n`,
    );
  }
}

const summary = (list) => ({
  perSecond: median(list.map((r) => r.perSecond)),
  latencyP50Ms: median(list.map((r) => r.latency.p50)),
  latencyP99Ms: median(list.map((r) => r.latency.p99)),
  latencyMaxMs: median(list.map((r) => r.latency.max)),
  peakRssMiB: median(list.map((r) => r.peakRssBytes)) / 2 ** 20,
});
const bare = summary(runs.bare);
const tapline = summary(runs.tapline);
tapline.stepMeanUs = Object.fromEntries(
  Object.keys(runs.tapline[0].stepMeanUs).map((id) => [
    id,
    median(runs.tapline.map((r) => r.stepMeanUs[id])),
  ]),
);
const result = {
  date: new Date().toISOString(),
  node: process.version,
  messages: N,
  rounds: ROUNDS,
  bare,
  tapline,
  ratio: tapline.perSecond / bare.perSecond,
  runs,
};
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const table = [
  `| ${fmt(N)} messages, median of ${ROUNDS} | msg/s | latency p50 | p99 | max | peak RSS |`,
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...[
    ['bare zeromq.js PULL + JSON.parse (ceiling)', bare],
    ['tapline run, default pipeline, file exporter', tapline],
  ].map(
    ([name, s]) =>
      `| ${name} | ${fmt(s.perSecond)} | ${fmt(s.latencyP50Ms, 2)} ms | ${fmt(s.latencyP99Ms, 2)} ms | ${fmt(s.latencyMaxMs, 1)} ms | ${fmt(s.peakRssMiB, 0)} MiB |`,
  ),
  '',
  `Tapline reaches **${fmt(result.ratio * 100, 1)}%** of the ceiling (Node ${process.version}, ${result.date.slice(0, 10)}).`,
  '',
  ...timeBudget(),
].join('\n');

/** Microseconds per message: the whole of each run, and each step's own execute (the Monitor's mean). */
function timeBudget() {
  const perMessage = (s) => 1e6 / s.perSecond;
  const steps = Object.entries(tapline.stepMeanUs);
  const inSteps = steps.reduce((sum, [, us]) => sum + us, 0);
  return [
    '| µs per message (medians) | µs |',
    '| --- | ---: |',
    `| bare: receive + JSON.parse | ${fmt(perMessage(bare), 2)} |`,
    `| tapline: the whole message | ${fmt(perMessage(tapline), 2)} |`,
    ...steps.map(([id, us]) => `| &nbsp;&nbsp;step \`${id}\` execute | ${fmt(us, 2)} |`),
    `| &nbsp;&nbsp;the rest: receive, hooks, accounting, GC, I/O | ${fmt(perMessage(tapline) - inSteps, 2)} |`,
  ];
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'throughput.json'), JSON.stringify(result, null, 2) + '\n');
writeFileSync(join(here, 'results', 'throughput.md'), table + '\n');
console.log(table);
