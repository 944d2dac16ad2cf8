import type { MessageContext } from '@tapline/core';

/** Where a tap attaches to a step: what it hands on, what it is handed, what it drops or fails. */
export type TapSide = 'output' | 'input' | 'dropped' | 'failed';

export const TAP_SIDES: readonly TapSide[] = ['output', 'input', 'dropped', 'failed'];

/** Why a record ended at a step: a drop's reason, or a failure's error. */
export interface Ending {
  readonly reason?: string;
  readonly error?: unknown;
}

/**
 * What an attached tap is told, from the step's own path while it is attached: it must be
 * cheap, must not throw, and must copy what it keeps (later steps may change records in place).
 */
export interface TapListener {
  /**
   * Whether it would take a sample now (its buffer has room): when no listener would, a step does
   * not remember what it was handed for a drop or a terminal output. Absent: always.
   */
  wants?(): boolean;
  /**
   * A batch crossed `side` of `step` at `at` (monotonic ms): on the input side, when the step
   * began on it. `entered`, for an output side, is what the step was handed for each record
   * where the step is terminal (its output is a receipt): the record it wrote.
   */
  batch(
    step: string,
    side: 'input' | 'output',
    records: readonly unknown[],
    messages: readonly MessageContext[],
    at: number,
    entered?: (message: MessageContext) => unknown,
  ): void;
  /** A record ended at `step`: `record` is what the step was handed (undefined when not known). */
  ended(
    step: string,
    side: 'dropped' | 'failed',
    record: unknown,
    message: MessageContext,
    ending: Ending,
  ): void;
}
