// Run by zmq-target-loss.test.ts: a next hop in a process of its own. It binds a PULL socket with
// the receive high-water mark and kernel receive buffer given, prints its endpoint, hands `take`
// messages to its application (a line with each one's seq), says it stopped, and then reads no
// more, holding what ZeroMQ and the kernel queued for it, until it is killed.
import { Pull } from 'zeromq';

const [receiveHighWaterMark, receiveBufferSize, take] = process.argv.slice(2).map(Number);
const pull = new Pull({ linger: 0, receiveHighWaterMark, receiveBufferSize });
await pull.bind('tcp://127.0.0.1:*');
console.log(JSON.stringify({ endpoint: pull.lastEndpoint }));
for (let i = 0; i < take!; i++) {
  const [frame] = await pull.receive();
  console.log(JSON.stringify({ seq: (JSON.parse(frame!.toString()) as { seq: number }).seq }));
}
console.log(JSON.stringify({ stopped: true }));
setInterval(() => {}, 60_000);
