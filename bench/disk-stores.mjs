// The disk buffer's storage beside an embedded store: records/s appended to the exporter's own
// segment log and to LevelDB (classic-level, whose tarball carries prebuilt binaries), the same
// records with comparable durability, in process. Each of --in-flight lanes appends one record
// and waits until it is durable, as the exporter's targets do; both stores commit what arrived
// meanwhile as one group (the segment log's batches; one LevelDB write batch).
//   always:   the segment log fdatasyncs each batch; LevelDB writes each batch with sync: true.
//   interval: the segment log's write reached the OS (fdatasync every 100 ms); LevelDB's write
//             reached its write-ahead log in the OS (sync: false, and no periodic sync at all).
//   node bench/disk-stores.mjs [--records 100000] [--rounds 3] [--in-flight 1024] [--dir DIR]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { silentLogger } from '@tapline/core/internal';
import { ClassicLevel } from 'classic-level';
import { SegmentLog } from '../plugins/exporter/dist/disk/segment-log.js';
import { median } from './stats.mjs';

const bench = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
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

/** The same JSON as bench/disk-buffer.mjs: about 210 bytes. */
const jsonOf = (seq) => JSON.stringify({ seq, service: 'checkout', level: 'info', note: 'x'.repeat(150) });

async function rate(append) {
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < N) await append(jsonOf(next++));
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return N / ((performance.now() - start) / 1000);
}

async function segmentLog(sync) {
  const dir = mkdtempSync(join(values.dir, 'segment-log-'));
  const log = new SegmentLog(
    dir,
    { sync, syncIntervalMs: 100, segmentBytes: 16 * 1024 * 1024 },
    silentLogger,
  );
  await log.open(['t']);
  const r = await rate((json) => log.append(json, Buffer.byteLength(json), 0));
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  return r;
}

async function level(sync) {
  const dir = mkdtempSync(join(values.dir, 'leveldb-'));
  const db = new ClassicLevel(dir, { valueEncoding: 'utf8' });
  await db.open();
  let ops = [];
  let waiters = [];
  let writing;
  let seq = 0;
  const flush = async () => {
    while (ops.length > 0) {
      const batch = ops;
      const done = waiters;
      ops = [];
      waiters = [];
      await db.batch(batch, { sync });
      for (const resolve of done) resolve();
    }
    writing = undefined;
  };
  const r = await rate(
    (json) =>
      new Promise((resolve) => {
        // Keys in the log's order, so a reader's cursor is a key.
        ops.push({ type: 'put', key: (seq++).toString(16).padStart(12, '0'), value: json });
        waiters.push(resolve);
        writing ??= flush();
      }),
  );
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return r;
}

const MODES = {
  'segment log, sync always': () => segmentLog('always'),
  'LevelDB (classic-level), sync: true': () => level(true),
  'segment log, sync interval (100 ms)': () => segmentLog('interval'),
  'LevelDB (classic-level), sync: false': () => level(false),
};
const rates = Object.fromEntries(Object.keys(MODES).map((m) => [m, []]));
for (let r = 0; r < ROUNDS; r++)
  for (const [mode, run] of Object.entries(MODES)) rates[mode].push(await run());
const report = {
  records: N,
  inFlight: IN_FLIGHT,
  rounds: ROUNDS,
  load: loadavg()[0],
  node: process.version,
  recordsPerSecond: Object.fromEntries(Object.entries(rates).map(([m, v]) => [m, Math.round(median(v))])),
  all: Object.fromEntries(Object.entries(rates).map(([m, v]) => [m, v.map(Math.round)])),
};
mkdirSync(values.results, { recursive: true });
writeFileSync(join(values.results, 'disk-stores.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
