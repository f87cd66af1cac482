import {
  applyEntry,
  checkOrderNotional,
  evaluateRisk,
  type FillModel,
  fillPrice,
  FLAT,
  FLAT_STRATEGY_POSITION,
  type RiskDecision,
  type RiskLimits,
  type RiskRule,
  type Side,
  type StrategyInstance,
  type StrategyPosition,
} from '@trading/domain';
import { Big } from 'big.js';

import { type BacktestRun, type BacktestTrade, heldAt, type Mutable } from './backtest-engine.js';
import { asBarColumns, type BarInput, readBar } from './bar-columns.js';

/**
 * A backtest that trades like the live platform: every signal goes through the executor's risk
 * rules and sizing (position cap, buying power, cooldown, open positions, daily loss, long-only),
 * then the fill model (`close`: at once at the signal bar's close, as the paper broker fills a
 * market order at its last trade; `next-open`: at the next bar's open, capped to what the cash
 * affords then), then the ledger (positions and P&L folded from fills, exact decimals).
 */
export interface LiveExecutionOptions extends FillModel {
  cash: number;
  limits: RiskLimits;
  /** One bar's length (ms): a signal is decided when its bar closes. */
  barMs: number;
  /** Bars before this index are history: their signals are refused as stale, as live. */
  tradeFrom?: number;
}

/** What the risk rules said about one signal. */
export interface LiveDecision {
  barTs: number;
  side: Side;
  /** The order's quantity when approved; the refusing rule otherwise. */
  qty?: string;
  rule?: RiskRule;
}

/** A live-execution run: the all-in run's shape (for the same statistics) and every decision. */
export interface LiveRun extends BacktestRun {
  decisions: LiveDecision[];
}

const decimalOf = (n: number): string => new Big(n).round(6).toString();

/** Run `strategy` over `bars` (oldest first) through the live risk rules, fill model and ledger. */
export function runLiveBacktest(
  input: BarInput,
  strategy: StrategyInstance,
  options: LiveExecutionOptions,
): LiveRun {
  const bars = asBarColumns(input);
  const n = bars.length;
  const equity = new Float64Array(n);
  const exposed = new Uint8Array(n);
  const trades: BacktestTrade[] = [];
  const decisions: LiveDecision[] = [];
  let cash = new Big(options.cash);
  let commissions = new Big(0);
  let position = FLAT;
  let lastOrderAt: Date | undefined;
  let lastEquity = cash;
  let day: number | undefined;
  let pending: { side: Side; qty: string } | undefined;
  let entry: { bar: number; ts: number; price: Big; commission: Big } | undefined;

  function execute(i: number, side: Side, wanted: string, rawPrice: number): void {
    const barTs = bars.ts[i] ?? 0;
    const price = new Big(decimalOf(fillPrice(rawPrice, side, options)));
    let qty = new Big(wanted);
    if (side === 'buy') {
      // A gap up since the decision: buy what the cash affords at the fill (the broker would refuse more).
      const affordable = cash.div(price.times(1 + options.commission)).round(0, Big.roundDown);
      if (affordable.lt(qty)) qty = affordable;
    }
    if (qty.lt(1)) return;
    const commission = qty.times(price).times(options.commission).round(6);
    commissions = commissions.plus(commission);
    cash =
      side === 'buy'
        ? cash.minus(qty.times(price)).minus(commission)
        : cash.plus(qty.times(price)).minus(commission);
    const before = new Big(position.qty);
    position = applyEntry(position, { kind: 'fill', side, qty: qty.toString(), price: price.toString() });
    if (before.eq(0)) entry = { bar: i, ts: barTs, price, commission };
    else if (new Big(position.qty).eq(0) && entry) {
      const held = before.abs();
      const pnl = price.minus(entry.price).times(held).minus(entry.commission).minus(commission);
      trades.push({
        qty: held.toNumber(),
        entryBar: entry.bar,
        exitBar: i,
        entryTs: entry.ts,
        exitTs: barTs,
        entryPrice: entry.price.toNumber(),
        exitPrice: price.toNumber(),
        pnl: pnl.toNumber(),
        returnPct: pnl.div(entry.price.times(held)).times(100).toNumber(),
      });
      entry = undefined;
    }
  }

  const holding: Mutable<StrategyPosition> = { ...FLAT_STRATEGY_POSITION };
  for (let i = 0; i < n; i++) {
    const bar = readBar(bars, i);
    const today = Math.floor(bar.ts / 86_400_000);
    if (day !== undefined && today !== day)
      lastEquity = cash.plus(new Big(position.qty).times(decimalOf(bars.close[i - 1] ?? 0)));
    day = today;
    if (pending) {
      execute(i, pending.side, pending.qty, bar.open);
      pending = undefined;
    }
    const shares = Number(position.qty);
    // Bars closed since the bar whose signal opened the position (the bar before a next-open fill).
    const sinceSignal = i - (entry?.bar ?? i) + (options.fill === 'close' ? 0 : 1);
    if (shares !== 0 && entry)
      heldAt(holding, shares, Number(position.avgCost), entry.ts, sinceSignal, bar.close);
    const signal = strategy.update(bar, shares === 0 ? FLAT_STRATEGY_POSITION : holding);
    if (signal) {
      const now = new Date(bar.ts + options.barMs);
      const price = decimalOf(bar.close);
      const decision: RiskDecision =
        i < (options.tradeFrom ?? 0)
          ? { approved: false, rule: 'stale_signal', details: {} }
          : decide(signal.side, price, now);
      if (decision.approved) {
        decisions.push({ barTs: bar.ts, side: signal.side, qty: decision.qty });
        lastOrderAt = now;
        if (options.fill === 'close') execute(i, signal.side, decision.qty, bar.close);
        else pending = { side: signal.side, qty: decision.qty };
      } else {
        decisions.push({ barTs: bar.ts, side: signal.side, rule: decision.rule });
      }
    }
    const held = new Big(position.qty);
    equity[i] = cash.plus(held.times(decimalOf(bar.close))).toNumber();
    exposed[i] = held.eq(0) ? 0 : 1;
  }
  if (n > 0 && !new Big(position.qty).eq(0)) {
    execute(n - 1, 'sell', position.qty, bars.close[n - 1] ?? 0);
    equity[n - 1] = cash.toNumber();
  }
  return { equity, exposed, trades, commissions: commissions.toNumber(), decisions };

  function decide(side: Side, price: string, now: Date): RiskDecision {
    const held = new Big(position.qty);
    // The account as the paper broker reports it: buying power is the cash, never below 0.
    const decision = evaluateRisk(
      {
        symbol: 'BACKTEST',
        side,
        price,
        source: 'signal',
        buyingPower: cash.gt(0) ? cash.toString() : '0',
        equity: cash.plus(held.times(price)).toString(),
        lastEquity: lastEquity.toString(),
        heldQty: position.qty,
        openPositions: held.eq(0) ? 0 : 1,
        lastOrderAt,
        marketOpen: true,
        now,
      },
      options.limits,
    );
    if (!decision.approved) return decision;
    return checkOrderNotional({ side, qty: decision.qty, price }, options.limits) ?? decision;
  }
}
