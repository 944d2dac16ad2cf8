import type { ParseArgsConfig } from 'node:util';
import { TaplineError } from '@tapline/core';

/** Where a command writes; the real process streams, or buffers in tests. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The parsed flags of a command, by long name. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** One `tapline` subcommand: its flags, its help text and what it does. */
export interface Command {
  readonly name: string;
  /** One line for `tapline --help`. */
  readonly summary: string;
  /** The synopsis after `tapline`, e.g. `run [--config FILE]`. */
  readonly usage: string;
  /** Help lines for each flag, by long name. */
  readonly flags: Readonly<Record<string, { readonly spec: OptionSpecs[string]; readonly help: string }>>;
  /** Names of the positional arguments it takes, in order; none when absent. A last name ending in `…` takes any number. */
  readonly positionals?: readonly string[];
  /** More lines for `--help`: examples, notes. */
  readonly details?: readonly string[];
  run(values: OptionValues, positionals: string[], io: CliIo): Promise<number>;
}

/** A command line that cannot be run as written; the message says how to fix it. */
export class UsageError extends TaplineError {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('TAPLINE_ERR_USAGE', message, options);
  }
}
