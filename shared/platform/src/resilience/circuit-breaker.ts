import { CircuitOpenError } from '@trading/domain';
import OpossumBreaker from 'opossum';

import { isDataError } from '../errors/classify.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';

/** The three states of a breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Options of {@link CircuitBreaker}. Defaults: opens after 5 consecutive failures, 60 s cooldown. */
export interface CircuitBreakerOptions {
  name: string;
  failureThreshold?: number;
  cooldownMs?: number;
  /** Errors that do not count against the dependency (our bad input, a 4xx); data errors by default. */
  isHarmless?: (err: unknown) => boolean;
  logger?: Logger;
  metrics?: Metrics;
}

/** Defaults of the spec (1-1). */
export const BREAKER_DEFAULTS = { failureThreshold: 5, cooldownMs: 60_000 } as const;

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * A circuit breaker on opossum that opens after N *consecutive* failures (opossum itself judges a
 * rolling error percentage, so its own trigger is disabled and ours opens it), stays open for the
 * cooldown, then lets one trial call through half-open: success closes it, failure re-opens it.
 * Every state change is logged and counted.
 */
export class CircuitBreaker {
  readonly name: string;
  readonly #breaker: OpossumBreaker<[() => Promise<unknown>]>;
  readonly #threshold: number;
  #consecutiveFailures = 0;

  constructor(options: CircuitBreakerOptions) {
    this.name = options.name;
    this.#threshold = options.failureThreshold ?? BREAKER_DEFAULTS.failureThreshold;
    this.#breaker = new OpossumBreaker(async (action: () => Promise<unknown>) => action(), {
      name: options.name,
      timeout: false,
      resetTimeout: options.cooldownMs ?? BREAKER_DEFAULTS.cooldownMs,
      volumeThreshold: Number.MAX_SAFE_INTEGER,
      errorFilter: options.isHarmless ?? isDataError,
      allowWarmUp: false,
    });
    this.#breaker.on('failure', () => {
      this.#consecutiveFailures++;
      if (this.#consecutiveFailures >= this.#threshold) this.#breaker.open();
    });
    this.#breaker.on('success', () => {
      this.#consecutiveFailures = 0;
    });
    const onState = (state: BreakerState): void => {
      if (state === 'closed') this.#consecutiveFailures = 0;
      options.logger?.warn('circuit breaker state changed', { breaker: this.name, state });
      options.metrics?.breakerState.set({ breaker: this.name }, STATE_VALUE[state]);
      options.metrics?.breakerTransitions.inc({ breaker: this.name, state });
    };
    this.#breaker.on('open', () => {
      onState('open');
    });
    this.#breaker.on('halfOpen', () => {
      onState('half-open');
    });
    this.#breaker.on('close', () => {
      onState('closed');
    });
    options.metrics?.breakerState.set({ breaker: this.name }, 0);
  }

  /** The breaker's state now. */
  get state(): BreakerState {
    if (this.#breaker.opened) return 'open';
    return this.#breaker.halfOpen ? 'half-open' : 'closed';
  }

  /**
   * Run `action` through the breaker.
   * @throws CircuitOpenError at once while the circuit is open.
   */
  async execute<T>(action: () => Promise<T>): Promise<T> {
    try {
      return (await this.#breaker.fire(action)) as T;
    } catch (err) {
      if ((err as { code?: unknown }).code === 'EOPENBREAKER') throw new CircuitOpenError(this.name);
      throw err;
    }
  }

  /** Stop the breaker's timers. */
  close(): void {
    this.#breaker.shutdown();
  }
}
