import type { StrategyBar } from '@trading/domain';
import { ATR, BollingerBands } from 'trading-signals';

import { BaseIndicator, checkPeriod, read, type Source } from './indicator.js';

/** Bollinger bands: the SMA (`middle`) ± `deviations` standard deviations. */
export interface BandsValue {
  lower: number;
  middle: number;
  upper: number;
}

const NO_BANDS: BandsValue = Object.freeze({ lower: Number.NaN, middle: Number.NaN, upper: Number.NaN });

/** Bollinger bands over the last `period` values. */
export class Bollinger extends BaseIndicator<BandsValue> {
  readonly #bands: BollingerBands;

  constructor(
    readonly period: number,
    readonly deviations = 2,
    readonly source: Source = 'close',
  ) {
    checkPeriod('Bollinger', period, 2);
    super(period, period, NO_BANDS);
    this.#bands = new BollingerBands(period, deviations);
  }

  protected next(bar: StrategyBar): BandsValue | null {
    return this.#bands.add(read(bar, this.source));
  }
}

/** Average true range (Wilder's smoothing): how far a bar typically moves, in price. */
export class Atr extends BaseIndicator<number> {
  readonly #atr: ATR;

  constructor(readonly period: number) {
    checkPeriod('ATR', period);
    super(period + 1, 25 * period, Number.NaN);
    this.#atr = new ATR(period);
  }

  protected next(bar: StrategyBar): number | null {
    return this.#atr.add(bar);
  }
}
