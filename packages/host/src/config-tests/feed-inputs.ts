import { setImmediate as nextTurn } from 'node:timers/promises';
import type { TestInput } from './test-file-schema.js';
import type { TestPipeline } from './test-pipeline.js';

/** Inputs fed between two looks at the clock. */
const TURN = 256;

/** How far {@link feedInputs} got. */
export interface Fed {
  /** How many inputs were handed to the steps. */
  readonly fed: number;
  /** Whether every input ended before the deadline. */
  readonly ended: boolean;
}

/**
 * Feeds a test's inputs and waits for them to end, all within `timeoutMs` from the first input
 * on, with at most `maxInFlight` messages in flight as `tapline run` allows: a long test then
 * holds its inputs and what came out, not every record at every step at once.
 */
export async function feedInputs(
  pipeline: TestPipeline,
  inputs: readonly TestInput[],
  limits: { readonly timeoutMs: number; readonly maxInFlight: number },
): Promise<Fed> {
  const { trace } = pipeline;
  const deadline = performance.now() + limits.timeoutMs;
  for (let i = 0; i < inputs.length; i++) {
    if ((i > 0 && i % TURN === 0) || trace.inFlight >= limits.maxInFlight) {
      // Steps that end their records in microtasks would otherwise never let the timer run.
      await nextTurn();
      const room = await within(
        () => trace.inFlight < limits.maxInFlight,
        () => trace.whenInFlightBelow(limits.maxInFlight),
        deadline,
      );
      if (!room || performance.now() >= deadline) return { fed: i, ended: false };
    }
    pipeline.feed(inputs[i]!, i);
  }
  const ended = await within(
    () => trace.allSettled,
    () => trace.whenSettled(),
    deadline,
  );
  return { fed: inputs.length, ended };
}

/** Whether `ready` holds by `deadline` (a time from performance.now()), waiting on `wait`. */
async function within(ready: () => boolean, wait: () => Promise<void>, deadline: number): Promise<boolean> {
  if (ready()) return true;
  const left = deadline - performance.now();
  if (left <= 0) return false;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(resolve, left, false)));
  try {
    return await Promise.race([wait().then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}
