// What the host costs per record in instructions, which the machine's other work does not move:
// the default pipeline fed from memory (as in-memory.mjs) and the hand-written loop over the same
// frames, each run under valgrind's callgrind at two record counts. A record's cost is the
// difference between the two runs over the difference in records, so start-up drops out; each
// function's instructions are put in a group (JIT code, JSON, garbage collection, the compiler…).
// Garbage collection and the compiler move from run to run (whether a full collection or a
// function's optimization falls between the two counts), so the host's own cost is also given
// without them.
//   node bench/instructions.mjs [--records 20000,80000] [--batch 256] [--node-flags="--single-threaded"]
//                               [--name instructions] [--results DIR] [--runs DIR]
// --batch B   records a turn of the event loop (in-memory.mjs's --batch): 1 to 4 is a socket at
//             10,000 msg/s
// Needs valgrind (callgrind and callgrind_annotate). Under it a run is some 50 times slower.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { memoryPipelineConfig, turnSize } from './lib/memory-config.mjs';
import { writeResults } from './lib/results.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '20000,80000' },
    batch: { type: 'string', default: '256' },
    // V8 compiles and collects on the thread that runs the code, so that what it does when is
    // the same from run to run (valgrind runs one thread at a time, in an order of its own).
    'node-flags': { type: 'string', default: '--single-threaded' },
    name: { type: 'string', default: 'instructions' },
    results: { type: 'string', default: join(here, 'results') },
    runs: { type: 'string', default: join(here, '.runs') },
  },
});
const [small, big] = values.records.split(',').map(Number);
if (!(Number.isInteger(small) && Number.isInteger(big) && small > 0 && big > small))
  throw new Error('--records takes two whole numbers, the smaller first (20000,80000)');
if (spawnSync('valgrind', ['--version']).status !== 0)
  throw new Error('valgrind is not installed: this benchmark runs the receivers under callgrind');
const batch = turnSize(values.batch);
const flags = values['node-flags'].split(' ').filter((f) => f !== '');
const dir = join(values.runs, `instructions-${Date.now()}`);
mkdirSync(dir, { recursive: true });

/** The groups a function's instructions are counted in, first match wins. */
const GROUPS = [
  ['JIT code', /^\?\?\?:0x[0-9a-f]+/],
  ['JSON.parse', /JsonParser/],
  ['JSON.stringify', /JsonStringifier|FastDtoa|DoubleToCString/],
  [
    'garbage collection',
    /Scaveng|Marking|Sweep|Evacuat|Pretenur|SemiSpace|BodyDescriptor|MarkCompact|Heap::|HeapObject::SizeFromMap|GlobalHandles|ArrayBufferSweeper|WeakObjects|RememberedSet|SlotSet|MemoryAllocator|heap::base|cppgc|Worklist|LargeObject|PagedSpace|MinorMC|IterateObjectCache|MemoryChunk|Page::/,
  ],
  [
    'compiler and parser',
    /compiler::|turboshaft|[Mm]aglev|Compiler|Scanner|Parser|Parse|interpreter::|BytecodeGenerator|AstValue|Zone/,
  ],
  [
    'builtins: megamorphic property access',
    /Builtins_(Keyed)?(Load|Store|Has)IC_Megamorphic|Builtins_GetProperty/,
  ],
  ['interpreter and baseline code', /Builtins_\w*(Handler|Trampoline|Baseline)\w*/],
  ['builtins: other', /Builtins_/],
  ['V8 runtime', /v8::/],
  ['Node, libuv, libc', /./],
];
const groupOf = (fn) => GROUPS.find(([, re]) => re.test(fn))[0];

