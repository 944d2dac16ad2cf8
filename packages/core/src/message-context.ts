import { performance } from 'node:perf_hooks';

/**
 * What travels with every payload through the chain. Sources make one per message taken in
 * (the host's intake does, with {@link createMessageContext}); domains read it and may add to
 * `attributes`.
 */
export interface MessageContext {
  /** Unique within the process, increasing in the order messages were taken in. */
  readonly id: number;
  /** When the message reached the process, in monotonic milliseconds (`performance.now()`). */
  readonly receivedAt: number;
  /** The id of the source step that took the message in. */
  readonly source: string;
  /** Free attributes (a ZeroMQ topic, for instance). Absent until a domain sets one. */
  attributes?: Record<string, unknown>;
  /** The payload as it reached the process; dead letters are written from it. */
  readonly raw?: unknown;
  /**
   * Stage timing, for core and the host: the monotonic time at which the message's previous
   * stage ended, where a record is handed on by itself (`handle`, a `handled` tap); each
   * stage's end is the next stage's start. Batches carry their own time instead. Set by core as
   * a stage ends, read through `markOf`; a context written by hand has none until its first
   * stage ends. Plugins neither read nor write it.
   * @internal
   */
  mark?: number;
}

let nextId = 1;

/**
 * Makes a context for a message taken in now (or at `receivedAt`, monotonic ms): the one way to
 * make a context, for hosts and tests alike. Domains receive contexts rather than make them.
 */
export function createMessageContext(
  source: string,
  raw?: unknown,
  attributes?: Record<string, unknown>,
  receivedAt?: number,
): MessageContext {
  // A source taking a batch in reads the clock once for the batch and passes it here.
  const now = receivedAt ?? performance.now();
  // Every field in one literal: every context has one shape, which keeps V8's accesses to it fast.
  return { id: nextId++, receivedAt: now, source, attributes, raw, mark: now };
}

/**
 * When the message's previous stage ended: its mark, or `receivedAt` for a context written by
 * hand, whose first stage then counts from when it was received (never a NaN duration).
 * @internal
 */
export function markOf(message: MessageContext): number {
  const mark = message.mark;
  return mark === undefined ? message.receivedAt : mark;
}
