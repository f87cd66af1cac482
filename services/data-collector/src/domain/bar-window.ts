import { type Candle, type ScreenedBar, type Timeframe, timeframeMs } from '@trading/domain';

/** The length of a bar, in seconds. */
export function barSeconds(timeframe: Timeframe): number {
  return timeframeMs(timeframe) / 1000;
}

/**
 * Where the next fetch starts: just after the newest stored bar (so an outage is backfilled by the
 * next poll), or `backfillDays` back for a symbol with no history. Only closed bars are stored, so
 * the bar after the newest stored one is the first whose prices may still have been unknown.
 */
export function fetchStart(latestStored: Date | undefined, backfillDays: number, now: Date): Date {
  return latestStored
    ? new Date(latestStored.getTime() + 1)
    : new Date(now.getTime() - backfillDays * 86_400_000);
}

/** A screened provider bar as a candle row. */
export function toCandle(bar: ScreenedBar, timeframe: Timeframe): Candle {
  return {
    symbol: bar.symbol,
    timeframe,
    ts: bar.ts,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    vwap: bar.vwap,
    tradeCount: bar.tradeCount,
  };
}