const RUN_DEADLINE_MS = 60 * 60_000;
/** The runs under way: killed if the benchmark fails or stops. */
const children = new Set();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Runs one receiver on `count` records under callgrind; instructions by group, and the total. */
async function measure(kind, count) {
  const run = join(dir, `${kind}-${count}`);
  mkdirSync(run, { recursive: true });
  const out = join(run, 'callgrind.out');
  const args = ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${out}`];
  if (kind === 'tapline') {
    const config = memoryPipelineConfig({ count, out: join(run, 'tapline.json'), batch });
    writeFileSync(join(run, 'pipeline.config.json'), JSON.stringify(config, null, 2));
    args.push(
      'node',
      ...flags,
      join(root, 'packages/cli/dist/bin.js'),
      'run',
      '--config',
      'pipeline.config.json',
    );
  } else {
    args.push(
      'node',
      ...flags,
      join(here, 'lib/memory-hand.mjs'),
      String(count),
      'records.ndjson',
      String(batch),
    );
  }
  await new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { cwd: run, stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    // A run that takes this long is broken, not slow: some 20 times what 80,000 records take.
    const deadline = setTimeout(() => child.kill('SIGKILL'), RUN_DEADLINE_MS);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (c, signal) => {
      clearTimeout(deadline);
      children.delete(child);
      if (c === 0) resolve();
      else reject(new Error(`${kind} (${count}) exited with ${signal ?? c}:\n${err}`));
    });
  });
  const exported = readFileSync(join(run, 'records.ndjson'), 'utf8').split('\n').length - 1;
  const annotated = spawnSync('callgrind_annotate', ['--threshold=100', out], { maxBuffer: 1 << 28 });
  if (annotated.status !== 0) throw new Error(`callgrind_annotate failed: ${annotated.stderr}`);
  const groups = Object.fromEntries(GROUPS.map(([g]) => [g, 0]));
  let total = 0;
  for (const line of annotated.stdout.toString().split('\n')) {
    const m = /^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const ir = Number(m[1].replaceAll(',', ''));
    if (m[2].startsWith('PROGRAM TOTALS')) total = ir;
    else groups[groupOf(m[2])] += ir;
  }
  process.stderr.write(
    `${kind.padEnd(8)} ${String(count).padStart(7)} records: ${total.toLocaleString('en')} instructions\n`,
  );
  return { kind, count, exported, total, groups };
}

// valgrind runs one thread at a time: as many runs at once as there are cores.
const jobs = ['hand', 'tapline'].flatMap((kind) => [small, big].map((count) => [kind, count]));
const results = [];
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(availableParallelism(), jobs.length) }, async () => {
    while (next < jobs.length) {
      const [kind, count] = jobs[next++];
      results.push(await measure(kind, count));
    }
  }),
);
const find = (kind, count) => results.find((r) => r.kind === kind && r.count === count);
for (const count of [small, big]) {
  const [h, t] = [find('hand', count), find('tapline', count)];
  if (h.exported !== t.exported)
    throw new Error(
      `on ${count} records the hand-written loop exported ${h.exported}, tapline ${t.exported}`,
    );
}
const perRecord = (kind) => {
  const [a, b] = [find(kind, small), find(kind, big)];
  const groups = Object.fromEntries(GROUPS.map(([g]) => [g, (b.groups[g] - a.groups[g]) / (big - small)]));
  return { total: (b.total - a.total) / (big - small), groups };
};
const hand = perRecord('hand');
const tapline = perRecord('tapline');
const noisy = ['garbage collection', 'compiler and parser'];
const own = (r) => r.total - noisy.reduce((s, g) => s + r.groups[g], 0);

const fmt = (n) => Math.round(n).toLocaleString('en');
const rows = [
  ...GROUPS.map(([g]) => [g, hand.groups[g], tapline.groups[g]]),
  ['**all**', hand.total, tapline.total],
  ['**without garbage collection and the compiler**', own(hand), own(tapline)],
];
const table = [
  `| instructions per record (${fmt(small)} and ${fmt(big)} records) | hand-written | tapline | difference |`,
  '| --- | ---: | ---: | ---: |',
  ...rows.map(([g, h, t]) => `| ${g} | ${fmt(h)} | ${fmt(t)} | ${fmt(t - h)} |`),
].join('\n');
const summary =
  `hand-written / tapline: ${(hand.total / tapline.total).toFixed(3)} in all, ` +
  `${(own(hand) / own(tapline)).toFixed(3)} without garbage collection and the compiler ` +
  `(Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z).`;
writeResults(values.results, values.name, { records: [small, big], batch, hand, tapline, runs: results });
writeFileSync(join(values.results, `${values.name}.md`), `${table}\n\n${summary}\n`);
process.stdout.write(`${table}\n\n${summary}\n`);
