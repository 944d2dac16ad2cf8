import path from 'node:path';
import type { Command } from '../command.js';

export const initCommand: Command = {
  name: 'init',
  summary: 'write a starter pipeline, its tests and a .gitignore into a folder',
  usage: 'init [DIR] [--yaml] [--json]',
  positionals: ['DIR'],
  flags: {
    yaml: {
      spec: { type: 'boolean' },
      help: 'write pipeline.config.yaml and pipeline.test.yaml instead of JSON',
    },
    json: { spec: { type: 'boolean' }, help: 'print what was written as JSON' },
  },
  details: [
    'DIR defaults to the current folder. The starter pipeline takes JSON records on ZeroMQ',
    '(tcp://127.0.0.1:5555, or ZMQ_ADDRESS), fills in defaults, drops debug records, counts',
    'records by service and level, and writes them to out/records.ndjson. Its $schema points',
    'at the schema of this Tapline installation, so editors complete and check it. An existing',
    'config or test file is never replaced.',
    '',
    'Then:',
    '  tapline validate && tapline test && tapline run',
    '  tapline publish --count 100          (in another terminal)',
  ],
  async run(values, positionals, io) {
    const { StarterExistsError, writeStarter } = await import('../init/write-starter.js');
    const dir = path.resolve(io.cwd, positionals[0] ?? '.');
    let result;
    try {
      result = await writeStarter(dir, values.yaml === true);
    } catch (err) {
      if (!(err instanceof StarterExistsError)) throw err;
      io.stderr.write(`tapline: ${err.message}; init never replaces a config. Choose another DIR.\n`);
      return 1;
    }
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify({ dir: result.dir, config: result.config, files: result.files })}\n`);
      return 0;
    }
    const shown = path.relative(io.cwd, dir) || '.';
    const cd = shown === '.' ? '' : `cd ${shown.includes(' ') ? JSON.stringify(shown) : shown} && `;
    io.stdout.write(
      [
        `Wrote a starter pipeline in ${shown}:`,
        ...result.files.map((f) => `  ${f}`),
        '',
        'Next:',
        `  ${cd}tapline validate && tapline test`,
        `  ${cd}tapline run                       records go to ${path.join(shown, 'out', 'records.ndjson')}`,
        '  tapline publish --count 100          in another terminal: sends 100 sample records',
        '',
      ].join('\n'),
    );
    return 0;
  },
};
