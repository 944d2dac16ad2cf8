// What durability costs: records/s into an exporter file target behind its memory queue, and
// behind a disk buffer with sync "always" and "interval", in process (no sockets: the exporter
// alone), with the disk's own sequential write speed measured alongside as the limit. A record
// counts once it completed: for memory once the file write returned, for disk once durable in
// the log (always: after its batch's fdatasync; interval: once the OS has it). At most
// --in-flight records are in flight, as the host's maxInFlight bounds them.
//   node bench/disk-buffer.mjs [--records 200000] [--rounds 3] [--in-flight 1024] [--dir DIR]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createMessageContext } from '@tapline/core';
import { ExporterDomain } from '@tapline/plugin-exporter';
import { median } from './stats.mjs';

const bench = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    'in-flight': { type: 'string', default: '1024' },
    dir: { type: 'string', default: join(bench, '.runs') },
    results: { type: 'string', default: join(bench, 'results') },
  },
});
const N = Number(values.records);
const ROUNDS = Number(values.rounds);
const IN_FLIGHT = Number(values['in-flight']);
mkdirSync(values.dir, { recursive: true });

/** A record of about 200 bytes of JSON. */
const recordOf = (seq) => ({ seq, service: 'checkout', level: 'info', note: 'x'.repeat(150) });

async function exporterRun(buffer) {
  const dir = mkdtempSync(join(values.dir, 'disk-buffer-'));
  const d = new ExporterDomain({
    targets: [
      {
        name: 'out',
        type: 'file',
        path: join(dir, 'out.ndjson'),
        ...(buffer && { buffer: { ...buffer, path: join(dir, 'log') } }),
      },
    ],
    retries: 3,
    retryDelayMs: 100,
    retryMaxDelayMs: 5000,
  });
  await d.initialize();
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < N) {
      const seq = next++;
      await d.execute(recordOf(seq), createMessageContext('bench'));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - start) / 1000;
  await d.shutdown();
  rmSync(dir, { recursive: true, force: true });
  return N / seconds;
}

/** The disk's sequential write speed: 256 MiB in 1 MiB writes, then one fdatasync; MiB/s. */
async function sequentialWrite() {
  const file = join(values.dir, `seq-${process.pid}`);
  const fh = await open(file, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 120);
  const start = performance.now();
  for (let i = 0; i < 256; i++) await fh.write(chunk);
  await fh.datasync();
  const seconds = (performance.now() - start) / 1000;
  await fh.close();
  rmSync(file);
  return 256 / seconds;
}

/** How long one small append plus fdatasync takes, median of 200, in ms. */
async function syncLatency() {
  const file = join(values.dir, `sync-${process.pid}`);
  const fh = await open(file, 'a');
  const times = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await fh.write('x'.repeat(200));
    await fh.datasync();
    times.push(performance.now() - t);
  }
  await fh.close();
  rmSync(file);
  return median(times);
}

const MODES = {
  memory: undefined,
  'disk, sync always': { type: 'disk', sync: 'always' },
  'disk, sync interval (100 ms)': { type: 'disk', sync: 'interval', syncIntervalMs: 100 },
};
const rates = Object.fromEntries(Object.keys(MODES).map((m) => [m, []]));
const disk = [];
const syncs = [];
for (let r = 0; r < ROUNDS; r++) {
  disk.push(await sequentialWrite());
  syncs.push(await syncLatency());
  for (const [mode, buffer] of Object.entries(MODES)) rates[mode].push(await exporterRun(buffer));
}
const bytesPerRecord = JSON.stringify(recordOf(100000)).length + 32;
const report = {
  records: N,
  inFlight: IN_FLIGHT,
  rounds: ROUNDS,
  load: loadavg()[0],
  recordBytesInLog: bytesPerRecord,
  sequentialWriteMiBps: median(disk),
  fdatasyncMs: median(syncs),
  recordsPerSecond: Object.fromEntries(Object.entries(rates).map(([m, v]) => [m, Math.round(median(v))])),
  diskLimitRecordsPerSecond: Math.round((median(disk) * 1024 * 1024) / bytesPerRecord),
};
mkdirSync(values.results, { recursive: true });
writeFileSync(join(values.results, 'disk-buffer.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
