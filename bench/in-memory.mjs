// The host's cost with ZeroMQ out of the picture: the default pipeline fed from memory by a
// source plugin (lib/memory-source.mjs), against the hand-written loop over the same frames
// (lib/memory-hand.mjs), in alternating rounds. Reports CPU µs per record (every thread, from
// the first frame to the last record settled), medians of the rounds.
//   node bench/in-memory.mjs [--records 300000] [--rounds 5] [--batch 256] [--steps N]
//                            [--step-plugin processor|pass] [--node-flags="--cpu-prof ..."]
//                            [--name in-memory] [--results DIR] [--runs DIR]
// --batch B   records a turn of the event loop, for both: 256 is a saturated socket's; 1 to 4, a
//             socket at 10,000 msg/s, whose batches are one record or a few
// --steps N also runs tapline with N pass-through steps before the exporter in each round: the
// difference over N is what one step costs the host per record. The steps are processors with
// no step of their own (a plugin the pipeline already runs), or with --step-plugin pass a plugin
// of their own (lib/pass-step.mjs: one class more for V8 to tell apart in the template).
// Every run checks that both exported the same records (each settled, the debug ones dropped).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startChild } from './lib/child.mjs';
import { memoryPipelineConfig, turnSize } from './lib/memory-config.mjs';
import { writeResults } from './lib/results.mjs';
import { median } from './stats.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '5' },
    batch: { type: 'string', default: '256' },
    steps: { type: 'string', default: '0' },
    'step-plugin': { type: 'string', default: 'processor' },
    'node-flags': { type: 'string', default: '' },
    name: { type: 'string', default: 'in-memory' },
    results: { type: 'string', default: join(here, 'results') },
    runs: { type: 'string', default: join(here, '.runs') },
  },
});
const count = Number(values.records);
const batch = turnSize(values.batch);
const extraSteps = Number(values.steps);
if (!Number.isInteger(extraSteps) || extraSteps < 0) throw new Error('--steps takes a whole number');
const passStep = {
  processor: { plugin: join(root, 'plugins/processor/dist/index.js'), options: { steps: [] } },
  pass: { plugin: join(here, 'lib/pass-step.mjs') },
}[values['step-plugin']];
if (passStep === undefined) throw new Error('--step-plugin is processor or pass');
const flags = values['node-flags'].split(' ').filter((f) => f !== '');
const dir = join(values.runs, `in-memory-${Date.now()}`);
mkdirSync(dir, { recursive: true });

// The repository's pipeline, its source swapped for the memory source.
const config = memoryPipelineConfig({ count, out: join(dir, 'tapline.json'), batch });
const exporter = config.pipeline.find((s) => s.id === 'export');
writeFileSync(join(dir, 'pipeline.config.json'), JSON.stringify(config, null, 2));
if (extraSteps > 0) {
  const passSteps = Array.from({ length: extraSteps }, (_, i) => ({
    id: `pass${i + 1}`,
    ...passStep,
  }));
  config.pipeline.splice(config.pipeline.indexOf(exporter), 0, ...passSteps);
  config.pipeline[0].options.out = join(dir, 'tapline-steps.json');
  config.pipeline.at(-1).options.targets[0].path = 'records-steps.ndjson';
  writeFileSync(join(dir, 'pipeline-steps.config.json'), JSON.stringify(config, null, 2));
}

const timeoutMs = 60_000 + count / 10;
async function tapline(variant = '') {
  const child = startChild(
    [...flags, join(root, 'packages/cli/dist/bin.js'), 'run', '--config', `pipeline${variant}.config.json`],
    { cwd: dir, name: 'tapline run' },
  );
  const code = await child.exit(timeoutMs);
  if (code !== 0) throw new Error(`tapline run exited with ${code}`);
  return JSON.parse(readFileSync(join(dir, `tapline${variant}.json`), 'utf8')).cpuUs;
}
const withSteps = () => tapline('-steps');
async function hand() {
  const child = startChild(
    [...flags, join(here, 'lib/memory-hand.mjs'), String(count), join(dir, 'hand.ndjson'), String(batch)],
    { cwd: dir },
  );
  const result = JSON.parse(await child.next((l) => l.startsWith('{'), 'its result', timeoutMs));
  if ((await child.exit(timeoutMs)) !== 0) throw new Error('the hand-written loop failed');
  return result.cpuUs;
}

const lines = (file) => readFileSync(join(dir, file), 'utf8').split('\n').length - 1;
const runs = { hand: [], tapline: [] };
const kinds = [
  ['hand', hand],
  ['tapline', tapline],
];
if (extraSteps > 0) {
  runs.withSteps = [];
  kinds.push(['withSteps', withSteps]);
}
for (let round = 1; round <= Number(values.rounds); round++) {
  // A rotating order, so that what the machine does meanwhile falls on each of them alike.
  for (let k = 0; k < kinds.length; k++) {
    const [kind, run] = kinds[(round - 1 + k) % kinds.length];
    runs[kind].push(await run());
    process.stderr.write(`round ${round} ${kind.padEnd(9)} ${runs[kind].at(-1).toFixed(2)} µs per record\n`);
  }
  // All append to their files: after each round they hold the same records, or a run lost some.
  const exported = [lines('hand.ndjson'), lines('records.ndjson')];
  if (extraSteps > 0) exported.push(lines('records-steps.ndjson'));
  if (exported.some((n) => n !== exported[0]))
    throw new Error(
      `hand-written, tapline (and with ${extraSteps} more steps) exported ${exported.join(', ')} records`,
    );
}
writeResults(values.results, values.name, {
  records: count,
  batch,
  ...(extraSteps > 0 && { steps: extraSteps, stepPlugin: values['step-plugin'] }),
  runs,
});
const h = median(runs.hand);
const t = median(runs.tapline);
process.stdout.write(
  `${count.toLocaleString('en')} records from memory, ${batch} a turn, median of ${values.rounds}: hand-written ${h.toFixed(2)} µs, tapline ${t.toFixed(2)} µs of CPU per record; hand-written / tapline ${(h / t).toFixed(3)} (Node ${process.version}).\n`,
);
if (extraSteps > 0) {
  // Each round's difference, so that a round's runs (back to back) are compared with each other.
  const perStep = runs.withSteps.map((s, i) => ((s - runs.tapline[i]) * 1000) / extraSteps);
  process.stdout.write(
    `with ${extraSteps} pass-through steps more (${values['step-plugin']}): ${median(runs.withSteps).toFixed(2)} µs; one step costs ${median(perStep).toFixed(0)} ns per record (median of the rounds' differences; ${Math.min(...perStep).toFixed(0)}–${Math.max(...perStep).toFixed(0)}).\n`,
  );
}
