// What the host's ledger of messages in flight (packages/host/src/runtime/message-table.ts)
// costs per message: one add and one delete, with N messages in flight taken in and settled in
// order (the common case) and, beside them, M taken in earlier that stay (records a slow next
// hop's queue holds, messages a NATS source holds unacknowledged).
//   node bench/message-table.mjs [--messages 300000] [--rounds 3]
import { parseArgs } from 'node:util';
import { MessageTable } from '../packages/host/dist/runtime/message-table.js';
import { median } from './stats.mjs';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '300000' }, rounds: { type: 'string', default: '3' } },
});
const N = Number(values.messages);

function run(inFlight, staying) {
  const table = new MessageTable(1024);
  let id = 1;
  for (let i = 0; i < staying; i++) table.add({ id: id++ });
  const queue = [];
  for (let i = 0; i < inFlight; i++) queue.push({ id: id++ });
  for (const m of queue) table.add(m);
  let head = 0;
  const began = performance.now();
  for (let i = 0; i < N; i++) {
    table.delete(queue[head]);
    queue[head++] = undefined;
    const m = { id: id++ };
    table.add(m);
    queue.push(m);
  }
  return ((performance.now() - began) * 1e6) / N;
}

const cases = [
  [256, 0],
  [1000, 0],
  [2000, 0],
  [1000, 1000],
  [1000, 10000],
];
process.stdout.write(
  '| in flight, settled in order | staying | ns per add + delete (median) |\n| ---: | ---: | ---: |\n',
);
for (const [inFlight, staying] of cases) {
  const ns = Array.from({ length: Number(values.rounds) }, () => run(inFlight, staying));
  process.stdout.write(`| ${inFlight} | ${staying} | ${median(ns).toFixed(0)} |\n`);
}
process.stdout.write(
  `\n(${N.toLocaleString('en')} messages a run, Node ${process.version}, ${new Date().toISOString()})\n`,
);
