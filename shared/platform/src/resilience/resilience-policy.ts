import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { retryAsync, type RetryOptions } from './retry-async.js';
import { withTimeout } from './with-timeout.js';

/** Options of {@link createResiliencePolicy}. */
export interface ResiliencePolicyOptions {
  name: string;
  timeoutMs: number;
  retry?: Omit<RetryOptions, 'signal' | 'onRetry'>;
  failureThreshold?: number;
  cooldownMs?: number;
  isHarmless?: (err: unknown) => boolean;
  logger?: Logger;
  metrics?: Metrics;
}

/** Per-call options of {@link ResiliencePolicy.execute}. */
export interface ExecuteOptions {
  /** Stops retry waits (e.g. on shutdown). */
  signal?: AbortSignal;
  /** False for calls that must not be repeated blindly (an order submission): breaker and timeout only. */
  retry?: boolean;
}

/** A composed call policy: retry(breaker(timeout(fn))). */
export interface ResiliencePolicy {
  readonly breaker: CircuitBreaker;
  /** Run `fn` under the policy; `fn` receives a signal aborted when its attempt times out. */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, options?: ExecuteOptions): Promise<T>;
  close(): void;
}

/**
 * The one place the order of the resilience wrappers is decided: `retry(breaker(timeout(fn)))`.
 * - timeout innermost, so every attempt has its own deadline and a hung call counts as a failure;
 * - the breaker sees each attempt, so consecutive failures across retries open it;
 * - retry outermost, so it backs off between attempts; an open circuit is not retried (fail fast).
 */
export function createResiliencePolicy(options: ResiliencePolicyOptions): ResiliencePolicy {
  const breaker = new CircuitBreaker({
    name: options.name,
    failureThreshold: options.failureThreshold,
    cooldownMs: options.cooldownMs,
    isHarmless: options.isHarmless,
    logger: options.logger,
    metrics: options.metrics,
  });
  return {
    breaker,
    async execute<T>(fn: (signal: AbortSignal) => Promise<T>, { signal, retry = true }: ExecuteOptions = {}) {
      const attempt = async (): Promise<T> =>
        breaker.execute(async () => withTimeout(fn, options.timeoutMs, options.name));
      if (!retry) return attempt();
      return retryAsync(attempt, {
        ...options.retry,
        signal,
        onRetry: (err, n, delayMs) => {
          options.logger?.warn('retrying after transient failure', {
            policy: options.name,
            attempt: n,
            delayMs,
            error: err,
          });
          options.metrics?.errorsTotal.inc({ kind: 'transient' });
        },
      });
    },
    close() {
      breaker.close();
    },
  };
}

/** A policy with the retry, breaker and timeout settings of the config. */
export function policyFromConfig(
  config: Config,
  name: string,
  deps: { logger?: Logger; metrics?: Metrics } = {},
): ResiliencePolicy {
  return createResiliencePolicy({
    name,
    timeoutMs: config.httpTimeoutMs,
    retry: {
      retries: config.retryMaxRetries,
      baseDelayMs: config.retryBaseDelayMs,
      maxDelayMs: config.retryMaxDelayMs,
    },
    failureThreshold: config.breakerFailureThreshold,
    cooldownMs: config.breakerCooldownMs,
    ...deps,
  });
}
