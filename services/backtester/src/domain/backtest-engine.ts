import {
  type ExitReason,
  type FillModel,
  fillPrice,
  FLAT_STRATEGY_POSITION,
  type ProtectiveExits,
  type Side,
  type StrategyInstance,
  type StrategyPosition,
} from '@trading/domain';

import { asBarColumns, type BarInput, emptyBar, readBar } from './bar-columns.js';

/**
 * The execution model of a backtest, explicit:
 * - signals are decided on a bar's close; a market order fills at the NEXT bar's open (`next-open`,
 *   default) or at the same bar's close (`close`);
 * - `slippage` moves every fill against the trader by that fraction of the price;
 * - `commission` is a rate of traded value, charged on entry and on exit;
 * - long-only by default; with `allowShort`, an opposite signal closes the position and reverses it;
 * - sizing: all available equity in whole shares (`all`, default), a fraction of equity (`fraction`),
 *   or a fixed number of shares (`fixed`);
 * - an entry's protective exits (see `ProtectiveExits`) work from its fill, as backtesting.py's `sl=`
 *   and `tp=` orders do: checked at each bar after the orders that fill at its open, the stop first
 *   (a stop-loss or a trailing stop at its level from earlier highs: at the open when the bar gaps
 *   through it, else at the stop), then the take-profit (at the open when gapped above, else at the
 *   target); an entry filled at the open is checked on the rest of its bar;
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
  /** What closed it: the strategy, a protective exit, its holding limit, or the end of the data. */
  exitReason: ExitReason;
  /** Its protective stop-loss and take-profit, when it had them. */
  stopPrice?: number;
  takeProfitPrice?: number;
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

/**
 * Run `strategy` over `bars` (oldest first) under `model`. Pure and deterministic. The loop reads
 * the columns into one reused bar object, so a run allocates nothing per bar but its trades.
 */
