import path from 'node:path';
import { UsageError, type Command } from '../command.js';

export const newPluginCommand: Command = {
  name: 'new-plugin',
  summary: 'create a plugin package that builds and passes its tests as written',
  usage: 'new-plugin NAME [--dir DIR] [--json]',
  positionals: ['NAME'],
  flags: {
    dir: {
      spec: { type: 'string', short: 'd' },
      help: 'where to create it (default: plugins/<name> in a Tapline workspace, else ./<package name>)',
    },
    json: { spec: { type: 'boolean' }, help: 'print what was created as JSON' },
  },
  details: [
    'NAME is "enrich" (package tapline-plugin-enrich), "tapline-plugin-enrich" or',
    '"@acme/tapline-plugin-enrich". The package has the manifest, an options schema, the domain,',
    "a test that runs the testkit's contract suite, and a README.",
    'Outside a Tapline workspace, @tapline packages come from the npm registry when it has them,',
    'else from copies of this installation packed into the new folder (tapline-packages/).',
    '',
    'Example:',
    '  tapline new-plugin geoip && cd plugins/geoip && pnpm install && pnpm test',
  ],
  async run(values, positionals, io) {
    const name = positionals[0];
    if (name === undefined)
      throw new UsageError('new-plugin needs a NAME, e.g. "tapline new-plugin enrich".');
    const { findWorkspace, pluginNames, scaffoldPlugin } = await import('../scaffold/index.js');
    const names = pluginNames(name);
    let dir = values.dir as string | undefined;
    if (dir === undefined) {
      const workspace = findWorkspace(io.cwd);
      dir = workspace
        ? path.join(workspace.root, 'plugins', names.short)
        : path.join(io.cwd, names.packageName.replace(/^@[^/]+\//, ''));
    }
    const result = await scaffoldPlugin({ name, dir: path.resolve(io.cwd, dir) });
    const shown = path.relative(io.cwd, result.dir) || '.';
    if (values.json === true) {
      const { dir: created, files, inWorkspace, taplinePackages, nextSteps } = result;
      const report = {
        package: result.names.packageName,
        dir: created,
        files,
        inWorkspace,
        taplinePackages,
        nextSteps,
      };
      io.stdout.write(`${JSON.stringify(report)}\n`);
      return 0;
    }
    io.stdout.write(
      [
        `Created ${result.names.packageName} in ${shown}${result.inWorkspace ? ' (a workspace package)' : ''}:`,
        ...result.files.map((f) => `  ${f}`),
        '',
        ...(result.taplinePackages === 'local'
          ? [
              '@tapline packages are not on the npm registry yet: the package installs copies packed',
              'from this Tapline installation into tapline-packages/ (its README says what to change',
              'once they are published).',
              '',
            ]
          : []),
        'Next:',
        ...result.nextSteps.map((s) => `  ${s}`),
        '',
      ].join('\n'),
    );
    return 0;
  },
};
