import type { ProviderBar } from '@trading/domain';

/** One bar as Alpaca sends it; screened (validated, rounded) by the caller before it is stored. */
export type Bar = ProviderBar;

/** A bar as it came: any field may be missing or of the wrong type; screening refuses such a bar alone. */
export type RawBar = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/**
 * A bar of Alpaca's wire format (REST and stream alike: `t o h l c v n vw`) as numbers, unchecked.
 * Anything that is not an object becomes a bar of NaNs, which screening refuses alone.
 */
export function toBar(symbol: string, value: unknown): Bar {
  const raw: RawBar =
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as RawBar) : {};
  return {
    symbol,
    ts: new Date(typeof raw.t === 'string' ? raw.t : Number.NaN),
    open: num(raw.o),
    high: num(raw.h),
    low: num(raw.l),
    close: num(raw.c),
    volume: num(raw.v),
    tradeCount: typeof raw.n === 'number' ? raw.n : null,
    vwap: typeof raw.vw === 'number' ? raw.vw : null,
  };
}
