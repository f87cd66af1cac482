import type { StrategyBar } from '@trading/domain';

import { BaseIndicator, checkPeriod, read, type Source } from './indicator.js';

/**
 * The highest (or lowest) value of the last `period` bars, this one included: a Donchian channel's
 * edge. A monotonic deque keeps it O(1) per bar.
 */
class Extreme extends BaseIndicator<number> {
  readonly #values: Float64Array;
  readonly #index: Float64Array;
  #head = 0;
  #tail = 0;
  #seen = 0;

  constructor(
    readonly period: number,
    readonly source: Source,
    readonly higher: boolean,
  ) {
    checkPeriod(higher ? 'highest' : 'lowest', period);
    super(period, period, Number.NaN);
    this.#values = new Float64Array(period + 1);
    this.#index = new Float64Array(period + 1);
  }

  protected next(bar: StrategyBar): number | null {
    const size = this.period + 1;
    const value = read(bar, this.source);
    const i = this.#seen++;
    // Drop values the new one beats (they can never be the extreme again), then those out of the window.
    while (this.#tail !== this.#head) {
      const last = (this.#tail - 1 + size) % size;
      const kept = this.#values[last] ?? 0;
      if (this.higher ? kept > value : kept < value) break;
      this.#tail = last;
    }
    this.#values[this.#tail] = value;
    this.#index[this.#tail] = i;
    this.#tail = (this.#tail + 1) % size;
    if ((this.#index[this.#head] ?? 0) <= i - this.period) this.#head = (this.#head + 1) % size;
    return this.#seen >= this.period ? (this.#values[this.#head] ?? Number.NaN) : null;
  }
}

/** The highest `source` (default: high) of the last `period` bars, this one included. */
export class Highest extends Extreme {
  constructor(period: number, source: Source = 'high') {
    super(period, source, true);
  }
}

/** The lowest `source` (default: low) of the last `period` bars, this one included. */
export class Lowest extends Extreme {
  constructor(period: number, source: Source = 'low') {
    super(period, source, false);
  }
}
