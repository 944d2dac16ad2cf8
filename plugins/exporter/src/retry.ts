import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryPolicy } from './options.js';

/**
 * Runs `attempt`, retrying a failure up to `policy.retries` times with exponential backoff
 * (`retryDelayMs`, doubled each time, at most `retryMaxDelayMs`). Rethrows the last failure.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  onRetry?: (err: unknown, retry: number, delayMs: number) => void,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= policy.retries) throw err;
      const delay = Math.min(policy.retryDelayMs * 2 ** i, policy.retryMaxDelayMs);
      onRetry?.(err, i + 1, delay);
      await sleep(delay);
    }
  }
}
