import type { Command } from '../command.js';

export const testCommand: Command = {
  name: 'test',
  summary: "run a pipeline config's unit tests in process, with the real plugins",
  usage: 'test [FILE…] [--config FILE] [--json]',
  positionals: ['FILE…'],
  flags: {
    config: {
      spec: { type: 'string', short: 'c' },
      help: 'the pipeline config whose tests to run (default: pipeline.config.json, searched upwards)',
    },
    json: { spec: { type: 'boolean' }, help: 'print the report as JSON' },
  },
  details: [
    'Runs the tests in FILE… (each a *.test.json file), or else the tests beside the config: every',
    '*.test.json in its directory, and the "tests" the config file holds itself. Each test feeds',
    'records or raw frames to the pipeline (the source decodes frames without opening its socket;',
    "the exporter's targets are captured in memory) and checks what each step emitted, dropped",
    'and failed, and the metrics after the run. Nothing is bound and no file is written.',
    '',
    'Prints each test, every failure with what came out diffed against what was expected, and',
    'the line "N passed, N failed". Exit code 0 when every test passed, else 1.',
    'The test file schema: @tapline/host/schema/pipeline.test.schema.json.',
  ],
  async run(values, positionals, io) {
    // Loaded on use, like the host it needs.
    const { test } = await import('./test-action.js');
    return test(values, positionals, io);
  },
};
