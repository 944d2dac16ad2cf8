/**
 * Every error a Tapline user can meet, in one place. Each has a stable `code`, a message that
 * says what to do next, and the original error as `cause`. Match on `code`, not on wording.
 */

import { codeOf, type ErrorCode } from './error-code.js';

/** One problem found in a config file or a step's options. */
export interface Problem {
  /** Where, as a JSON pointer into the file (`/pipeline/1/options/address`). */
  readonly path: string;
  readonly message: string;
  /** 1-based line and column in the file, when the file is known. */
  readonly line?: number;
  readonly column?: number;
  /** What kind of problem, when a report mixes kinds (`TAPLINE_ERR_PLUGIN_NOT_FOUND`). */
  readonly code?: ErrorCode;
  /** For a problem inside a string (a CEL expression): its 0-based offset in the string's value. */
  readonly offset?: number;
}

export class TaplineError extends Error {
  override name = 'TaplineError';
  constructor(
    /** Its code: `docs/errors.md` says what it means and what to do. */
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A tap of a running host asked for what cannot be tapped: a step the pipeline does not have, an
 * unknown side, a `where` that does not compile (`offset` is where in it), a bad number.
 */
export class TapQueryError extends TaplineError {
  override name = 'TapQueryError';
  constructor(
    /** The query parameter at fault: `step`, `side`, `where`, `rate`, `limit`, `follow`, `format`. */
    readonly param: string,
    message: string,
    /** For a `where`: the 0-based offset of the problem in the expression. */
    readonly offset?: number,
  ) {
    super('TAPLINE_ERR_TAP_QUERY', message);
  }
}

/** No config file was found, or the one named does not exist. */
export class ConfigNotFoundError extends TaplineError {
  override name = 'ConfigNotFoundError';
  constructor(
    readonly searchedFrom: string,
    cause?: unknown,
  ) {
    super(
      'TAPLINE_ERR_CONFIG_NOT_FOUND',
      cause === undefined
        ? `No pipeline config found from ${searchedFrom} (pipeline.config.json, .yaml or .yml, here or ` +
            'in a folder above, up to the project root). Run "tapline init" to write a starter ' +
            'pipeline here, or pass --config FILE.'
        : `Cannot read the config file ${searchedFrom}: ${messageOf(cause)}. Check the path, or run ` +
            '"tapline init" to write a starter pipeline.',
      { cause },
    );
  }
}

/** A config file or a step's options that cannot be used; `problems` lists every one found. */
export class ConfigError extends TaplineError {
  override name = 'ConfigError';
  constructor(
    code:
      | 'TAPLINE_ERR_CONFIG_PARSE'
      | 'TAPLINE_ERR_CONFIG_INVALID'
      | 'TAPLINE_ERR_OPTIONS_INVALID'
      | 'TAPLINE_ERR_ENV_UNSET',
    readonly file: string | undefined,
    readonly problems: readonly Problem[],
    options?: { cause?: unknown; step?: string; plugin?: string },
  ) {
    super(code, formatProblems(file, problems), options);
    this.step = options?.step;
    this.plugin = options?.plugin;
  }
  readonly step: string | undefined;
  readonly plugin: string | undefined;
}

/** Renders problems one per line as `file:line:column path: message`. */
export function formatProblems(file: string | undefined, problems: readonly Problem[]): string {
  const head = `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${file ?? 'the config'}:`;
  const lines = problems.map((p) => {
    const where = p.line === undefined ? (file ?? '') : `${file ?? ''}:${p.line}:${p.column ?? 1}`;
    return `  ${where}${where ? ' ' : ''}${p.path || '/'}: ${p.message}${p.code ? ` [${p.code}]` : ''}`;
  });
  return [head, ...lines].join('\n');
}

/**
 * A `tapline test` file that cannot be used (`problems` lists every one found), or no test
 * file found where tests were looked for.
 */
export class TestFileError extends TaplineError {
  override name = 'TestFileError';
  constructor(
    code: 'TAPLINE_ERR_TEST_PARSE' | 'TAPLINE_ERR_TEST_INVALID' | 'TAPLINE_ERR_TEST_NOT_FOUND',
    readonly file: string | undefined,
    readonly problems: readonly Problem[],
    message?: string,
  ) {
    super(code, message ?? formatProblems(file, problems));
  }
}

/** Where a config file writes what an error is about: the file, a JSON pointer, its line and column. */
export interface ConfigPosition {
  readonly file: string;
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
}

/** `file:line:column: ` to start a message, or '' when the error has no position. */
function placeOf(at: ConfigPosition | undefined): string {
  if (at === undefined) return '';
  return at.line === undefined ? `${at.file}: ` : `${at.file}:${at.line}:${at.column ?? 1}: `;
}

/** The one problem of an error about one place in a config: none until the place is known. */
function problemAt(code: ErrorCode, message: string, at: ConfigPosition | undefined): Problem[] {
  if (at === undefined) return [];
  const { path, line, column } = at;
  return [{ path, message, ...(line === undefined ? {} : { line, column }), code }];
}

/** A step's plugin could not be loaded or is not a Tapline plugin. */
export class PluginLoadError extends TaplineError {
  override name = 'PluginLoadError';
  /** The config file that names the plugin, once the host placed the error (`at`). */
  readonly file: string | undefined;
  /** The error as a problem at its place in the config; empty when it has none. */
  readonly problems: readonly Problem[];
  declare readonly code:
    'TAPLINE_ERR_PLUGIN_NOT_FOUND' | 'TAPLINE_ERR_PLUGIN_INVALID' | 'TAPLINE_ERR_PLUGIN_API_VERSION';
  constructor(
    code: PluginLoadError['code'],
    readonly step: string,
    readonly plugin: string,
    /** What is wrong, without the step: the message's last part. */
    readonly reason: string,
    cause?: unknown,
    /** Where the config names the plugin. */
    readonly at?: ConfigPosition,
  ) {
    const message = `Step "${step}" (plugin ${plugin}): ${reason}`;
    super(code, placeOf(at) + message, { cause });
    this.file = at?.file;
    this.problems = problemAt(code, message, at);
  }

  /** This error, placed at `at` in the config. */
  placedAt(at: ConfigPosition): PluginLoadError {
    return new PluginLoadError(this.code, this.step, this.plugin, this.reason, this.cause, at);
  }
}

/**
 * One step's output is not accepted by the next step's input, the chain has no source first, or
 * a source stands after the first step.
 */
export class ChainError extends TaplineError {
  override name = 'ChainError';
  /** The config file, once the host placed the error (`at`). */
  readonly file: string | undefined;
  /** The error as a problem at its place in the config; empty when it has none. */
  readonly problems: readonly Problem[];
  declare readonly code:
    | 'TAPLINE_ERR_TYPE_MISMATCH'
    | 'TAPLINE_ERR_NOT_A_SOURCE'
    | 'TAPLINE_ERR_SOURCE_NOT_FIRST'
    | 'TAPLINE_ERR_EMPTY_PIPELINE';
  constructor(
    code: ChainError['code'],
    /** What is wrong, without the position: the message's last part. */
    readonly reason: string,
    readonly details: Readonly<Record<string, string>> = {},
    /** Where the config writes the step it is about. */
    readonly at?: ConfigPosition,
  ) {
    super(code, placeOf(at) + reason);
    this.file = at?.file;
    this.problems = problemAt(code, reason, at);
  }

  /** This error, placed at `at` in the config. */
  placedAt(at: ConfigPosition): ChainError {
    return new ChainError(this.code, this.reason, this.details, at);
  }
}

/**
 * A plugin threw during create, initialize, start, stop or shutdown; wrapped with its name and step.
 * Its code is always `TAPLINE_ERR_PLUGIN_FAILED`, so that a code names one class; what the plugin
 * threw is the `cause`, and its code (an address in use is that, wherever it was met) `causeCode`.
 */
export class PluginError extends TaplineError {
  override name = 'PluginError';
  /** The code of what the plugin threw, when it has one (`TAPLINE_ERR_ADDRESS_IN_USE`, `ENOSPC`). */
  readonly causeCode: string | undefined;
  constructor(
    readonly step: string,
    readonly plugin: string,
    readonly phase: 'create' | 'initialize' | 'start' | 'stop' | 'shutdown' | 'execute',
    cause: unknown,
  ) {
    super(
      'TAPLINE_ERR_PLUGIN_FAILED',
      `Step "${step}" (plugin ${plugin}) failed in ${phase}: ${messageOf(cause)}`,
      { cause },
    );
    this.causeCode = codeOf(cause);
  }
}

/** A message could not be decoded (not JSON, not text, not the shape the step expects). */
export class DecodeError extends TaplineError {
  override name = 'DecodeError';
  constructor(message: string, cause?: unknown) {
    super('TAPLINE_ERR_DECODE', message, { cause });
  }
}

/**
 * A message larger than a source takes: too many frames, or too many bytes all frames together.
 * `frames` and `bytes` say what came; `maxFrames` and `maxBytes` what the source allows.
 */
export class MessageTooLargeError extends TaplineError {
  override name = 'MessageTooLargeError';
  constructor(
    readonly frames: number,
    readonly bytes: number,
    readonly maxFrames: number,
    readonly maxBytes: number,
  ) {
    const what =
      frames > maxFrames
        ? `${frames} frames, more than maxFrames (${maxFrames})`
        : `${bytes} bytes in its ${frames} frames, more than maxMessageBytes (${maxBytes})`;
    super(
      'TAPLINE_ERR_MESSAGE_TOO_LARGE',
      `A message of ${what} was refused; it is dead-lettered without its payload. ` +
        "Send smaller messages, or raise the source step's maxFrames or maxMessageBytes.",
    );
  }
}

/** A record did not match a schema it was required to match. */
export class ValidationError extends TaplineError {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super('TAPLINE_ERR_VALIDATION', message);
  }
}

/** A step could not transform a record: a value that does not convert, a path through a non-object. */
export class TransformError extends TaplineError {
  override name = 'TransformError';
  constructor(
    readonly field: string,
    message: string,
    cause?: unknown,
  ) {
    super('TAPLINE_ERR_TRANSFORM', message, { cause });
  }
}

/** A CEL expression failed on one record; the record fails, the pipeline goes on. */
export class ExpressionError extends TaplineError {
  override name = 'ExpressionError';
  constructor(
    readonly expression: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(
      'TAPLINE_ERR_EXPRESSION',
      `Expression ${JSON.stringify(expression)} failed on this record: ${reason}`,
      {
        cause,
      },
    );
  }
}

/** An exporter could not deliver a message to a target, retries included. */
export class ExportError extends TaplineError {
  override name = 'ExportError';
  /** Why, without the target: the message as the constructor was given it. */
  readonly reason: string;
  /** The outputs that lack the record, by name: a replay sends it to these alone. */
  readonly targets: readonly string[];
  /** The outputs that have it (they took it for good). */
  readonly written: readonly string[];
  /** The outputs whose policy dropped it (`drop_newest`): counted, not to be replayed. */
  readonly dropped: readonly string[];
  /**
   * Told when the dead letter of the record could not be written, so the outputs named in
   * `targets` count it as lost instead of dead-lettered.
   */
  readonly onLost: ((error: ExportError) => void) | undefined;

