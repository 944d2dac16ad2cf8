import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';

/** The version of the installed @tapline/cli; the packages are released together. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export const versionCommand: Command = {
  name: 'version',
  summary: 'print the version of Tapline (also: tapline --version)',
  usage: 'version [--json]',
  flags: { json: { spec: { type: 'boolean' }, help: 'print the versions of Tapline and Node.js as JSON' } },
  run(values, _positionals, io) {
    io.stdout.write(
      values.json === true
        ? `${JSON.stringify({ tapline: cliVersion(), node: process.versions.node })}\n`
        : `${cliVersion()}\n`,
    );
    return Promise.resolve(0);
  },
};
