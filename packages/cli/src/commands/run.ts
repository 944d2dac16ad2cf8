import type { Command } from '../command.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run the pipeline until SIGINT or SIGTERM',
  usage: 'run [--config FILE] [--log-level LEVEL]',
  flags: {
    config: {
      spec: { type: 'string', short: 'c' },
      help: 'the pipeline config (default: pipeline.config.json, searched upwards)',
    },
    'log-level': {
      spec: { type: 'string', short: 'l' },
      help: 'fatal, error, warn, info, debug, trace or silent (default: LOG_LEVEL, then the config)',
    },
  },
  details: [
    'Logs are JSON lines, pretty on a terminal. The dashboard and the monitoring API listen on',
    'monitor.http of the config (127.0.0.1:9464 by default); the log says where.',
    '',
    'Exit codes: 0 after a clean stop; 1 when the config is invalid, a step could not start,',
    'the drain timed out or a step could not flush; 130/143 when a second signal cut the stop short.',
  ],
  async run(values, _positionals, io) {
    // Loaded on use: the host pulls in much that `tapline publish` and `--help` never need.
    const { runApplication } = await import('@tapline/host');
    const code = await runApplication({
      config: values.config as string | undefined,
      logLevel: values['log-level'] as string | undefined,
      cwd: io.cwd,
      env: io.env,
    });
    // A plugin that leaves a handle open must not keep a stopped pipeline's process alive.
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  },
};
