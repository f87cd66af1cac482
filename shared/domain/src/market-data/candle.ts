import type { Decimal } from '../decimal.js';

/** One OHLCV bar as stored. */
export interface Candle {
  symbol: string;
  timeframe: string;
  ts: Date;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
  vwap?: Decimal | null;
  tradeCount?: number | null;
}
