// Latency at fixed loads, well under saturation: the publisher paces records at each rate, and
// every record's latency runs from its send time stamp to its export time stamp (done time for
// the bare receiver). The three receivers of throughput.mjs run in turn, in a rotating order.
// The first second (by send time) is the warm-up and is reported apart from the steady state.
//   node bench/latency.mjs [--rates 10000,1000] [--seconds 10] [--rounds 2] [--profile]
//                          [--trace] [--results DIR] [--runs DIR]
// --profile   a .cpuprofile of every receiver, in its folder under --runs (bench/.runs/)
// --trace     records each receiver's GC pauses and reports how many of the slowest 1% of the
//             steady state's records were in flight during one (results/latency-trace.md)
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
    rates: { type: 'string', default: '10000,1000' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    profile: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    results: { type: 'string', default: join(here, 'results') },
    runs: { type: 'string', default: join(here, '.runs') },
  },
});
const rates = values.rates.split(',').map(Number);
const seconds = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const runsDir = join(values.runs, `latency-${Date.now()}`);

const runs = Object.fromEntries(rates.map((rate) => [rate, { bare: [], hand: [], tapline: [] }]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const rate of rates) {
    const count = rate * seconds;
    for (const kind of rotate(RECEIVERS, round - 1)) {
      const dir = join(runsDir, `${rate}-${kind}-${round}`);
      const result = await runOnce(kind, { count, rate, dir, profile: values.profile, trace: values.trace });
      checkAccounted(result, count);
      runs[rate][kind].push(result);
      const { steady, warmup } = result.latency;
      process.stderr.write(
        `round ${round} ${fmt(rate)}/s ${kind.padEnd(7)} steady p50 ${fmt(steady.p50, 2)} p99 ${fmt(steady.p99, 2)} ` +
          `p99.9 ${fmt(steady.p999, 2)} max ${fmt(steady.max, 1)} ms; warm-up p99 ${fmt(warmup.p99, 2)} max ${fmt(warmup.max, 1)} ms\n`,
      );
    }
  }
}

/** Medians over the rounds of each percentile, for one phase (steady or warmup). */
const phase = (list, name) =>
  Object.fromEntries(
    ['p50', 'p99', 'p999', 'max'].map((p) => [p, median(list.map((r) => r.latency[name][p]))]),
  );
const summary = Object.fromEntries(
  rates.map((rate) => [
    rate,
    Object.fromEntries(
      RECEIVERS.map((k) => [
        k,
        { steady: phase(runs[rate][k], 'steady'), warmup: phase(runs[rate][k], 'warmup') },
      ]),
    ),
  ]),
);
const result = {
  date: new Date().toISOString(),
  node: process.version,
  seconds,
  rounds: ROUNDS,
  summary,
  runs,
};

const label = { bare: 'bare (ceiling)', hand: 'hand-written', tapline: 'tapline run' };
const ms = (n) => fmt(n, n < 10 ? 2 : 1);
const table = [
  `| ${seconds} s per run, median of ${ROUNDS}, ms | steady p50 | p99 | p99.9 | max | warm-up p99 | warm-up max |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rates.flatMap((rate) =>
    RECEIVERS.map((k) => {
      const { steady: s, warmup: w } = summary[rate][k];
      return `| ${fmt(rate)} msg/s, ${label[k]} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.p999)} | ${ms(s.max)} | ${ms(w.p99)} | ${ms(w.max)} |`;
    }),
  ),
  '',
  ...rates.map((rate) => {
    const { tapline, hand } = summary[rate];
    return `At ${fmt(rate)} msg/s, steady state, tapline / hand-written: p99 ${fmt(tapline.steady.p99 / hand.steady.p99, 2)}×, p99.9 ${fmt(tapline.steady.p999 / hand.steady.p999, 2)}×.`;
  }),
  `(Node ${process.version}, ${result.date.slice(0, 16)}Z.)`,
].join('\n');

/** With --trace: GC pauses in the steady state, and the slowest 1% of records overlapping one. */
function traceTable() {
  const gc = (t, kind) => t.gcInSteady[kind] ?? { count: 0, totalMs: 0, maxMs: 0 };
  return [
    '| traced run (GC observed) | slowest 1% from | of them, in flight during a GC | of all records | scavenges: n, total, max | mark-compact: n, max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rates.flatMap((rate) =>
      RECEIVERS.map((k) => {
        const t = runs[rate][k][0].tail;
        const sc = gc(t, 'scavenge');
        const mc = gc(t, 'mark-compact');
        return (
          `| ${fmt(rate)} msg/s, ${label[k]} | ${ms(t.slowThresholdMs)} ms | ${fmt(t.slowShareInGc * 100)}% | ${fmt(t.allShareInGc * 100, 1)}% | ` +
          `${sc.count}, ${ms(sc.totalMs)} ms, ${ms(sc.maxMs)} ms | ${mc.count}, ${ms(mc.maxMs)} ms |`
        );
      }),
    ),
  ].join('\n');
}

const name = values.trace ? 'latency-trace' : 'latency';
const output = values.trace ? `${table}\n\n${traceTable()}` : table;
mkdirSync(values.results, { recursive: true });
writeFileSync(join(values.results, `${name}.json`), JSON.stringify(result) + '\n');
writeFileSync(join(values.results, `${name}.md`), output + '\n');
console.log(output);
