/**
 * Type names make a chain checkable before any message flows.
 *
 * - `bytes`: a Buffer or Uint8Array
 * - `text`: a string
 * - `record`: a JSON object
 * - `json`: any JSON value (`record` and `text` are `json`)
 * - `receipt`: what a terminal exporter returns
 * - `any`: as an input, accepts everything
 *
 * A plugin may use its own names; they match only themselves and an `any` input.
 */
export type BuiltinTypeName = 'bytes' | 'text' | 'record' | 'json' | 'receipt' | 'any';
export type TypeName = BuiltinTypeName | (string & {});

export const BUILTIN_TYPE_NAMES: readonly BuiltinTypeName[] = [
  'bytes',
  'text',
  'record',
  'json',
  'receipt',
  'any',
];

const JSON_FAMILY: ReadonlySet<string> = new Set(['json', 'record', 'text']);

/** Whether a step whose input is `expected` accepts what a step whose output is `actual` emits. */
export function accepts(expected: TypeName, actual: TypeName): boolean {
  if (expected === 'any' || expected === actual) return true;
  return expected === 'json' && JSON_FAMILY.has(actual);
}

/** The value a `receipt` names: what was written where. */
export interface Receipt {
  /** How many targets took the record. */
  readonly delivered: number;
  /** The targets, by name. */
  readonly targets: readonly string[];
}

/** A JSON object. */
export type JsonRecord = Record<string, unknown>;

/**
 * The books of one named output of a step (an exporter's target), read by the host's metrics
 * and dashboard, never per message. At every moment
 * `routed = written + dropped + deadLettered + lost + queued`.
 */
export interface OutputBooks {
  readonly name: string;
  /** What kind of output it is (`file`, `zmq`, …). */
  readonly type: string;
  /** Its policy when its queue is full. */
  readonly whenFull: 'block' | 'drop_newest' | 'dead_letter';
  /** Which records it takes, in words: `every record`, `where {…}`, `the first match of …`, `… and the unmatched`. */
  readonly route: string;
  readonly maxRecords: number;
  readonly maxBytes: number;
  /** Records routed to it (for `block`, once it had room for them). */
  readonly routed: number;
  /** Records it took for good. */
  readonly written: number;
  /** Records its policy dropped (`drop_newest`, reason `buffer_full`). */
  readonly dropped: number;
  /** Records it gave up on, whose dead letter names it. */
  readonly deadLettered: number;
  /** Records it gave up on whose dead letter could not be written. */
  readonly lost: number;
  /** Records in its queue: taken, not yet written or given up on. */
  readonly queued: number;
  readonly queuedBytes: number;
  /** Records waiting for room in its queue (`block`): not routed to it yet. */
  readonly waiting: number;
  /** How long ago the oldest record queued or waiting for it was received; 0 when none. */
  readonly oldestAgeMs: number;
  /** `disk` for a durable disk buffer; absent for the memory queue. */
  readonly buffer?: 'disk';
  /**
   * Disk buffer: records durably in the log and not yet delivered to the target. `written`
   * counts what entered the log in this run, so `written + carriedOver = delivered + buffered`.
   */
  readonly buffered?: number;
  /** Disk buffer: records the target took from the log in this run. */
  readonly delivered?: number;
  /** Disk buffer: records found in the log for the target at start-up. */
  readonly carriedOver?: number;
  /** Disk buffer: bytes of the log's segment files (shared by the targets of one log). */
  readonly logBytes?: number;
  /** Disk buffer: bytes of the log from the target's cursor on. */
  readonly lagBytes?: number;
}
