import type { StrategyBar } from '@trading/domain';
import { EMA } from 'trading-signals';

import { BaseIndicator, checkPeriod, read, type Source } from './indicator.js';
import { RollingMean } from './rolling-mean.js';

/** Simple moving average of the last `period` values: exact (see {@link RollingMean}). */
export class Sma extends BaseIndicator<number> {
  readonly #mean: RollingMean;

  constructor(
    readonly period: number,
    readonly source: Source = 'close',
  ) {
    checkPeriod('SMA', period);
    super(period, period, Number.NaN);
    this.#mean = new RollingMean(period);
  }

  protected next(bar: StrategyBar): number {
    return this.#mean.add(read(bar, this.source));
  }
}

/** Exponential moving average (smoothing 2 / (period + 1)), a number once it has `period` values. */
export class Ema extends BaseIndicator<number> {
  readonly #ema: EMA;

  constructor(
    readonly period: number,
    readonly source: Source = 'close',
  ) {
    checkPeriod('EMA', period);
    // An EMA keeps (1 − 2/(n + 1))^k of its start: after 13 (n + 1) bars, under 1e-11.
    super(period, 13 * (period + 1), Number.NaN);
    this.#ema = new EMA(period);
  }

  protected next(bar: StrategyBar): number | null {
    const value = this.#ema.add(read(bar, this.source));
    return this.#ema.isStable ? value : null;
  }
}
