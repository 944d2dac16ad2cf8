import { parseCommandArgs } from './args.js';
import { UsageError, type CliIo } from './command.js';
import { commands } from './commands/index.js';
import { cliVersion } from './commands/version.js';
import { commandHelp, mainHelp } from './help.js';
import { messageOf } from '@tapline/core';
import { codeLabel, reportedCodes } from '@tapline/core/internal';

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/**
 * Runs `tapline ARGV...` and resolves to the exit code. Usage errors print their message and
 * give 2; any other error a command throws prints its message (and `code`) and gives 1.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? commandHelp(topic) : mainHelp(commands));
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (command === undefined) {
      throw new UsageError(
        name.startsWith('-')
          ? `Unknown option ${name}. Options go after the command: tapline <command> [options].`
          : `Unknown command "${name}". Commands: ${commands.map((c) => c.name).join(', ')}.`,
      );
    }
    const { values, positionals, help } = parseCommandArgs(command, rest);
    if (help) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    return await command.run(values, positionals, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`tapline: ${err.message}\n`);
      return 2;
    }
    const label = codeLabel(reportedCodes(err));
    io.stderr.write(`tapline: ${messageOf(err)}${label ? ` ${label}` : ''}\n`);
    return 1;
  }
}
