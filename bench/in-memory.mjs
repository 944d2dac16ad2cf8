// The host's cost with ZeroMQ out of the picture: the default pipeline fed from memory by a
// source plugin (lib/memory-source.mjs), against the hand-written loop over the same frames
// (lib/memory-hand.mjs), in alternating rounds. Reports CPU µs per record (every thread, from
// the first frame to the last record settled), medians of the rounds.
//   node bench/in-memory.mjs [--records 300000] [--rounds 5] [--node-flags="--cpu-prof ..."]
//                            [--results DIR] [--runs DIR]
// Every run checks that both exported the same records (each settled, the debug ones dropped).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startChild } from './lib/child.mjs';
import { median } from './stats.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '5' },
    'node-flags': { type: 'string', default: '' },
    results: { type: 'string', default: join(here, 'results') },
    runs: { type: 'string', default: join(here, '.runs') },
  },
});
const count = Number(values.records);
const flags = values['node-flags'].split(' ').filter((f) => f !== '');
const dir = join(values.runs, `in-memory-${Date.now()}`);
mkdirSync(dir, { recursive: true });

// The repository's pipeline, its source swapped for the memory source.
const config = JSON.parse(readFileSync(join(root, 'pipeline.config.json'), 'utf8'));
delete config.$schema;
for (const step of config.pipeline) {
  const plugin = /^@tapline\/plugin-(.+)$/.exec(step.plugin);
  if (plugin) step.plugin = join(root, 'plugins', plugin[1], 'dist/index.js');
}
config.pipeline[0] = {
  id: 'ingest',
  plugin: join(here, 'lib/memory-source.mjs'),
  options: { count, out: join(dir, 'tapline.json') },
};
const exporter = config.pipeline.find((s) => s.id === 'export');
exporter.options = { targets: [{ type: 'file', path: 'records.ndjson' }], timestampField: 'exportedAt' };
config.deadLetter = { path: 'dead-letters.ndjson' };
config.monitor.http = false;
config.log = { level: 'warn' };
writeFileSync(join(dir, 'pipeline.config.json'), JSON.stringify(config, null, 2));

const timeoutMs = 60_000 + count / 10;
async function tapline() {
  const child = startChild(
    [...flags, join(root, 'packages/cli/dist/bin.js'), 'run', '--config', 'pipeline.config.json'],
    { cwd: dir, name: 'tapline run' },
  );
  const code = await child.exit(timeoutMs);
  if (code !== 0) throw new Error(`tapline run exited with ${code}`);
  return JSON.parse(readFileSync(join(dir, 'tapline.json'), 'utf8')).cpuUs;
}
async function hand() {
  const child = startChild(
    [...flags, join(here, 'lib/memory-hand.mjs'), String(count), join(dir, 'hand.ndjson')],
    { cwd: dir },
  );
  const result = JSON.parse(await child.next((l) => l.startsWith('{'), 'its result', timeoutMs));
  if ((await child.exit(timeoutMs)) !== 0) throw new Error('the hand-written loop failed');
  return result.cpuUs;
}

const lines = (file) => readFileSync(join(dir, file), 'utf8').split('\n').length - 1;
const runs = { hand: [], tapline: [] };
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const [kind, run] of round % 2
    ? [
        ['hand', hand],
        ['tapline', tapline],
      ]
    : [
        ['tapline', tapline],
        ['hand', hand],
      ]) {
    runs[kind].push(await run());
    process.stderr.write(`round ${round} ${kind.padEnd(7)} ${runs[kind].at(-1).toFixed(2)} µs per record\n`);
  }
  // Both append to their files: after each round they hold the same records, or a run lost some.
  const [byHand, byTapline] = [lines('hand.ndjson'), lines('records.ndjson')];
  if (byHand !== byTapline)
    throw new Error(`tapline exported ${byTapline} records, the hand-written loop ${byHand}`);
}
mkdirSync(values.results, { recursive: true });
writeFileSync(
  join(values.results, 'in-memory.json'),
  JSON.stringify({ records: count, runs }, null, 2) + '\n',
);
const h = median(runs.hand);
const t = median(runs.tapline);
process.stdout.write(
  `${count.toLocaleString('en')} records from memory, median of ${values.rounds}: hand-written ${h.toFixed(2)} µs, tapline ${t.toFixed(2)} µs of CPU per record; hand-written / tapline ${(h / t).toFixed(3)} (Node ${process.version}).\n`,
);
