// What a received frame that stays alive costs in resident memory: the zmq source's socket
// against a plain zeromq.js PULL socket. A record in flight keeps its frame as `raw` until it is
// done, and at saturation some frames live long enough to be promoted, then wait for a full
// collection. Each receiver runs in a fresh process: a local PUSH sends `--messages` JSON records
// of about `--bytes` bytes, the receiver keeps every `--keep-every`th frame and lets the rest go,
// then collects garbage twice and reads its RSS. Reported, never asserted as a timing.
//   node bench/kept-frames.mjs [--messages 300000] [--keep-every 30] [--bytes 260]
//                              [--name kept-frames] [--results DIR]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeResults } from './lib/results.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '300000' },
    'keep-every': { type: 'string', default: '30' },
    bytes: { type: 'string', default: '260' },
    child: { type: 'string' },
    name: { type: 'string', default: 'kept-frames' },
    results: { type: 'string', default: join(here, 'results') },
    runs: { type: 'string' }, // accepted for the harness; nothing is written there
  },
});
const messages = Number(values.messages);
const keepEvery = Number(values['keep-every']);
const bytes = Number(values.bytes);

const RECEIVERS = {
  source: 'the zmq source (its socket, decode "record")',
  pull: 'a plain zeromq.js PULL socket',
};

if (values.child !== undefined) {
  process.stdout.write(`${JSON.stringify(await keep(values.child))}\n`);
  process.exit(0);
}

const runs = {};
for (const kind of Object.keys(RECEIVERS)) {
  const args = ['--expose-gc', fileURLToPath(import.meta.url), '--child', kind];
  args.push('--messages', String(messages), '--keep-every', String(keepEvery), '--bytes', String(bytes));
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    throw new Error(`the ${kind} receiver exited with ${child.status ?? child.signal}`);
  }
  runs[kind] = JSON.parse(child.stdout.trim().split('\n').pop());
}

const mib = (b) => (b / 2 ** 20).toFixed(1);
const lines = [
  `${messages.toLocaleString('en')} records of ${bytes} bytes; every ${keepEvery}th frame kept alive.`,
  '',
  '| receiver | frames kept | RSS after, growth MiB | per kept frame, bytes | V8 told of (external), MiB |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...Object.entries(runs).map(
    ([kind, r]) =>
      `| ${RECEIVERS[kind]} | ${r.kept.toLocaleString('en')} | ${mib(r.rssGrowth)} | ${Math.round(r.rssGrowth / r.kept).toLocaleString('en')} | ${mib(r.external)} |`,
  ),
  '',
  `(Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z.)`,
];
writeResults(values.results, values.name, { messages, keepEvery, bytes, runs });
writeFileSync(join(values.results, `${values.name}.md`), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));

/** One receiver: takes `messages` records, keeps every `keepEvery`th frame, returns its RSS growth. */
async function keep(kind) {
  const { Pull, Push } = await import('zeromq');
  const kept = [];
  let received = 0;
  let done;
  const all = new Promise((resolve) => (done = resolve));
  const take = (frame) => {
    if (received++ % keepEvery === 0) kept.push(frame);
    if (received === messages) done();
  };
  let endpoint;
  let close;
  if (kind === 'source') {
    const { ZmqSourceDomain } = await import('../plugins/zmq-source/dist/index.js');
    const source = new ZmqSourceDomain(
      {
        address: 'tcp://127.0.0.1:*',
        socket: 'pull',
        mode: 'bind',
        topics: [''],
        receiveHighWaterMark: 1000,
        maxMessageBytes: 0,
        maxFrames: 16,
        decode: 'record',
      },
      { id: 'in' },
    );
    source.onHandled((_record, message) => take(message.raw), 'kept-frames');
    await source.initialize();
    await source.start();
    endpoint = source.endpoint;
    close = () => source.shutdown();
  } else {
    const pull = new Pull({ linger: 0 });
    await pull.bind('tcp://127.0.0.1:*');
    endpoint = pull.lastEndpoint;
    void (async () => {
      while (received < messages) take((await pull.receive())[0]);
    })();
    close = () => pull.close();
  }
  const rssBefore = process.memoryUsage().rss;
  const push = new Push({ linger: 0 });
  push.connect(endpoint);
  const body = JSON.stringify({ level: 'info', msg: 'x'.repeat(Math.max(0, bytes - 28)) });
  for (let i = 0; i < messages; i++) await push.send(body);
  await all;
  push.close();
  await close();
  for (let i = 0; i < 2; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { rss, external } = process.memoryUsage();
  return { kept: kept.length, rssGrowth: rss - rssBefore, external };
}
