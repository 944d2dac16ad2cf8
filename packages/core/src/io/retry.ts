import { setTimeout as sleep } from 'node:timers/promises';

/** How often and how patiently a failed write is tried again. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** The first retry's delay; it doubles with each retry. */
  readonly retryDelayMs: number;
  /** Upper bound of one delay. */
  readonly retryMaxDelayMs: number;
}

/**
 * Runs `attempt`, retrying a failure up to `policy.retries` times with exponential backoff
 * (`retryDelayMs`, doubled each time, at most `retryMaxDelayMs`). Rethrows the last failure.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  onRetry?: (err: unknown, retry: number, delayMs: number) => void,
  /** Whether a failure is final, however many retries are left (the socket was closed, say). */
  final?: (err: unknown) => boolean,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= policy.retries || final?.(err) === true) throw err;
      const delay = Math.min(policy.retryDelayMs * 2 ** i, policy.retryMaxDelayMs);
      onRetry?.(err, i + 1, delay);
      await sleep(delay);
    }
  }
}
