// The benchmark's sender: realistic log records, each stamped with its send time (fractional
// epoch ms) as it goes out, over PUSH sockets connected to one address. The records are made
// up front so the sender spends its time sending, not generating.
//   node bench/publisher.mjs --address tcp://127.0.0.1:PORT --count N [--sockets 2]
import { parseArgs } from 'node:util';
import { Push } from 'zeromq';

const { values } = parseArgs({
  options: {
    address: { type: 'string' },
    count: { type: 'string' },
    sockets: { type: 'string', default: '2' },
  },
});
const count = Number(values.count);
const services = ['checkout', 'search', 'auth', 'inventory', 'gateway'];
const levels = ['info', 'info', 'info', 'info', 'info', 'info', 'warn', 'error', 'debug', 'info'];
// Each record's JSON after its leading sentAt field; sentAt is prepended at send time.
const tails = Array.from({ length: 1024 }, (_, i) => {
  const service = services[i % services.length];
  const rest = {
    service,
    level: levels[(i * 7) % levels.length],
    message: `handled /v1/${service}/${i % 13}`,
    latencyMs: Math.round((5 + ((i * 37) % 400)) * 10) / 10,
    status: 200,
    endpoint: `/v1/${service}`,
    host: `web-0${i % 4}`,
    region: ['eu-west-1', 'us-east-1'][i % 2],
  };
  return JSON.stringify(rest).slice(1);
});

const sockets = Array.from(
  { length: Number(values.sockets) },
  () => new Push({ linger: 30_000, sendHighWaterMark: 1000 }),
);
for (const s of sockets) s.connect(values.address);

let next = 0;
const started = performance.now();
async function sendLoop(socket) {
  while (next < count) {
    const i = next++;
    await socket.send(
      `{"sentAt":${performance.timeOrigin + performance.now()},"seq":${i},${tails[i & 1023]}`,
    );
  }
}
await Promise.all(sockets.map(sendLoop));
const elapsedMs = performance.now() - started;
for (const s of sockets) s.close();
process.stdout.write(JSON.stringify({ sent: count, elapsedMs }) + '\n');
