import { createMessageContext, type MessageContext } from './message-context.js';

/**
 * How a source hands messages to the host: it asks for capacity before reading (backpressure)
 * and accounts each message it takes in. The host provides one; without a host, messages are
 * accepted without limit.
 */
export interface Intake {
  /** Whether another message may be read now (fewer than `maxInFlight` are in flight). */
  readonly hasCapacity: boolean;
  /** Resolves once another message may be read. */
  waitForCapacity(): Promise<void>;
  /**
   * How many more messages may be read now: a source takes at most this many (and at most
   * `batchMax`) into one batch. An intake without it gives room for one at a time.
   */
  readonly room?: number;
  /** The most records one batch holds (`runtime.batchMax`; 256 when absent). */
  readonly batchMax?: number;
  /** Counts one message as received (at `receivedAt`, default now) and returns its context. */
  accept(
    source: string,
    raw?: unknown,
    attributes?: Record<string, unknown>,
    receivedAt?: number,
  ): MessageContext;
}

/** How many records a source may take into its next batch: never fewer than one, when it may read at all. */
export function batchRoom(intake: Intake): number {
  const room = intake.room ?? (intake.hasCapacity ? 1 : 0);
  return Math.max(1, Math.min(intake.batchMax ?? 256, room));
}

/** Accepts everything, counts nothing: the intake of a source used without a host. */
export const unboundedIntake: Intake = {
  hasCapacity: true,
  room: Infinity,
  batchMax: 256,
  waitForCapacity: () => Promise.resolve(),
  accept: createMessageContext,
};
