// How many in-transit messages a rolling restart of a ZeroMQ-fed `tapline run` loses: a sender
// streams numbered records at a fixed rate over PUSH; the receiving `tapline run` gets SIGTERM
// and a new one binds the same address; at the end every run's output file is read and the
// missing numbers are counted. ZeroMQ PUSH/PULL has no acknowledgements, so what sits in the
// TCP buffers when the old process closes its socket is lost; this measures how much that is.
//   node bench/rolling-restart.mjs [--rate 5000] [--restarts 3] [--seconds-between 2]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Push } from 'zeromq';
import { freePort } from './lib/free-port.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '5000' },
    restarts: { type: 'string', default: '3' },
    'seconds-between': { type: 'string', default: '2' },
  },
});
const rate = Number(values.rate);
const restarts = Number(values.restarts);
const between = Number(values['seconds-between']) * 1000;
const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(repo, 'packages/cli/dist/bin.js');

/** Starts `tapline run` in `dir`; resolves once its pipeline started. */
async function start(dir, address, n) {
  const config = {
    pipeline: [
      { id: 'ingest', plugin: path.join(repo, 'plugins/zmq-source/dist/index.js'), options: { address } },
      {
        id: 'export',
        plugin: path.join(repo, 'plugins/exporter/dist/index.js'),
        options: { targets: [{ type: 'file', path: `out-${n}.ndjson` }] },
      },
    ],
    deadLetter: { path: `dead-${n}.ndjson` },
    monitor: { http: false },
  };
  const file = path.join(dir, `run-${n}.json`);
  await writeFile(file, JSON.stringify(config));
  const child = spawn(process.execPath, [bin, 'run', '--config', file], { cwd: dir });
  const exit = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (JSON.parse(line).msg === 'pipeline started') resolve();
    });
    void exit.then((code) => reject(new Error(`tapline run exited ${code} before starting`)));
  });
  return { child, exit };
}

const dir = await mkdtemp(path.join(tmpdir(), 'tapline-restart-'));
const exitOf = []; // every run's exit promise, including the ones still running, for cleanup
try {
  const address = `tcp://127.0.0.1:${await freePort()}`;
  let run = await start(dir, address, 0);
  exitOf.push(run);
  const push = new Push({ linger: 10_000, sendTimeout: 30_000 });
  push.connect(address);
  let sent = 0;
  let sending = true;
  const sender = (async () => {
    const began = performance.now();
    while (sending) {
      // Paced against the schedule, in bursts of up to 50.
      const due = Math.floor(((performance.now() - began) / 1000) * rate);
      for (let k = 0; sent < due && k < 50; k++)
        await push.send(`{"seq":${sent++},"pad":"${'x'.repeat(200)}"}`);
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  const gaps = [];
  for (let n = 1; n <= restarts; n++) {
    await new Promise((r) => setTimeout(r, between));
    const sentAtStop = sent;
    run.child.kill('SIGTERM');
    const code = await run.exit;
    if (code !== 0) throw new Error(`run ${n - 1} exited ${code}`);
    run = await start(dir, address, n);
    exitOf.push(run);
    gaps.push(sentAtStop);
  }
  await new Promise((r) => setTimeout(r, between));
  sending = false;
  await sender;
  await new Promise((r) => setTimeout(r, 1000)); // the last run takes what is still on its way
  run.child.kill('SIGTERM');
  await run.exit;
  push.close();
  const seen = new Uint8Array(sent);
  for (let n = 0; n <= restarts; n++) {
    const text = await readFile(path.join(dir, `out-${n}.ndjson`), 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (line) seen[JSON.parse(line).seq]++;
  }
  const missing = [];
  for (let i = 0; i < sent; i++) if (seen[i] === 0) missing.push(i);
  const twice = seen.filter((c) => c > 1).length;
  // Missing numbers come in runs, one per restart, right after what the old process took.
  const runs = [];
  for (const i of missing) {
    const last = runs.at(-1);
    if (last && last.to === i - 1) last.to = i;
    else runs.push({ from: i, to: i });
  }
  const result = {
    rate,
    restarts,
    sent,
    lost: missing.length,
    lostPerRestart: missing.length / restarts,
    duplicated: twice,
    gaps: runs.map((r) => r.to - r.from + 1),
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  for (const r of exitOf)
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
}
