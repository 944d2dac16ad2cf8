import { oneOf, positiveInteger, positiveNumber } from '../args.js';
import { UsageError, type CliIo, type Command } from '../command.js';
import { fileLines, framesOf, samplePayloads } from '../publish/payloads.js';
import { ProgressBar } from '../publish/progress-bar.js';
import { clientKeys } from '../publish/client-keys.js';
import { publish } from '../publish/publisher.js';

const DEFAULT_COUNT = 1000;
/** Where the default pipeline's source binds: `${ZMQ_ADDRESS:-tcp://127.0.0.1:5555}`. */
const DEFAULT_ADDRESS = 'tcp://127.0.0.1:5555';

export const publishCommand: Command = {
  name: 'publish',
  summary: 'send sample JSON messages (or an NDJSON file) to a pipeline over ZeroMQ',
  usage:
    'publish [--address ADDR] [--socket push|pub] [--topic T] [--count N] [--rate R] [--file NDJSON] [--batch B] [--server-key=KEY --keys NAME] [--json]',
  flags: {
    address: {
      spec: { type: 'string', short: 'a' },
      help: `where the source listens (default: ZMQ_ADDRESS, else ${DEFAULT_ADDRESS}, as the default config)`,
    },
    socket: { spec: { type: 'string' }, help: 'push (default) for a PULL source, pub for a SUB source' },
    topic: { spec: { type: 'string' }, help: 'with --socket pub: the topic frame sent before each message' },
    count: {
      spec: { type: 'string', short: 'n' },
      help: `how many messages (default ${DEFAULT_COUNT}; a file: all lines)`,
    },
    rate: {
      spec: { type: 'string', short: 'r' },
      help: 'messages per second (default: as fast as they are taken)',
    },
    file: {
      spec: { type: 'string', short: 'f' },
      help: "send this file's non-empty lines instead of samples",
    },
    'server-key': {
      spec: { type: 'string' },
      help: "CURVE: the source's public key (Z85); needs --keys",
    },
    keys: {
      spec: { type: 'string' },
      help: 'CURVE: this client\'s key pair, NAME.public and NAME.secret as "tapline keygen" wrote them',
    },
    batch: {
      spec: { type: 'string', short: 'b' },
      help: 'send B messages per frame, one per line (for a source with decode "ndjson")',
    },
    json: { spec: { type: 'boolean' }, help: 'print what was sent as JSON' },
  },
  details: [
    'Sample messages are JSON records with service, level, message, latencyMs, status,',
    'endpoint, host and region fields, and sentAt: the send time in epoch milliseconds.',
    '',
    'Examples:',
    '  tapline publish --count 10000 --rate 2000',
    '  tapline publish --address tcp://127.0.0.1:5556 --socket pub --topic logs --file events.ndjson',
    '  tapline publish --address tcp://127.0.0.1:5555 --count 100000 --batch 64',
    '',
    'With --batch, --count and --rate count messages (lines), not frames.',
  ],
  async run(values, _positionals, io) {
    const address =
      typeof values.address === 'string' ? values.address : io.env.ZMQ_ADDRESS || DEFAULT_ADDRESS;
    if (address === '') throw new UsageError('--address needs a value, e.g. tcp://127.0.0.1:5555.');
    const socket = oneOf(values, 'socket', ['push', 'pub'] as const) ?? 'push';
    const topic = typeof values.topic === 'string' ? values.topic : undefined;
    if (topic !== undefined && socket !== 'pub') {
      throw new UsageError('--topic needs --socket pub: a PUSH socket has no topics.');
    }
    const count = positiveInteger(values, 'count');
    const rate = positiveNumber(values, 'rate');
    const batch = positiveInteger(values, 'batch') ?? 1;
    const file = typeof values.file === 'string' ? values.file : undefined;
    const curve = await clientKeys(values, io.cwd);
    const lines = file ? fileLines(file, count) : samplePayloads(count ?? DEFAULT_COUNT);
    const tally = { records: 0 };
    const payloads = batch > 1 ? framesOf(lines, batch, tally) : lines;
    // Every frame but the last holds `batch` records; the tally may be one frame ahead of the sends.
    const recordsSent = (frames: number): number =>
      batch > 1 ? Math.min(frames * batch, tally.records) : frames;
    const bar = io.stderr.isTTY
      ? new ProgressBar(io.stderr, file ? count : (count ?? DEFAULT_COUNT))
      : undefined;

    const controller = new AbortController();
    const interrupt = (): void => controller.abort();
    process.once('SIGINT', interrupt);
    try {
      const result = await publish(payloads, {
        address,
        socket,
        topic,
        rate: rate === undefined ? undefined : rate / batch,
        curve,
        signal: controller.signal,
        onProgress: bar ? (sent, ms) => bar.update(recordsSent(sent), ms) : undefined,
      });
      bar?.end();
      report(io, values.json === true, {
        sent: recordsSent(result.sent),
        frames: batch > 1 ? result.sent : undefined,
        address,
        elapsedMs: result.elapsedMs,
      });
      return controller.signal.aborted ? 130 : 0;
    } finally {
      bar?.end();
      process.off('SIGINT', interrupt);
    }
  },
};

interface Sent {
  readonly sent: number;
  /** With --batch: the frames that carried them. */
  readonly frames: number | undefined;
  readonly address: string;
  readonly elapsedMs: number;
}

function report(io: CliIo, json: boolean, r: Sent): void {
  const seconds = r.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(r.sent / seconds) : r.sent;
  if (json) {
    io.stdout.write(`${JSON.stringify({ ...r, elapsedMs: Math.round(r.elapsedMs), rate })}\n`);
    return;
  }
  const { sent, frames, address } = r;
  const inFrames = frames === undefined ? '' : ` in ${frames} frame${frames === 1 ? '' : 's'}`;
  io.stdout.write(
    `Sent ${sent} message${sent === 1 ? '' : 's'}${inFrames} to ${address} in ${seconds.toFixed(2)} s (${rate} msg/s)\n`,
  );
}