export function runBacktest(
  input: BarInput,
  strategy: StrategyInstance,
  model: ExecutionModel = DEFAULT_MODEL,
): BacktestRun {
  const bars = asBarColumns(input);
  const n = bars.length;
  const { ts, close: closes } = bars;
  const equity = new Float64Array(n);
  const exposed = new Uint8Array(n);
  const trades: BacktestTrade[] = [];
  const bar = emptyBar();
  let { cash } = model;
  let qty = 0;
  let entryBar = 0;
  let entryPrice = 0;
  let entryCommission = 0;
  let pending: { side: Side; exits?: ProtectiveExits; reason: ExitReason } | undefined;
  let commissions = 0;
  // The open position's protective exits (NaN: none) and the best price since its fill.
  let stop = Number.NaN;
  let target = Number.NaN;
  let trailPct = Number.NaN;
  let best = Number.NaN;

  function close(i: number, raw: number, reason: ExitReason): void {
    const price = fillPrice(raw, qty > 0 ? 'sell' : 'buy', model);
    const commission = Math.abs(qty) * price * model.commission;
    commissions += commission;
    cash += qty * price - commission;
    const pnl = qty * (price - entryPrice) - entryCommission - commission;
    trades.push({
      qty,
      entryBar,
      exitBar: i,
      entryTs: ts[entryBar] ?? 0,
      exitTs: ts[i] ?? 0,
      entryPrice,
      exitPrice: price,
      pnl,
      returnPct: (pnl / Math.abs(qty * entryPrice)) * 100,
      exitReason: reason,
      ...(Number.isNaN(stop) ? {} : { stopPrice: stop }),
      ...(Number.isNaN(target) ? {} : { takeProfitPrice: target }),
    });
    qty = 0;
  }

  function open(i: number, raw: number, side: Side, exits?: ProtectiveExits): void {
    const price = fillPrice(raw, side, model);
    let size: number;
    if (model.sizing.mode === 'fixed') size = model.sizing.qty;
    else {
      const budget = model.sizing.mode === 'fraction' ? cash * model.sizing.fraction : cash;
      size = Math.floor(budget / (price * (1 + model.commission)));
    }
    if (size < 1) return;
    const commission = size * price * model.commission;
    commissions += commission;
    qty = side === 'buy' ? size : -size;
    cash -= qty * price + commission;
    entryBar = i;
    entryPrice = price;
    entryCommission = commission;
    const protect = side === 'buy' ? exits : undefined;
    stop = protect?.stopPrice ?? Number.NaN;
    target = protect?.takeProfitPrice ?? Number.NaN;
    trailPct = protect?.trailPercent ?? Number.NaN;
    best = raw;
  }

  function act(
    i: number,
    side: Side,
    price: number,
    exits?: ProtectiveExits,
    reason: ExitReason = 'signal',
  ): void {
    if (side === 'buy') {
      if (qty > 0) return;
      if (qty < 0) close(i, price, reason);
      open(i, price, 'buy', exits);
    } else {
      if (qty < 0) return;
      if (qty > 0) close(i, price, reason);
      if (model.allowShort) open(i, price, 'sell');
    }
  }

  /** A long's protective exits on bar i: stops first (the adverse case), then the target. */
  function protect(i: number, o: number, h: number, l: number): void {
    if (qty <= 0) return;
    const trail = Number.isNaN(trailPct) ? Number.NaN : best * (1 - trailPct / 100);
    if (l <= stop) close(i, Math.min(o, stop), 'stop_loss');
    else if (l <= trail) close(i, Math.min(o, trail), 'trailing_stop');
    else if (h >= target) close(i, Math.max(o, target), 'take_profit');
  }

  const fillAtClose = model.fill === 'close';
  // One object, updated in place: what the strategy holds as each bar closes.
  const position: Mutable<StrategyPosition> = { ...FLAT_STRATEGY_POSITION };
  for (let i = 0; i < n; i++) {
    readBar(bars, i, bar);
    // What the last close decided fills at the open; the position's exits then work on the rest of
    // the bar (an entry made at this open included), as backtesting.py orders them.
    if (pending) {
      act(i, pending.side, bar.open, pending.exits, pending.reason);
      pending = undefined;
    }
    protect(i, bar.open, bar.high, bar.low);
    if (qty > 0 && bar.high > best) best = bar.high;
    // Bars closed since the bar whose signal opened the position (the bar before a next-open fill).
    if (qty !== 0)
      heldAt(position, qty, entryPrice, ts[entryBar] ?? 0, i - entryBar + (fillAtClose ? 0 : 1), bar.close);
    const signal = strategy.update(bar, qty === 0 ? FLAT_STRATEGY_POSITION : position);
    if (signal) {
      const reason = signal.exitReason ?? 'signal';
      if (fillAtClose) act(i, signal.side, bar.close, signal.exits, reason);
      else pending = { side: signal.side, exits: signal.exits, reason };
    }
    const value = cash + qty * bar.close;
    equity[i] = value;
    exposed[i] = qty === 0 ? 0 : 1;
    if (value <= 0) {
      // Bankrupt (a short run against it): liquidate at this close and stop, equity 0 from here on,
      // as backtesting.py does; a run never trades on negative equity.
      if (qty !== 0) close(i, bar.close, 'force_exit');
      equity.fill(0, i);
      return { equity, exposed, trades, commissions };
    }
  }
  if (qty !== 0 && n > 0) {
    close(n - 1, closes[n - 1] ?? 0, 'force_exit');
    equity[n - 1] = cash;
  }
  return { equity, exposed, trades, commissions };
}

/** A value type with its fields writable (the engines reuse one position object per run). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Fill `position` with a held position at this bar's close. */
export function heldAt(
  position: Mutable<StrategyPosition>,
  qty: number,
  entryPrice: number,
  entryTs: number,
  barsHeld: number,
  close: number,
): void {
  position.qty = qty;
  position.entryPrice = entryPrice;
  position.entryTs = entryTs;
  position.barsHeld = barsHeld;
  position.unrealisedPnl = qty * (close - entryPrice);
  position.unrealisedReturn = position.unrealisedPnl / Math.abs(qty * entryPrice);
}
