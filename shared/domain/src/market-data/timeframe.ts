/** The bar sizes the collector polls and backtests run on: up to a day. */
export const COLLECTED_TIMEFRAMES = ['1Min', '5Min', '15Min', '30Min', '1Hour', '4Hour', '1Day'] as const;

/** Every bar size the platform knows (Alpaca's), shortest first. */
export const BAR_TIMEFRAMES = [...COLLECTED_TIMEFRAMES, '1Week', '1Month'] as const;

/** A bar size. */
export type Timeframe = (typeof BAR_TIMEFRAMES)[number];

const MINUTE = 60_000;
const DURATION_MS: Record<Timeframe, number> = {
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

/** The length of one bar (ms); a month counts 31 days, so a month bar is never taken as closed early. */
export function timeframeMs(timeframe: Timeframe): number {
  return DURATION_MS[timeframe];
}

/** Whether the bar that starts at `ts` has ended by `now`: only then are its prices final. */
export function isBarClosed(ts: Date, timeframe: Timeframe, now: Date): boolean {
  return ts.getTime() + DURATION_MS[timeframe] <= now.getTime();
}
