// Records/s through one and then two `tapline run` workers sharing one JetStream durable
// consumer, and the CPU each process used (the workers and nats-server). The stream is filled
// once; each run replays it through a fresh consumer into workers running the example worker
// pipeline (examples/scale-out/worker.config.json: nats → processor → metrics → file).
// The rate is taken over a window after every worker started, so start-up does not count.
//   node bench/nats-workers.mjs [--records 200000] [--rounds 2]
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { freePort } from './lib/free-port.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { values } = parseArgs({
  options: { records: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '2' } },
});
const N = Number(values.records);
const ROUNDS = Number(values.rounds);
const TICKS = 100; // CLK_TCK on Linux
const runsDir = join(here, '.runs', `nats-${Date.now()}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) a live process has used, from /proc/PID/stat. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

async function startNats() {
  const store = await mkdtemp(join(tmpdir(), 'tapline-bench-nats-'));
  const port = await freePort();
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stderr.on('data', (c) => (log += c) && log.includes('Server is ready') && resolve());
    child.on('exit', () => reject(new Error(`nats-server exited:\n${log}`)));
  });
  return { child, url: `nats://127.0.0.1:${port}`, store };
}

const services = ['checkout', 'search', 'auth', 'inventory', 'gateway'];
function record(i) {
  const service = services[i % services.length];
  return JSON.stringify({
    seq: i,
    service,
    level: ['info', 'warn', 'error'][i % 3],
    message: `handled /v1/${service}/${i % 13}`,
    latencyMs: Math.round((5 + ((i * 37) % 400)) * 10) / 10,
    status: 200,
    endpoint: `/v1/${service}`,
    host: `web-0${i % 4}`,
  });
}

/** Starts one worker on `durable`; resolves once its pipeline started. */
function startWorker(url, durable, name) {
  const dir = join(runsDir, name);
  mkdirSync(dir, { recursive: true });
  const config = JSON.parse(readFileSync(join(root, 'examples/scale-out/worker.config.json'), 'utf8'));
  delete config.$schema;
  Object.assign(config.pipeline[0].options, { servers: [url], stream: 'BENCH', durable, create: false });
  config.pipeline.at(-1).options.targets = [{ type: 'file', path: 'out.ndjson' }];
  config.deadLetter = { path: 'dead-letters.ndjson' };
  config.monitor = { http: false };
  config.log = { level: 'warn' };
  writeFileSync(join(dir, 'pipeline.config.json'), JSON.stringify(config, null, 2));
  const child = spawn(
    process.execPath,
    [join(root, 'packages/cli/dist/bin.js'), 'run', '--config', 'pipeline.config.json'],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.on('exit', (code) => {
    if (code !== 0) {
      console.error(`worker ${name} exited with ${code}`);
      process.exitCode = 1;
    }
  });
  return { child, exited };
}

async function run(url, jsm, workers, round) {
  const durable = `bench-${workers}-${round}`;
  await jsm.consumers.add('BENCH', {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(60_000),
    max_deliver: -1,
    max_ack_pending: -1,
  });
  const procs = Array.from({ length: workers }, (_, i) => startWorker(url, durable, `${durable}-w${i}`));
  const remaining = async () => {
    if (procs.some((p) => p.child.exitCode !== null)) throw new Error('a worker exited early');
    const info = await jsm.consumers.info('BENCH', durable);
    return { left: info.num_pending + info.num_ack_pending, pulling: info.num_waiting };
  };
  // Every worker started once each has a pull request waiting or the consumer moves.
  for (;;) {
    const { left, pulling } = await remaining();
    if (pulling >= workers || left < N) break;
    await sleep(20);
  }
  await sleep(300);
  const t0 = performance.now();
  const cpu0 = procs.map((p) => cpuSeconds(p.child.pid));
  const nats0 = cpuSeconds(natsPid);
  const left0 = (await remaining()).left;
  let left1 = left0;
  let t1 = t0;
  let cpu1 = cpu0;
  let nats1 = nats0;
  // The window ends when a tenth of the records are left, before the tail empties the pipes.
  while (left1 > N / 10) {
    await sleep(100);
    cpu1 = procs.map((p) => cpuSeconds(p.child.pid));
    nats1 = cpuSeconds(natsPid);
    t1 = performance.now();
    left1 = (await remaining()).left;
  }
  const seconds = (t1 - t0) / 1000;
  const result = {
    workers,
    recordsPerSecond: Math.round((left0 - left1) / seconds),
    windowRecords: left0 - left1,
    windowSeconds: Math.round(seconds * 100) / 100,
    workerCpu: cpu1.map((c, i) => Math.round(((c - cpu0[i]) / seconds) * 100)),
    natsCpu: Math.round(((nats1 - nats0) / seconds) * 100),
  };
  while ((await remaining()).left > 0) await sleep(100);
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  await jsm.consumers.delete('BENCH', durable);
  return result;
}

let natsPid;
const nats = await startNats();
natsPid = nats.child.pid;
try {
  const nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'BENCH', subjects: ['bench.>'] });
  const js = jetstream(nc);
  for (let start = 0; start < N; start += 1000) {
    const acks = [];
    for (let i = start; i < Math.min(N, start + 1000); i++) acks.push(js.publish('bench.records', record(i)));
    await Promise.all(acks);
  }
  console.error(`stream filled with ${N} records`);
  const results = { 1: [], 2: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const workers of [1, 2]) {
      const r = await run(nats.url, jsm, workers, round);
      console.error(JSON.stringify(r));
      results[workers].push(r);
    }
  }
  await nc.close();
  const summary = [1, 2].map((w) => {
    const rs = results[w];
    // The CPU figures are those of the median round, so that they go with its rate.
    const mid = [...rs].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond)[Math.floor(rs.length / 2)];
    return {
      workers: w,
      recordsPerSecond: mid.recordsPerSecond,
      workerCpu: mid.workerCpu,
      natsCpu: mid.natsCpu,
      rounds: rs,
    };
  });
  const md = [
    `| ${N.toLocaleString('en')} records from JetStream, median of ${ROUNDS} | records/s | CPU per worker | nats-server CPU |`,
    '| --- | ---: | ---: | ---: |',
    ...summary.map(
      (s) =>
        `| ${s.workers} worker${s.workers > 1 ? 's' : ''} | ${s.recordsPerSecond.toLocaleString('en')} | ${s.workerCpu.map((c) => `${c}%`).join(' + ')} | ${s.natsCpu}% |`,
    ),
    '',
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${loadavg()[0].toFixed(1)} at the end; ` +
      'CPU is the share of one core each process used over the measured window (100% = one core busy).',
  ].join('\n');
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(
    join(here, 'results/nats-workers.json'),
    JSON.stringify({ records: N, rounds: ROUNDS, summary }, null, 2) + '\n',
  );
  writeFileSync(join(here, 'results/nats-workers.md'), md + '\n');
  console.log(md);
} finally {
  nats.child.kill('SIGKILL');
  rmSync(nats.store, { recursive: true, force: true });
  rmSync(runsDir, { recursive: true, force: true });
}
