import type { ConfigSource } from './config-source.js';
import type { DeadLetterConfig, LogLevel, MonitorHttpConfig, RuntimeConfig } from './config-sections.js';

export type { DeadLetterConfig, MonitorHttpConfig, RuntimeConfig } from './config-sections.js';

/** One step of the pipeline as the config file lists it, defaults filled in. */
export interface StepConfig {
  /** Unique among enabled steps; the plugin's short name unless the file gives one. */
  readonly id: string;
  /** A package name (resolved from the config file's directory) or a path relative to it. */
  readonly plugin: string;
  /** The raw options, `${VAR}` filled in; the plugin's schema validates them in `createHost`. */
  readonly options: Record<string, unknown>;
  /** `false` skips the step entirely. */
  readonly enabled: boolean;
  readonly description?: string;
  /** The step's JSON pointer in the file (`/pipeline/2`), for reporting problems. */
  readonly pointer: string;
}

/** A validated pipeline config with every default filled in. */
export interface LoadedConfig {
  /** Absolute path of the config file. */
  readonly file: string;
  /** Its directory: plugins and relative paths in options resolve against it. */
  readonly dir: string;
  /** Every step the file lists, disabled ones included (with `enabled: false`). */
  readonly pipeline: StepConfig[];
  readonly runtime: RuntimeConfig;
  /** Where failed messages are appended (an absolute path), or `false`. */
  readonly deadLetter: DeadLetterConfig | false;
  readonly monitor: {
    readonly durationsWindow: number;
    readonly http: MonitorHttpConfig | false;
  };
  /** `destination`: `stdout`, `stderr`, or a file's absolute path; left out, the host chooses. */
  readonly log: { readonly level: LogLevel; readonly destination?: string };
  /**
   * The file's text and syntax tree, so that problems found later (a step's options) carry a
   * line and column. Not enumerable: `JSON.stringify(config)` leaves it out.
   */
  readonly source?: ConfigSource;
}
