// What one oversized multipart message costs a `tapline run` fed over ZeroMQ: a local sender
// PUSHes one message of `--frames` frames of `--frame-bytes` each (every frame under the
// source's default per-frame limit of 1 MiB), then one good record. The host's resident memory
// is read from /proc before the attack, at its peak (VmHWM) and once the good record is in the
// output file. A report, never asserted.
//   node bench/multipart-rss.mjs [--frames 300] [--frame-bytes 1000000] [--max-frames N]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Push } from 'zeromq';
import { freePort } from './lib/free-port.mjs';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '300' },
    'frame-bytes': { type: 'string', default: '1000000' },
    'max-frames': { type: 'string' },
  },
});
const frames = Number(values.frames);
const frameBytes = Number(values['frame-bytes']);
const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(repo, 'packages/cli/dist/bin.js');
const MiB = 1024 * 1024;

/** VmRSS and VmHWM (the peak) of a process, in MiB. */
async function memory(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

async function until(check, what, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const dir = await mkdtemp(path.join(tmpdir(), 'tapline-multipart-'));
let child;
try {
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const source = { address };
  if (values['max-frames'] !== undefined) source.maxFrames = Number(values['max-frames']);
  const config = {
    pipeline: [
      { id: 'ingest', plugin: path.join(repo, 'plugins/zmq-source/dist/index.js'), options: source },
      {
        id: 'export',
        plugin: path.join(repo, 'plugins/exporter/dist/index.js'),
        options: { targets: [{ type: 'file', path: 'out.ndjson' }] },
      },
    ],
    deadLetter: { path: 'dead.ndjson' },
    monitor: { http: false },
  };
  await writeFile(path.join(dir, 'run.json'), JSON.stringify(config));
  child = spawn(process.execPath, [bin, 'run', '--config', 'run.json'], { cwd: dir });
  const exit = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    // Logs may go to either stream; the line that says the pipeline runs is awaited on both.
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (line.includes('pipeline started')) resolve();
      });
    }
    void exit.then((code) => reject(new Error(`tapline run exited ${code} before starting`)));
  });
  const before = await memory(child.pid);
  const push = new Push({ linger: 30_000 });
  push.connect(address);
  const frame = Buffer.alloc(frameBytes, 0x61);
  const began = performance.now();
  await push.send(Array.from({ length: frames }, () => frame));
  await push.send('{"ok":true}');
  const out = path.join(dir, 'out.ndjson');
  await until(
    async () => (await readFile(out, 'utf8').catch(() => '')).includes('"ok":true'),
    'the good record',
  );
  const tookMs = performance.now() - began;
  const after = await memory(child.pid);
  push.close();
  child.kill('SIGTERM');
  const code = await exit;
  const deadLetterBytes = (await stat(path.join(dir, 'dead.ndjson')).catch(() => ({ size: 0 }))).size;
  const result = {
    frames,
    frameBytes,
    messageMiB: +((frames * frameBytes) / MiB).toFixed(1),
    maxFrames: source.maxFrames ?? 'default',
    rssBeforeMiB: +before.rss.toFixed(1),
    rssPeakMiB: +after.peak.toFixed(1),
    rssAfterMiB: +after.rss.toFixed(1),
    deadLetterBytes,
    goodRecordAfterMs: Math.round(tookMs),
    exitCode: code,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
}
