import { positiveNumber } from '../args.js';
import type { Command } from '../command.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the default pipeline with sample traffic and a live dashboard',
  usage: 'demo [--config FILE] [--rate R] [--log-level LEVEL]',
  flags: {
    config: {
      spec: { type: 'string', short: 'c' },
      help: 'the pipeline (default: pipeline.config.json here, else a built-in one)',
    },
    rate: { spec: { type: 'string', short: 'r' }, help: 'average sample messages per second (default 200)' },
    'log-level': {
      spec: { type: 'string', short: 'l' },
      help: 'fatal, error, warn, info, debug, trace or silent',
    },
  },
  details: [
    'Starts the pipeline as "tapline run" does and publishes realistic sample records to its',
    'source (a few malformed ones among them, which end in the dead-letter file). Open the',
    'dashboard address it prints. Ctrl-C stops it gracefully.',
  ],
  async run(values, _positionals, io) {
    const rate = positiveNumber(values, 'rate') ?? 200;
    const { demo } = await import('../demo/demo-action.js');
    const code = await demo(values, rate, io);
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  },
};
