import {
  type FillModel,
  fillPrice,
  type Side,
  type StrategyBar,
  type StrategyInstance,
} from '@trading/domain';

/**
 * The execution model of a backtest, explicit:
 * - signals are decided on a bar's close; a market order fills at the NEXT bar's open (`next-open`,
 *   default) or at the same bar's close (`close`);
 * - `slippage` moves every fill against the trader by that fraction of the price;
 * - `commission` is a rate of traded value, charged on entry and on exit;
 * - long-only by default; with `allowShort`, an opposite signal closes the position and reverses it;
 * - sizing: all available equity in whole shares (`all`, default), a fraction of equity (`fraction`),
 *   or a fixed number of shares (`fixed`);
 * - a position still open after the last bar is closed at the last close for the trade list;
 * - equity at or below 0 liquidates the position and ends the run (equity 0 from there on).
 */
export interface ExecutionModel extends FillModel {
  cash: number;
  allowShort: boolean;
  sizing: { mode: 'all' } | { mode: 'fraction'; fraction: number } | { mode: 'fixed'; qty: number };
}

export const DEFAULT_MODEL: ExecutionModel = {
  cash: 10_000,
  commission: 0,
  slippage: 0,
  fill: 'next-open',
  allowShort: false,
  sizing: { mode: 'all' },
};

/** One round trip. */
export interface BacktestTrade {
  /** Positive long, negative short. */
  qty: number;
  entryBar: number;
  exitBar: number;
  entryTs: number;
  exitTs: number;
  entryPrice: number;
  exitPrice: number;
  /** Profit after both commissions. */
  pnl: number;
  /** pnl relative to the entry value. */
  returnPct: number;
}

/** What a run produces; statistics are computed from it. */
export interface BacktestRun {
  /** Equity at each bar's close. */
  equity: Float64Array;
  /** 1 where a position was held at the bar's close. */
  exposed: Uint8Array;
  trades: BacktestTrade[];
  /** Every commission paid. */
  commissions: number;
}

/** Run `strategy` over `bars` (oldest first) under `model`. Pure and deterministic. */
export function runBacktest(
  bars: readonly StrategyBar[],
  strategy: StrategyInstance,
  model: ExecutionModel = DEFAULT_MODEL,
): BacktestRun {
  const n = bars.length;
  const equity = new Float64Array(n);
  const exposed = new Uint8Array(n);
  const trades: BacktestTrade[] = [];
  let { cash } = model;
  let qty = 0;
  let entry = { bar: 0, ts: 0, price: 0, commission: 0 };
  let pending: Side | undefined;
  let commissions = 0;

  function close(i: number, raw: number): void {
    const side = qty > 0 ? 'sell' : 'buy';
    const price = fillPrice(raw, side, model);
    const commission = Math.abs(qty) * price * model.commission;
    commissions += commission;
    cash += qty * price - commission;
    const pnl = qty * (price - entry.price) - entry.commission - commission;
    trades.push({
      qty,
      entryBar: entry.bar,
      exitBar: i,
      entryTs: entry.ts,
      exitTs: bars[i]?.ts ?? entry.ts,
      entryPrice: entry.price,
      exitPrice: price,
      pnl,
      returnPct: (pnl / Math.abs(qty * entry.price)) * 100,
    });
    qty = 0;
  }

  function open(i: number, raw: number, side: Side): void {
    const price = fillPrice(raw, side, model);
    const equityNow = cash;
    let size: number;
    if (model.sizing.mode === 'fixed') size = model.sizing.qty;
    else {
      const budget = model.sizing.mode === 'fraction' ? equityNow * model.sizing.fraction : equityNow;
      size = Math.floor(budget / (price * (1 + model.commission)));
    }
    if (size < 1) return;
    const commission = size * price * model.commission;
    commissions += commission;
    qty = side === 'buy' ? size : -size;
    cash -= qty * price + commission;
    entry = { bar: i, ts: bars[i]?.ts ?? 0, price, commission };
  }

  function act(i: number, side: Side, price: number): void {
    if (side === 'buy') {
      if (qty > 0) return;
      if (qty < 0) close(i, price);
      open(i, price, 'buy');
    } else {
      if (qty < 0) return;
      if (qty > 0) close(i, price);
      if (model.allowShort) open(i, price, 'sell');
    }
  }

  for (let i = 0; i < n; i++) {
    const bar = bars[i];
    if (!bar) continue;
    if (pending) {
      act(i, pending, bar.open);
      pending = undefined;
    }
    const signal = strategy.update(bar);
    if (signal) {
      if (model.fill === 'close') act(i, signal.side, bar.close);
      else pending = signal.side;
    }
    const value = cash + qty * bar.close;
    equity[i] = value;
    exposed[i] = qty === 0 ? 0 : 1;
    if (value <= 0) {
      // Bankrupt (a short run against it): liquidate at this close and stop, equity 0 from here on,
      // as backtesting.py does; a run never trades on negative equity.
      if (qty !== 0) close(i, bar.close);
      equity.fill(0, i);
      return { equity, exposed, trades, commissions };
    }
  }
  const last = bars[n - 1];
  if (qty !== 0 && last) {
    close(n - 1, last.close);
    equity[n - 1] = cash;
  }
  return { equity, exposed, trades, commissions };
}