  /**
   * @param target - the output that failed, or several, comma-separated
   * @param outcome - for a record some outputs have and others lack: which is which
   */
  constructor(target: string, message: string, cause?: unknown, outcome?: ExportOutcome);
  constructor(
    readonly target: string,
    message: string,
    cause?: unknown,
    outcome: ExportOutcome = {},
  ) {
    super('TAPLINE_ERR_EXPORT', `Export to ${target} failed: ${message}`, { cause });
    this.reason = message;
    this.targets = outcome.targets ?? [target];
    this.written = outcome.written ?? [];
    this.dropped = outcome.dropped ?? [];
    this.onLost = outcome.onLost;
  }
}

/** Which outputs have a record that failed for others (see {@link ExportError}). */
export interface ExportOutcome {
  readonly targets?: readonly string[];
  readonly written?: readonly string[];
  readonly dropped?: readonly string[];
  readonly onLost?: (error: ExportError) => void;
}

/** A socket could not bind or connect to an address. */
export class AddressError extends TaplineError {
  override name = 'AddressError';
  constructor(
    code: 'TAPLINE_ERR_ADDRESS_IN_USE' | 'TAPLINE_ERR_ADDRESS_INVALID',
    readonly address: string,
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { cause });
  }
}

/** CURVE was asked of a zeromq build without it, or a key or key file cannot be used. */
export class CurveError extends TaplineError {
  override name = 'CurveError';
  constructor(
    code: 'TAPLINE_ERR_CURVE_UNAVAILABLE' | 'TAPLINE_ERR_CURVE_KEY',
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { cause });
  }
}

