import type { Bar, Candle, Timeframe } from '@trading/shared';

const MINUTE = 60_000;
const DURATION: Record<Timeframe, number> = {
  '1Min': MINUTE,
  '5Min': 5 * MINUTE,
  '15Min': 15 * MINUTE,
  '30Min': 30 * MINUTE,
  '1Hour': 60 * MINUTE,
  '4Hour': 240 * MINUTE,
  '1Day': 1440 * MINUTE,
  '1Week': 7 * 1440 * MINUTE,
  '1Month': 31 * 1440 * MINUTE,
};

/** The length of a bar, in seconds. */
export function barSeconds(timeframe: Timeframe): number {
  return DURATION[timeframe] / 1000;
}

/**
 * Where the next fetch starts: just after the newest stored bar (so an outage is backfilled by the
 * next poll), or `backfillDays` back for a symbol with no history.
 */
export function fetchStart(latestStored: Date | undefined, backfillDays: number, now: Date): Date {
  return latestStored
    ? new Date(latestStored.getTime() + 1)
    : new Date(now.getTime() - backfillDays * 86_400_000);
}

/** A bar is complete once its period has ended; an in-progress bar is stored but not published. */
export function isClosed(ts: Date, timeframe: Timeframe, now: Date): boolean {
  return ts.getTime() + DURATION[timeframe] <= now.getTime();
}

/** A provider bar as a candle row. */
export function toCandle(bar: Bar, timeframe: Timeframe): Candle {
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
