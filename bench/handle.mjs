// What the template costs per record: chains of 1, 4 and 16 pass-through steps with a Monitor
// attached, wired through the host's StepRouter as `tapline run` wires them, fed batches of
// `--batch` records (256, runtime.batchMax's default: a saturated source) and batches of one (a
// source at low rates). Beside them, the same number of plain async function calls per record.
// Prints nanoseconds per record, and per step per record.
//   node bench/handle.mjs [--records N] [--rounds R] [--batch B]
import { parseArgs } from 'node:util';
import { BaseDomain, createMessageContext } from '@tapline/core';
import { Monitor } from '@tapline/core/internal';
// The host's own router, built by `tsc -b`; not part of the host's public API.
import { StepRouter } from '../packages/host/dist/runtime/step-router.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1024000' },
    rounds: { type: 'string', default: '7' },
    batch: { type: 'string', default: '256' },
  },
});
const N = Number(values.records);
const ROUNDS = Number(values.rounds);
const BATCH = Number(values.batch);

class Pass extends BaseDomain {
  execute(input) {
    return input;
  }
}

function chain(length) {
  const monitor = new Monitor();
  const steps = Array.from({ length }, (_, i) => new Pass({ id: `step${i}` }));
  let completed = 0;
  const complete = (messages) => {
    completed += messages.length;
  };
  for (let i = 0; i < length; i++) steps[i].handOn = new StepRouter(steps[i + 1], complete).forward;
  for (const s of steps) monitor.attach(s);
  return { first: steps[0], done: () => completed, monitor };
}

const payload = { service: 'api', level: 'info', latencyMs: 12 };

function runChain(length, batch) {
  const { first, done, monitor } = chain(length);
  const inputs = new Array(batch).fill(payload);
  const messages = Array.from({ length: batch }, () => createMessageContext('bench'));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i += batch) first.handleBatch(inputs, messages, performance.now());
  const ns = Number(process.hrtime.bigint() - t0) / N;
  if (done() !== N) throw new Error(`${done()} of ${N} records completed`);
  const counted = monitor.getMetrics().operations[`step${length - 1}.handle`].success;
  if (counted !== N) throw new Error(`the Monitor counted ${counted} of ${N}`);
  return ns;
}

async function f(x) {
  return x;
}
async function runPlain(length) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N / 16; i++) {
    let x = payload;
    for (let s = 0; s < length; s++) x = await f(x);
  }
  return (Number(process.hrtime.bigint() - t0) / N) * 16;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lengths = [1, 4, 16];
const rows = [];
for (const length of lengths) {
  rows.push({ name: `${length} step(s), batches of ${BATCH}`, length, run: () => runChain(length, BATCH) });
  rows.push({ name: `${length} step(s), batches of 1`, length, run: () => runChain(length, 1) });
  rows.push({ name: `${length} plain async call(s)`, length, run: () => runPlain(length) });
}
const results = rows.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  // Alternate the variants within each round so machine noise hits all of them alike.
  for (let i = 0; i < rows.length; i++) results[i].push(await rows[i].run());
}
console.log(
  `per record through a chain (median of ${ROUNDS} rounds of ${N} records, Node ${process.version})`,
);
for (let i = 0; i < rows.length; i++) {
  const ns = median(results[i]);
  const { name, length } = rows[i];
  console.log(
    `  ${name.padEnd(36)} ${ns.toFixed(1).padStart(8)} ns/record ${(ns / length).toFixed(1).padStart(7)} ns/step`,
  );
}
