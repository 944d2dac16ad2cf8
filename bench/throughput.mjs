// Throughput of three receivers of the same publisher, in one alternating run (the machine is
// noisy, so each round runs all three, in a rotating order, and medians are quoted):
//   bare     zeromq.js PULL + JSON.parse: the ceiling
//   hand     the default pipeline's work written by hand in one plain loop, no host
//   tapline  `tapline run` on the default pipeline
// tapline / hand is what the host itself costs; tapline / bare is what the user gets of the ceiling.
//   node bench/throughput.mjs [--messages 300000] [--rounds 3] [--batch 1] [--prefill]
//                             [--profile] [--node-flags="..."] [--name NAME] [--results DIR] [--runs DIR]
// --batch B   frames of B records (NDJSON; the source decodes "ndjson"), figures in records/s
// --prefill   the publisher queues everything first, then the receiver starts alone
// --profile   a .cpuprofile of every tapline run, in its folder under --runs (bench/.runs/)
// --node-flags  V8/Node flags for every receiver (--max-semi-space-size=1, say)
// --name      the results' file name (default throughput, throughput-prefill, throughput-batchB)
// Every run checks that each record sent was received and ended in one outcome, or fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RECEIVERS, runOnce } from './lib/receivers.mjs';
import { checkAccounted, fmt, rotate } from './lib/report.mjs';
import { median } from './stats.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '1' },
    prefill: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
    name: { type: 'string' },
    results: { type: 'string', default: join(here, 'results') },
    runs: { type: 'string', default: join(here, '.runs') },
  },
});
const N = Number(values.messages);
const ROUNDS = Number(values.rounds);
const batch = Number(values.batch);
const { prefill, profile } = values;
const nodeFlags = values['node-flags'].split(' ').filter((f) => f !== '');
const name = values.name ?? `throughput${prefill ? '-prefill' : ''}${batch > 1 ? `-batch${batch}` : ''}`;
const runsDir = join(values.runs, `${name}-${Date.now()}`);
const unit = batch > 1 ? 'records/s' : 'msg/s';

const runs = { bare: [], hand: [], tapline: [] };
for (let round = 1; round <= ROUNDS; round++) {
  for (const kind of rotate(RECEIVERS, round - 1)) {
    const dir = join(runsDir, `${kind}-${round}`);
    const result = await runOnce(kind, { count: N, batch, prefill, dir, profile, nodeFlags });
    checkAccounted(result, N);
    runs[kind].push(result);
    const perBatch =
      result.recordsPerBatch === undefined ? '' : `, ${fmt(result.recordsPerBatch, 1)} records per batch`;
    process.stderr.write(
      `round ${round} ${kind.padEnd(7)} ${fmt(result.perSecond)} ${unit}, peak RSS ${fmt(result.peakRssBytes / 2 ** 20)} MiB${perBatch}\n`,
    );
  }
}

const summary = (list) => ({
  perSecond: median(list.map((r) => r.perSecond)),
  min: Math.min(...list.map((r) => r.perSecond)),
  max: Math.max(...list.map((r) => r.perSecond)),
  peakRssMiB: median(list.map((r) => r.peakRssBytes)) / 2 ** 20,
  cpuUsPerRecord: median(list.map(cpuUs)),
});
/** CPU time (every thread of the receiver, start-up left out) per record: steadier than msg/s on a shared machine. */
function cpuUs(run) {
  return (run.cpuMs * 1000) / run.records;
}
const medians = Object.fromEntries(RECEIVERS.map((k) => [k, summary(runs[k])]));
// Ratios of the runs of one round, which ran back to back on the same machine state.
const ratios = (a, b) => runs[a].map((r, i) => r.perSecond / runs[b][i].perSecond);
const ratio = {
  taplineOverHand: median(ratios('tapline', 'hand')),
  taplineOverHandRange: [Math.min(...ratios('tapline', 'hand')), Math.max(...ratios('tapline', 'hand'))],
  taplineOverBare: median(ratios('tapline', 'bare')),
  handOverBare: median(ratios('hand', 'bare')),
  // Inverted, so that it reads like the others: 1 when the host adds no CPU time.
  handCpuOverTaplineCpu: median(runs.hand.map((r, i) => cpuUs(r) / cpuUs(runs.tapline[i]))),
};
const stepMeanUs = Object.fromEntries(
  Object.keys(runs.tapline[0].stepMeanUs).map((id) => [
    id,
    median(runs.tapline.map((r) => r.stepMeanUs[id])),
  ]),
);
const stepTimes = Object.entries(stepMeanUs)
  .map(([id, us]) => `${id} ${fmt(us, 2)}`)
  .join(', ');
/** How many records the source's batches held, median over the rounds (batchMax when always saturated). */
const recordsPerBatch = median(runs.tapline.map((r) => r.recordsPerBatch));
const result = {
  date: new Date().toISOString(),
  node: process.version,
  nodeFlags,
  records: N,
  batch,
  prefill,
  rounds: ROUNDS,
  medians,
  ratio,
  stepMeanUs,
  recordsPerBatch,
  runs,
};

const label = {
  bare: 'bare: zeromq.js PULL + JSON.parse (ceiling)',
  hand: 'hand-written: the pipeline’s work in one loop',
  tapline: 'tapline run, default pipeline',
};
const title = `${fmt(N)} records${batch > 1 ? ` in frames of ${batch}` : ''}${prefill ? ', prefilled' : ''}, median of ${ROUNDS}`;
const table = [
  `| ${title} | ${unit} | range | CPU µs per record | peak RSS |`,
  '| --- | ---: | ---: | ---: | ---: |',
  ...RECEIVERS.map((k) => {
    const s = medians[k];
    return `| ${label[k]} | ${fmt(s.perSecond)} | ${fmt(s.min)}–${fmt(s.max)} | ${fmt(s.cpuUsPerRecord, 2)} | ${fmt(s.peakRssMiB)} MiB |`;
  }),
  '',
  `tapline / hand-written: **${fmt(ratio.taplineOverHand, 3)}** (rounds ${fmt(ratio.taplineOverHandRange[0], 3)}–${fmt(ratio.taplineOverHandRange[1], 3)}); ` +
    `tapline / bare: ${fmt(ratio.taplineOverBare, 3)}; hand-written / bare: ${fmt(ratio.handOverBare, 3)}; ` +
    `CPU per record, hand-written / tapline: ${fmt(ratio.handCpuOverTaplineCpu, 3)} ` +
    `(Node ${process.version}, ${result.date.slice(0, 16)}Z` +
    (nodeFlags.length ? `; receivers ran with ${nodeFlags.join(' ')}` : '') +
    ').',
  '',
  `Each step's own execute time in tapline (µs, the Monitor's mean): ${stepTimes}. ` +
    `The source's batches held ${fmt(recordsPerBatch, 1)} records on average (median of the rounds).`,
].join('\n');

mkdirSync(values.results, { recursive: true });
writeFileSync(join(values.results, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
writeFileSync(join(values.results, `${name}.md`), table + '\n');
console.log(table);
