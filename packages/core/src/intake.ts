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
  /** Counts one message as received and returns its context. */
  accept(source: string, raw?: unknown, attributes?: Record<string, unknown>): MessageContext;
}

/** Accepts everything, counts nothing: the intake of a source used without a host. */
export const unboundedIntake: Intake = {
  hasCapacity: true,
  waitForCapacity: () => Promise.resolve(),
  accept: createMessageContext,
};
