// Latency at fixed loads, well under saturation: the publisher paces records at each rate, and
// every record's latency runs from its send time stamp to its export time stamp (done time for
// the bare receiver). The three receivers of throughput.mjs run in turn, in a rotating order.
// The first second (by send time; --warmup S) is the warm-up, reported apart from the steady state.
//   node bench/latency.mjs [--rates 10000,1000] [--seconds 10] [--warmup 1] [--rounds 2] [--profile]
//                          [--trace] [--receivers bare,hand,tapline] [--node-flags="..."]
//                          [--hand-flags="..."] [--name latency] [--results DIR] [--runs DIR]
// --profile   a .cpuprofile of every receiver, in its folder under --runs (bench/.runs/)
// --trace     records each receiver's GC pauses and reports how many of the slowest 1% of the
//             steady state's records were in flight during one (results/latency-trace.md), and
//             what its threads and the publisher's ran and waited for a CPU (lib/threads.mjs)
// --node-flags  V8/Node flags for every receiver (--max-semi-space-size=16, say)
// --hand-flags  flags for the hand-written receiver (--idle-wake 50, --yield-every 64, --spin-us 4)
// --warmup S    the first S seconds are the warm-up (tapline's JIT takes longer than the
//               hand-written loop's to warm up: --warmup 3 --seconds 13 shows the state after it)
// --name        the results' file name; experiments keep the default figures apart
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
    warmup: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '2' },
    profile: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    receivers: { type: 'string', default: RECEIVERS.join(',') },
    'node-flags': { type: 'string', default: '' },
    'hand-flags': { type: 'string', default: '' },
    name: { type: 'string' },
    results: { type: 'string', default: join(here, 'results') },
    runs: { type: 'string', default: join(here, '.runs') },
  },
});
const rates = values.rates.split(',').map(Number);
const seconds = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const receivers = values.receivers.split(',');
const words = (text) => text.split(' ').filter((w) => w !== '');
const options = {
  profile: values.profile,
  trace: values.trace,
  nodeFlags: words(values['node-flags']),
  handArgs: words(values['hand-flags']),
  warmupMs: Number(values.warmup) * 1000,
};
const name = values.name ?? (values.trace ? 'latency-trace' : 'latency');
const runsDir = join(values.runs, `${name}-${Date.now()}`);

