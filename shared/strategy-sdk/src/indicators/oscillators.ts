import type { StrategyBar } from '@trading/domain';
import { EMA, MACD, RSI } from 'trading-signals';

import { BaseIndicator, checkPeriod, read, type Source } from './indicator.js';

/** Relative strength index (Wilder's smoothing), 0 to 100. */
export class Rsi extends BaseIndicator<number> {
  readonly #rsi: RSI;

  constructor(
    readonly period: number,
    readonly source: Source = 'close',
  ) {
    checkPeriod('RSI', period, 2);
    // Wilder's smoothing keeps (1 − 1/period)^n of its start: after 25 periods, under 1e-10.
    super(period + 1, 25 * period, Number.NaN);
    this.#rsi = new RSI(period);
  }

  protected next(bar: StrategyBar): number | null {
    return this.#rsi.add(read(bar, this.source));
  }
}

/** The MACD line (fast EMA − slow EMA), its signal line (an EMA of it) and their difference. */
export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

const NO_MACD: MacdValue = Object.freeze({ macd: Number.NaN, signal: Number.NaN, histogram: Number.NaN });

/** Moving average convergence/divergence. */
export class Macd extends BaseIndicator<MacdValue> {
  readonly #macd: MACD;

  constructor(
    readonly fast: number,
    readonly slow: number,
    readonly signal: number,
    readonly source: Source = 'close',
  ) {
    checkPeriod('MACD fast', fast);
    checkPeriod('MACD slow', slow);
    checkPeriod('MACD signal', signal);
    super(slow + signal, 13 * (slow + signal + 2), NO_MACD);
    this.#macd = new MACD(new EMA(fast), new EMA(slow), new EMA(signal));
  }

  protected next(bar: StrategyBar): MacdValue | null {
    return this.#macd.add(read(bar, this.source));
  }
}
