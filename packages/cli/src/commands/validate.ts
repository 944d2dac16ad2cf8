import type { Command } from '../command.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'load and check the config and its plugins without starting anything',
  usage: 'validate [--config FILE] [--json]',
  flags: {
    config: {
      spec: { type: 'string', short: 'c' },
      help: 'the pipeline config (default: pipeline.config.json, searched upwards)',
    },
    json: { spec: { type: 'boolean' }, help: 'print the result as JSON' },
  },
  details: [
    'Checks what "tapline run" would before it opens anything: the file against its schema, every',
    "step's plugin and options, and that each step's output type is accepted by the next step.",
    'Prints the chain and where each plugin was loaded from (package, version, file), or every',
    'problem found (schema, plugins that cannot be loaded, their options) in one list, sorted by',
    "file:line:column. A plugin package is looked for from the config's folder, then in this",
    'Tapline installation. Exit code 0 or 1.',
  ],
  async run(values, _positionals, io) {
    // Loaded on use, like the host it needs.
    const { validate } = await import('./validate-action.js');
    return validate(values, io);
  },
};