/** A broker could not be reached, has no JetStream, or lacks the stream or consumer a step names. */
export class BrokerError extends TaplineError {
  override name = 'BrokerError';
  constructor(
    code:
      | 'TAPLINE_ERR_BROKER_UNREACHABLE'
      | 'TAPLINE_ERR_BROKER_NO_JETSTREAM'
      | 'TAPLINE_ERR_STREAM_NOT_FOUND'
      | 'TAPLINE_ERR_CONSUMER_NOT_FOUND',
    /** The servers the step was given, comma-separated. */
    readonly servers: string,
    /** The stream the step was after, when it names one. */
    readonly stream: string | undefined,
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { cause });
  }
}

/** A message was delivered more often than a source allows (it keeps failing before it settles). */
export class DeliveryError extends TaplineError {
  override name = 'DeliveryError';
  constructor(
    /** How many times the broker had delivered the message, this time included. */
    readonly deliveries: number,
    message: string,
  ) {
    super('TAPLINE_ERR_MAX_DELIVERIES', message);
  }
}

/** Shutdown could not finish its work in time, a step could not flush, or dead letters were lost. */
export class ShutdownError extends TaplineError {
  override name = 'ShutdownError';
  constructor(
    code: 'TAPLINE_ERR_DRAIN_TIMEOUT' | 'TAPLINE_ERR_FLUSH_FAILED' | 'TAPLINE_ERR_DEAD_LETTERS_LOST',
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { cause });
  }
}

