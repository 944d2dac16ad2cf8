/** How long {@link eventually} waits, how often it looks, and what it says when it gives up. */
export interface EventuallyOptions {
  /** Default 10000: generous, since a test machine may be loaded. */
  readonly timeoutMs?: number;
  /** Default 25. */
  readonly intervalMs?: number;
  /** What is waited for, named in the timeout's error (`'10 records'`). */
  readonly what?: string;
}

/**
 * Calls `check` until it returns something other than `undefined` or `false`, and resolves to
 * that. For state no event announces (a process's HTTP metrics, a broker's consumer); a domain's
 * messages have an event: wait on {@link recordDomain}'s `waitForSettled`. A `check` that throws
 * fails at once; one still waiting after `timeoutMs` fails naming `what`.
 */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 25, what = 'the condition' } = options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
