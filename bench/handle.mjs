// Cost of one message through BaseDomain.handle() across a chain of 4 domains with a Monitor
// attached, beside a chain of 4 plain async function calls. Prints nanoseconds per message.
// The routed rows hand each message on through the host's StepRouter (what `tapline run` wires,
// so that a reload can swap the chain), the others through a direct tap.
//   node bench/handle.mjs [--iterations N] [--rounds R]
import { parseArgs } from 'node:util';
import { BaseDomain, Monitor, createMessageContext } from '@tapline/core';
// The host's own router, built by `tsc -b`; not part of the host's public API.
import { StepRouter } from '../packages/host/dist/runtime/step-router.js';
import { ProcessorDomain } from '@tapline/plugin-processor';
import { sampleRecords } from '../packages/cli/dist/publish/sample-messages.js';

const { values } = parseArgs({
  options: { iterations: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '7' } },
});
const N = Number(values.iterations);
const ROUNDS = Number(values.rounds);

class Pass extends BaseDomain {
  execute(input) {
    return input;
  }
}
class AsyncPass extends BaseDomain {
  async execute(input) {
    return input;
  }
}

function chain(DomainClass, routed) {
  const monitor = new Monitor();
  const steps = [0, 1, 2, 3].map((i) => new DomainClass({ id: `step${i}` }));
  let completed = 0;
  const complete = () => {
    completed++;
  };
  if (routed) {
    for (let i = 0; i < 4; i++) steps[i].onHandled(new StepRouter(steps[i + 1], complete).forward);
  } else {
    for (let i = 0; i < 3; i++) steps[i].onHandled((out, m) => steps[i + 1].handle(out, m));
    steps[3].onHandled(complete);
  }
  for (const s of steps) monitor.attach(s);
  return { first: steps[0], done: () => completed, monitor };
}

const payload = { service: 'api', level: 'info', latencyMs: 12 };

async function runDomains(DomainClass, routed = false) {
  const { first, done } = chain(DomainClass, routed);
  const ctx = createMessageContext('bench');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const p = first.handle(payload, ctx);
    if (p !== undefined) await p;
  }
  // Async executes finish on later microtasks; wait for the last one.
  while (done() < N) await new Promise((r) => setImmediate(r));
  return Number(process.hrtime.bigint() - t0) / N;
}

async function f(x) {
  return x;
}
async function plainChain(x) {
  return f(await f(await f(await f(x))));
}
async function runPlain() {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await plainChain(payload);
  return Number(process.hrtime.bigint() - t0) / N;
}

// One processor step per record, on the default sample records: a filter and a computed field,
// each as a CEL expression beside its JSON-condition (or template) equivalent.
const STEPS = {
  filterJson: {
    type: 'filter',
    where: {
      and: [
        { field: 'level', ne: 'debug' },
        { field: 'latencyMs', gt: 250 },
      ],
    },
  },
  filterCel: { type: 'filter', where: "level != 'debug' && latencyMs > 250" },
  setTemplate: { type: 'set', field: 'route', template: '{service} {endpoint}' },
  setCel: { type: 'set', field: 'route', expr: "service + ' ' + endpoint" },
};
const next = sampleRecords(42);
const samples = Array.from({ length: 1024 }, (_, i) => next(i));
function runStep(step) {
  const domain = new ProcessorDomain({ steps: [step] });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) domain.execute(samples[i & 1023]);
  return Number(process.hrtime.bigint() - t0) / N;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { sync: [], syncRouted: [], async: [], asyncRouted: [], plain: [] };
for (const k of Object.keys(STEPS)) results[k] = [];
for (let r = 0; r < ROUNDS; r++) {
  // Alternate the variants within each round so machine noise hits all of them alike.
  results.sync.push(await runDomains(Pass));
  results.syncRouted.push(await runDomains(Pass, true));
  results.async.push(await runDomains(AsyncPass));
  results.asyncRouted.push(await runDomains(AsyncPass, true));
  results.plain.push(await runPlain());
  for (const [k, step] of Object.entries(STEPS)) results[k].push(runStep(step));
}
const rows = [
  ['4 domains, sync execute, Monitor attached', median(results.sync)],
  ['  the same, routed as the host wires it', median(results.syncRouted)],
  ['4 domains, async execute, Monitor attached', median(results.async)],
  ['  the same, routed as the host wires it', median(results.asyncRouted)],
  ['4 plain async function calls', median(results.plain)],
];
console.log(
  `handle() through a chain of 4 (median of ${ROUNDS} rounds of ${N} messages, Node ${process.version})`,
);
for (const [name, ns] of rows) console.log(`  ${name.padEnd(46)} ${ns.toFixed(0).padStart(6)} ns/message`);

const ratio = (a, b) => (median(results[a]) / median(results[b])).toFixed(2);
console.log('one processor step per record, on the sample records');
for (const [name, key] of [
  ['filter, JSON condition', 'filterJson'],
  ['filter, CEL expression', 'filterCel'],
  ['set, template', 'setTemplate'],
  ['set, CEL expression', 'setCel'],
])
  console.log(`  ${name.padEnd(46)} ${median(results[key]).toFixed(0).padStart(6)} ns/record`);
console.log(
  `  CEL / JSON: filter ${ratio('filterCel', 'filterJson')}x, set ${ratio('setCel', 'setTemplate')}x`,
);
