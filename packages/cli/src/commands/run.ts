import type { Command } from '../command.js';
import { holdYoungGeneration, optimizeSooner } from './v8-tuning.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run the pipeline until SIGINT or SIGTERM',
  usage: 'run [--config FILE] [--log-level LEVEL] [--watch]',
  flags: {
    config: {
      spec: { type: 'string', short: 'c' },
      help: 'the pipeline config (default: pipeline.config.json, searched upwards)',
    },
    'log-level': {
      spec: { type: 'string', short: 'l' },
      help: 'fatal, error, warn, info, debug, trace or silent (default: LOG_LEVEL, then the config)',
    },
    watch: {
      spec: { type: 'boolean', short: 'w' },
      help: 'reload the config when its file changes, as SIGHUP does',
    },
  },
  details: [
    'Logs are JSON lines, pretty on a terminal, on stdout, or on stderr when a stdout target',
    'carries records (so `tapline run | jq` reads records only); log.destination in the config',
    "sends them to stdout, stderr or a file. A step's failures are logged at warn: the first at",
    'once, then a count every 10 s. The dashboard and the monitoring API listen on',
    'monitor.http of the config (127.0.0.1:9464 by default); the log says where.',
    '',
    'SIGHUP (and, with --watch, saving the file) reloads the config live: it is validated first',
    'and an invalid one leaves the pipeline running; unchanged steps keep their state, in-flight',
    'messages finish on the chain they started on, and nothing is dropped. It also reopens the',
    'output files, for log rotation. runtime, deadLetter, monitor and log.destination changes need a restart.',
    '',
    'V8 is tuned for a long run: it optimizes the per-message code sooner than by default (an',
    'interrupt budget of 16,000), and its young generation does not grow while the pipeline',
    'starts, so that latency settles within the first second. Start Node with',
    '--interrupt-budget=N or --semi-space-growth-factor=N to choose otherwise.',
    '',
    'Exit codes: 0 after a clean stop; 1 when the config is invalid, a step could not start,',
    'the drain timed out or a step could not flush; 130/143 when a second signal cut the stop short.',
  ],
  async run(values, _positionals, io) {
    optimizeSooner();
    const releaseYoungGeneration = holdYoungGeneration();
    // Loaded on use: the host pulls in much that `tapline publish` and `--help` never need.
    const { runApplication } = await import('@tapline/host');
    const code = await runApplication({
      config: values.config as string | undefined,
      logLevel: values['log-level'] as string | undefined,
      cwd: io.cwd,
      env: io.env,
      watch: values.watch === true,
      // The CLI depends on the built-in plugins: they are found from its files wherever the config is.
      installation: [import.meta.url],
      onStarted: releaseYoungGeneration,
    });
    // A plugin that leaves a handle open must not keep a stopped pipeline's process alive.
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  },
};
