import { TransientError } from '@trading/domain';
import retry from 'retry';

import { isTransient } from '../errors/classify.js';
import { sleep } from './sleep.js';

/** Options of {@link retryAsync}. Defaults: 3 retries, 1 s base delay, 30 s maximum, jitter on. */
export interface RetryOptions {
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Multiply each delay by a random factor in [1, 2), so many clients do not retry in step. */
  jitter?: boolean;
  /** Which errors are worth another attempt; transient ones by default. */
  shouldRetry?: (err: unknown) => boolean;
  /** Called before each wait, with the attempt that failed (1-based) and the delay chosen. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Stops waiting (and retrying) when aborted, e.g. on shutdown. */
  signal?: AbortSignal;
}

/** Defaults of the spec (1-1): 3 retries, 1 s base delay, 30 s cap. */
export const RETRY_DEFAULTS = { retries: 3, baseDelayMs: 1000, maxDelayMs: 30_000, jitter: true } as const;

/**
 * Call `fn` until it succeeds, retrying errors that `shouldRetry` accepts with exponential backoff
 * (delays from the `retry` package: base × 2^n, capped, with jitter). A server's Retry-After
 * ({@link TransientError.retryAfterMs}) lengthens the wait when it asks for more.
 * The last error is rethrown when the retries run out or the error is not retryable.
 */
export async function retryAsync<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? RETRY_DEFAULTS.retries;
  const shouldRetry = options.shouldRetry ?? isTransient;
  const delays = retry.timeouts({
    retries,
    factor: 2,
    minTimeout: options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
    maxTimeout: options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
    randomize: options.jitter ?? RETRY_DEFAULTS.jitter,
  });
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const delay = delays[attempt - 1];
      if (delay === undefined || !shouldRetry(err) || options.signal?.aborted) throw err;
      const wait =
        err instanceof TransientError && err.retryAfterMs !== undefined
          ? Math.max(delay, err.retryAfterMs)
          : delay;
      options.onRetry?.(err, attempt, wait);
      await sleep(wait, options.signal);
    }
  }
}