/** The message of anything thrown, Error or not. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}

/** The `errorType` of an error event: the thrown value's `code` when it has one, else its class name. */
export function errorTypeOf(err: unknown): string {
  if (err !== null && typeof err === 'object') {
    const code = codeOf(err);
    if (code !== undefined) return code;
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return typeof err;
}

/** The codes a report gives of an error: its own, and for a plugin's failure its cause's. */
export interface ReportedCodes {
  /** The error's own `TAPLINE_ERR_*` code. */
  readonly code?: string;
  /** With `TAPLINE_ERR_PLUGIN_FAILED`: the code of what the plugin threw, when it has one. */
  readonly causeCode?: string;
}

/**
 * The codes to report for anything thrown: a TaplineError's `code` and, for a PluginError whose
 * cause has one, `causeCode`; nothing for other errors (their codes are Node's, said in the message).
 */
export function reportedCodes(err: unknown): ReportedCodes {
  if (!(err instanceof TaplineError)) return {};
  const causeCode = err instanceof PluginError ? err.causeCode : undefined;
  return causeCode === undefined ? { code: err.code } : { code: err.code, causeCode };
}

/**
 * The problems a {@link ConfigError} or {@link TestFileError} lists, also when a
 * {@link PluginError} wraps it (a plugin's `create` refused its options), or the one of a
 * {@link PluginLoadError} or {@link ChainError} placed in its config; none for other errors.
 */
export function problemsOf(err: unknown): readonly Problem[] {
  const e = err instanceof PluginError ? err.cause : err;
  const listed =
    e instanceof ConfigError ||
    e instanceof TestFileError ||
    e instanceof PluginLoadError ||
    e instanceof ChainError;
  return listed ? e.problems : [];
}

/** `[CODE]`, or `[CODE caused by CAUSE_CODE]`, to end a message for a person; '' with no code. */
export function codeLabel({ code, causeCode }: ReportedCodes): string {
  if (code === undefined) return '';
  return causeCode === undefined ? `[${code}]` : `[${code} caused by ${causeCode}]`;
}