const runs = Object.fromEntries(
  rates.map((rate) => [rate, Object.fromEntries(receivers.map((k) => [k, []]))]),
);
for (let round = 1; round <= ROUNDS; round++) {
  for (const rate of rates) {
    const count = rate * seconds;
    for (const kind of rotate(receivers, round - 1)) {
      const dir = join(runsDir, `${rate}-${kind}-${round}`);
      const result = await runOnce(kind, { count, rate, dir, ...options });
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
      receivers.map((k) => [
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
  `| ${seconds} s per run (the first ${values.warmup} s: warm-up), median of ${ROUNDS}, ms | steady p50 | p99 | p99.9 | max | warm-up p99 | warm-up max | CPU µs per record |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rates.flatMap((rate) =>
    receivers.map((k) => {
      const { steady: s, warmup: w } = summary[rate][k];
      const cpu = median(runs[rate][k].map((r) => (r.cpuMs * 1000) / r.records));
      return `| ${fmt(rate)} msg/s, ${label[k]} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.p999)} | ${ms(s.max)} | ${ms(w.p99)} | ${ms(w.max)} | ${fmt(cpu, 1)} |`;
    }),
  ),
  '',
  ...rates.flatMap((rate) => {
    const { tapline, hand } = summary[rate];
    if (tapline === undefined || hand === undefined) return [];
    return `At ${fmt(rate)} msg/s, steady state, tapline / hand-written: p99 ${fmt(tapline.steady.p99 / hand.steady.p99, 2)}×, p99.9 ${fmt(tapline.steady.p999 / hand.steady.p999, 2)}×.`;
  }),
  `(Node ${process.version}, ${result.date.slice(0, 16)}Z${flagsNote()}.)`,
].join('\n');

function flagsNote() {
  const { nodeFlags, handArgs } = options;
  return (
    (nodeFlags.length ? `; receivers ran with ${nodeFlags.join(' ')}` : '') +
    (handArgs.length ? `; hand-written with ${handArgs.join(' ')}` : '')
  );
}

/** With --trace: GC pauses in the steady state, and the slowest 1% of records overlapping one. */
function traceTable() {
  const gc = (t, kind) => t.gcInSteady[kind] ?? { count: 0, totalMs: 0, maxMs: 0 };
  return [
    `| traced, median of ${ROUNDS} | slowest 1% from | of them, in flight during a GC | of all records | scavenges: n, total, max | mark-compact: n, max | preempted | sender >5 ms late: records, max | load |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rates.flatMap((rate) =>
      receivers.map((k) => {
        const tails = runs[rate][k].map((r) => r.tail);
        const m = (f) => median(tails.map(f));
        const t = {
          slowThresholdMs: m((x) => x.slowThresholdMs),
          slowShareInGc: m((x) => x.slowShareInGc),
          allShareInGc: m((x) => x.allShareInGc),
        };
        const sc = {
          count: m((x) => gc(x, 'scavenge').count),
          totalMs: m((x) => gc(x, 'scavenge').totalMs),
          maxMs: m((x) => gc(x, 'scavenge').maxMs),
        };
        const mc = {
          count: m((x) => gc(x, 'mark-compact').count),
          maxMs: m((x) => gc(x, 'mark-compact').maxMs),
        };
        return (
          `| ${fmt(rate)} msg/s, ${label[k]} | ${ms(t.slowThresholdMs)} ms | ${fmt(t.slowShareInGc * 100)}% | ${fmt(t.allShareInGc * 100, 1)}% | ` +
          `${sc.count}, ${ms(sc.totalMs)} ms, ${ms(sc.maxMs)} ms | ${mc.count}, ${ms(mc.maxMs)} ms | ` +
          `${fmt(m((x) => x.involuntaryContextSwitches))} | ` +
          `${fmt(median(runs[rate][k].map((r) => r.senderLate.over5Ms)))}, ${ms(median(runs[rate][k].map((r) => r.senderLate.maxMs)))} ms | ` +
          `${fmt(median(runs[rate][k].map((r) => r.loadAverage)), 1)} |`
        );
      }),
    ),
  ].join('\n');
}

/**
 * With --trace: in the steady state, what the receiver's threads ran and how long they were ready
 * to run but waited for a CPU, per second; beside it, the publisher's threads' waits over the
 * same seconds. On a machine of few cores shared by both, every record waits when its thread does.
 */
function cpuTable() {
  const perSecond = (use, group, field) => (use ? use[group][field] / use.seconds : NaN);
  return [
    `| traced, median of ${ROUNDS}, ms per second | main thread ran | main thread waited for a CPU | ZeroMQ I/O thread waited | other threads ran | publisher's threads waited |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rates.flatMap((rate) =>
      receivers.map((k) => {
        const m = (f) => median(runs[rate][k].map(f));
        const use = (r) => r.tail.threads;
        const sender = (r) => {
          const t = r.tail.senderThreads;
          return perSecond(t, 'main', 'waitMs') + perSecond(t, 'zmq', 'waitMs');
        };
        return (
          `| ${fmt(rate)} msg/s, ${label[k]} | ${ms(m((r) => perSecond(use(r), 'main', 'cpuMs')))} | ` +
          `${ms(m((r) => perSecond(use(r), 'main', 'waitMs')))} | ${ms(m((r) => perSecond(use(r), 'zmq', 'waitMs')))} | ` +
          `${ms(m((r) => perSecond(use(r), 'other', 'cpuMs')))} | ${ms(m(sender))} |`
        );
      }),
    ),
  ].join('\n');
}

const output = values.trace ? `${table}\n\n${traceTable()}\n\n${cpuTable()}` : table;
mkdirSync(values.results, { recursive: true });
writeFileSync(join(values.results, `${name}.json`), JSON.stringify(result) + '\n');
writeFileSync(join(values.results, `${name}.md`), output + '\n');
console.log(output);
