import type { Decimal } from '../decimal.js';
import type { Candle } from './candle.js';
import { isBarClosed, type Timeframe, timeframeMs } from './timeframe.js';

/** Decimal places of the price and volume columns (numeric(18,6), numeric(20,6)). */
export const PRICE_SCALE = 6;
/** Largest price and volume the columns hold (12 and 14 integer digits). */
const MAX_PRICE = 1e12;
const MAX_VOLUME = 1e14;

/** Why a bar was refused. */
export type BarProblem =
  | 'bad_timestamp'
  | 'future'
  | 'non_finite'
  | 'non_positive_price'
  | 'out_of_range'
  | 'inconsistent_range'
  | 'negative_volume'
  | 'duplicate';

/** A bar's values as numbers, whatever they came as. */
export interface BarValues {
  ts: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** One bar as a provider sends it: numbers straight from its JSON. */
export interface ProviderBar extends BarValues {
  symbol: string;
  tradeCount: number | null;
  vwap: number | null;
}

/**
 * What is wrong with a bar, or undefined when it can be stored and traded on: finite prices > 0
 * that a price column holds, low ≤ open, close ≤ high, volume ≥ 0, and a start that is not in the
 * future (a bar starts before `now`; `now` undefined skips that check). The one rule set for bars
 * from REST, from the stream and in `candle.closed` events.
 */
export function barProblem(bar: BarValues, now?: Date): BarProblem | undefined {
  const t = bar.ts.getTime();
  if (!Number.isFinite(t)) return 'bad_timestamp';
  if (now !== undefined && t > now.getTime()) return 'future';
  const prices = [bar.open, bar.high, bar.low, bar.close];
  if (![...prices, bar.volume].every(Number.isFinite)) return 'non_finite';
  // Below the columns' smallest step a price would be stored as 0.
  if (prices.some((p) => p < 10 ** -PRICE_SCALE)) return 'non_positive_price';
  if (prices.some((p) => p >= MAX_PRICE) || bar.volume >= MAX_VOLUME) return 'out_of_range';
  if (bar.low > Math.min(bar.open, bar.close) || bar.high < Math.max(bar.open, bar.close)) {
    return 'inconsistent_range';
  }
  if (bar.volume < 0) return 'negative_volume';
  return undefined;
}

/** A finite number as exact decimal text rounded to `scale` places, without trailing zeros. */
export function roundDecimal(value: number, scale = PRICE_SCALE): Decimal {
  const fixed = value.toFixed(scale);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** A bar ready to store: prices as decimals at the columns' scale (a candle but for its timeframe). */
export type ScreenedBar = Required<Omit<Candle, 'timeframe'>>;

/** What {@link screenBars} made of a batch. */
export interface Screened {
  /** Closed, valid bars, oldest first, one per timestamp. */
  bars: ScreenedBar[];
  /** Bars refused, each with its problem. */
  refused: { ts: Date; problem: BarProblem }[];
  /** Bars still forming (their interval has not ended): neither stored nor refused; fetched again later. */
  forming: number;
}

/**
 * Screen one symbol's batch from a provider: refuse bad bars (see {@link barProblem}), keep one bar
 * per timestamp (the last sent: a provider's correction), hold back bars whose interval has not
 * closed (their prices are not final), and round prices to the columns' scale. Pure.
 */
export function screenBars(bars: readonly ProviderBar[], timeframe: Timeframe, now: Date): Screened {
  const refused: Screened['refused'] = [];
  const byTs = new Map<number, ProviderBar>();
  let forming = 0;
  // A bar may start at most one interval ahead of `now` and still be "forming" by clock skew.
  const horizon = new Date(now.getTime() + timeframeMs(timeframe));
  for (const bar of bars) {
    const problem = barProblem(bar, horizon);
    if (problem) {
      refused.push({ ts: bar.ts, problem });
      continue;
    }
    if (!isBarClosed(bar.ts, timeframe, now)) {
      forming++;
      continue;
    }
    const key = bar.ts.getTime();
    if (byTs.has(key)) refused.push({ ts: bar.ts, problem: 'duplicate' });
    byTs.set(key, bar);
  }
  const screened = [...byTs.values()]
    .sort((a, b) => a.ts.getTime() - b.ts.getTime())
    .map((b) => ({
      symbol: b.symbol,
      ts: b.ts,
      open: roundDecimal(b.open),
      high: roundDecimal(b.high),
      low: roundDecimal(b.low),
      close: roundDecimal(b.close),
      volume: roundDecimal(b.volume),
      vwap:
        b.vwap !== null && Number.isFinite(b.vwap) && b.vwap > 0 && b.vwap < MAX_PRICE
          ? roundDecimal(b.vwap)
          : null,
      tradeCount:
        b.tradeCount !== null && Number.isSafeInteger(b.tradeCount) && b.tradeCount >= 0
          ? b.tradeCount
          : null,
    }));
  return { bars: screened, refused, forming };
}
