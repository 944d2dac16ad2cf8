import { codeOf } from '@tapline/core';
import { parseArgs } from 'node:util';
import { UsageError, type Command, type OptionSpecs, type OptionValues } from './command.js';
import { valueName } from './help.js';

/**
 * Parses a command's arguments strictly: an unknown flag, a missing value or an extra
 * positional is refused with a message that names the command and its `--help`.
 */
export function parseCommandArgs(
  command: Command,
  argv: readonly string[],
): { values: OptionValues; positionals: string[]; help: boolean } {
  const options: OptionSpecs = { help: { type: 'boolean', short: 'h' } };
  for (const [name, flag] of Object.entries(command.flags)) options[name] = flag.spec;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${describe(err, command)}\nSee "tapline ${command.name} --help".`, { cause: err });
  }
  const values = parsed.values as OptionValues;
  const help = values.help === true;
  delete values.help;
  const allowed = command.positionals?.at(-1)?.endsWith('…') ? Infinity : (command.positionals?.length ?? 0);
  if (!help && parsed.positionals.length > allowed) {
    const extra = parsed.positionals.slice(allowed).join(' ');
    throw new UsageError(
      `Unexpected argument${parsed.positionals.length - allowed > 1 ? 's' : ''} "${extra}" for "tapline ${command.name}".\n` +
        `See "tapline ${command.name} --help".`,
    );
  }
  return { values, positionals: parsed.positionals, help };
}

/** node:util's wording names its own syntax (`<value>`, "argument"); say it as the help does. */
function describe(err: unknown, command: Command): string {
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
    return `Unknown option ${flag}.`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const long = /--([\w-]+)/.exec(message)?.[1];
    const flag = long === undefined ? undefined : command.flags[long];
    if (long !== undefined && flag?.spec.type === 'string') {
      return `--${long} needs a value: --${long} ${valueName(long)}.`;
    }
    if (long !== undefined) return `--${long} is a switch and takes no value; write --${long} alone.`;
  }
  return message.split('. ')[0]!.replace(/\.?$/, '.');
}

/** Reads a flag that must be a positive integer (a count, a rate). */
export function positiveInteger(values: OptionValues, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive integer, not "${String(raw)}".`);
  }
  return n;
}

/** Reads a flag that must be a positive number (a rate may be 0.5 per second). */
export function positiveNumber(values: OptionValues, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive number, not "${String(raw)}".`);
  }
  return n;
}

/** Reads a flag that must be one of a few words. */
export function oneOf<T extends string>(
  values: OptionValues,
  name: string,
  choices: readonly T[],
): T | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not "${String(raw)}".`);
  }
  return raw as T;
}
