import {
  brokerPrice,
  checkOrderNotional,
  evaluateRisk,
  type ExitReason,
  type FillModel,
  FLAT_STRATEGY_POSITION,
  isRegularTradingHours,
  type ProtectiveExits,
  type RiskDecision,
  type RiskLimits,
  type RiskRule,
  type Side,
  type StrategyInstance,
  type StrategyPosition,
} from '@trading/domain';
import {
  type ExchangeOrder,
  ExchangeRefusal,
  fromMicro,
  type OrderRequest,
  SimulatedExchange,
  toMicro,
  WORKING,
} from '@trading/exchange';
import { Big } from 'big.js';

import { type BacktestRun, type BacktestTrade, heldAt, type Mutable } from './backtest-engine.js';
import { asBarColumns, type BarInput, readBar } from './bar-columns.js';

/**
 * A backtest that trades like the live platform: every signal goes through the executor's risk
 * rules and sizing (position cap, buying power, cooldown, open positions, daily loss, long-only),
 * then to the simulated exchange the local Alpaca server serves (`@trading/exchange`), which fills
 * it as the paper broker does (`close`: at once at the signal bar's close, the last trade;
 * `next-open`: a market order resting until the next bar's open, capped to what the cash affords
 * then) and keeps cash and positions (the domain's ledger, exact decimals). An entry's protective
 * exits go with it as the executor sends them: a bracket (stop-loss and take-profit) or an OTO
 * (one of them), good till canceled, or a trailing stop placed once the entry fills; a strategy's
 * exit cancels them first.
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

const SYMBOL = 'BACKTEST';
const decimalOf = (n: number): string => new Big(n).round(6).toString();

/** Run `strategy` over `bars` (oldest first) through the live risk rules and the simulated exchange. */
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
  let commissions = new Big(0);
  let lastOrderAt: Date | undefined;
  let lastEquity = new Big(options.cash);
  let day: number | undefined;
  let i = 0;
  let orders = 0;
  let entry: { bar: number; ts: number; price: Big; commission: Big } | undefined;
  /** Why each market sell was sent (the strategy's exit or its holding limit), by client order id. */
  const reasons = new Map<string, ExitReason>();
  /** A trailing stop to place once the entry fills (percent). */
  let trailAfterFill: number | undefined;

  // The fills the exchange reports make the trade list, as the ledger posts them live.
  const exchange = new SimulatedExchange({
    cash: toMicro(decimalOf(options.cash)),
    fillOnArrival: options.fill === 'close',
    commission: options.commission,
    slippage: options.slippage,
    onUpdate: (_event, order, fill) => {
      if (!fill) return;
      const price = new Big(fromMicro(fill.price));
      const commission = new Big(fromMicro(fill.commission));
      commissions = commissions.plus(commission);
      const held = exchange.held(SYMBOL);
      if (order.side === 'buy' && entry === undefined) {
        entry = { bar: i, ts: bars.ts[i] ?? 0, price, commission };
      } else if (order.side === 'sell' && held === 0n && entry) {
        const qty = new Big(fromMicro(order.filled_qty));
        const exitReason = reasonOf(order);
        const pnl = price.minus(entry.price).times(qty).minus(entry.commission).minus(commission);
        trades.push({
          qty: qty.toNumber(),
          entryBar: entry.bar,
          exitBar: i,
          entryTs: entry.ts,
          exitTs: bars.ts[i] ?? 0,
          entryPrice: entry.price.toNumber(),
          exitPrice: price.toNumber(),
          pnl: pnl.toNumber(),
          returnPct: pnl.div(entry.price.times(qty)).times(100).toNumber(),
          exitReason,
        });
        entry = undefined;
      }
    },
  });
  const cash = (): Big => new Big(fromMicro(exchange.cash));
  const heldQty = (): Big => new Big(fromMicro(exchange.held(SYMBOL)));

  function reasonOf(order: ExchangeOrder): ExitReason {
    if (order.type === 'trailing_stop') return 'trailing_stop';
    if (order.parent_id !== null) return order.type === 'limit' ? 'take_profit' : 'stop_loss';
    return reasons.get(order.client_order_id) ?? 'force_exit';
  }

  function send(
    request: Omit<OrderRequest, 'client_order_id' | 'symbol'>,
    reason?: ExitReason,
  ): ExchangeOrder | undefined {
    const clientOrderId = `bt-${String(++orders)}`;
    // Known before it is sent: an order filled on arrival reports its fill from inside submit.
    if (reason) reasons.set(clientOrderId, reason);
    try {
      return exchange.submit({ ...request, client_order_id: clientOrderId, symbol: SYMBOL });
    } catch (err) {
      // The exchange refuses what the rules let through only at its edges (a sell racing a fill).
      if (!(err instanceof ExchangeRefusal)) throw err;
      return undefined;
    }
  }

  /**
   * An entry with its protective exits as the executor sends them; an exit after canceling them.
   * Decided while the market is closed: an opening-auction order, filled at the next bar's open.
   */
  function submit(
    side: Side,
    qty: string,
    exits?: ProtectiveExits,
    reason: ExitReason = 'signal',
    atOpen = false,
  ): void {
    const base = { side, type: 'market' as const, time_in_force: atOpen ? 'opg' : 'day', qty: toMicro(qty) };
    if (side === 'sell') {
      for (const o of exchange.orders)
        if (o.side === 'sell' && (WORKING.has(o.status) || o.status === 'held')) exchange.cancel(o.id);
      send(base, reason);
      return;
    }
    // Rounded as the executor rounds them for the broker (whole cents).
    const stop =
      exits?.stopPrice === undefined ? null : { stop_price: toMicro(brokerPrice(exits.stopPrice)) };
    const target =
      exits?.takeProfitPrice === undefined
        ? null
        : { limit_price: toMicro(brokerPrice(exits.takeProfitPrice)) };
    const orderClass = stop && target ? 'bracket' : stop || target ? 'oto' : 'simple';
    send({
      ...base,
      ...(orderClass === 'simple'
        ? {}
        : { order_class: orderClass, time_in_force: 'gtc', stop_loss: stop, take_profit: target }),
    });
    trailAfterFill = exits?.trailPercent;
    placeTrail();
  }

  /** The trailing stop of an entry that has filled (the broker takes it only for shares held). */
  function placeTrail(): void {
    if (trailAfterFill === undefined || exchange.held(SYMBOL) <= 0n) return;
    send({
      side: 'sell',
      type: 'trailing_stop',
      time_in_force: 'gtc',
      qty: exchange.held(SYMBOL),
      trail_percent: toMicro(decimalOf(trailAfterFill)),
    });
    trailAfterFill = undefined;
  }

  const holding: Mutable<StrategyPosition> = { ...FLAT_STRATEGY_POSITION };
  for (; i < n; i++) {
    const bar = readBar(bars, i);
    const today = Math.floor(bar.ts / 86_400_000);
    if (day !== undefined && today !== day)
      lastEquity = cash().plus(heldQty().times(decimalOf(bars.close[i - 1] ?? 0)));
    day = today;
    // The bar trades at the exchange: orders resting since the last close fill at its open.
    exchange.bar(SYMBOL, {
      open: toMicro(decimalOf(bar.open)),
      high: toMicro(decimalOf(bar.high)),
      low: toMicro(decimalOf(bar.low)),
      close: toMicro(decimalOf(bar.close)),
    });
    placeTrail();
    const shares = heldQty().toNumber();
    // Bars closed since the bar whose signal opened the position (the bar before a next-open fill).
    const sinceSignal = i - (entry?.bar ?? i) + (options.fill === 'close' ? 0 : 1);
    const avgCost = Number(exchange.positions.get(SYMBOL)?.avgCost ?? 0);
    if (shares !== 0 && entry) heldAt(holding, shares, avgCost, entry.ts, sinceSignal, bar.close);
    const signal = strategy.update(bar, shares === 0 ? FLAT_STRATEGY_POSITION : holding);
    if (signal) {
      const now = new Date(bar.ts + options.barMs);
      const price = decimalOf(bar.close);
      // The market as the broker's clock would say at the decision (regular US hours).
      const marketOpen = !options.limits.marketHoursOnly || isRegularTradingHours(now);
      exchange.marketOpen = marketOpen;
      const decision: RiskDecision =
        i < (options.tradeFrom ?? 0)
          ? { approved: false, rule: 'stale_signal', details: {} }
          : decide(signal.side, price, now, marketOpen);
      if (decision.approved) {
        decisions.push({ barTs: bar.ts, side: signal.side, qty: decision.qty });
        lastOrderAt = now;
        submit(signal.side, decision.qty, signal.exits, signal.exitReason, decision.atOpen);
      } else {
        decisions.push({ barTs: bar.ts, side: signal.side, rule: decision.rule });
      }
    }
    const held = heldQty();
    equity[i] = cash()
      .plus(held.times(decimalOf(bar.close)))
      .toNumber();
    exposed[i] = held.eq(0) ? 0 : 1;
  }
  if (n > 0 && !heldQty().eq(0)) {
    // Still open after the last bar: closed at the last close for the trade list.
    i = n - 1;
    const last = toMicro(decimalOf(bars.close[n - 1] ?? 0));
    submit('sell', fromMicro(exchange.held(SYMBOL)), undefined, 'force_exit');
    exchange.trade(SYMBOL, last);
    equity[n - 1] = cash().toNumber();
  }
  return { equity, exposed, trades, commissions: commissions.toNumber(), decisions };

  function decide(side: Side, price: string, now: Date, marketOpen: boolean): RiskDecision {
    const held = heldQty();
    const money = cash();
    // The account as the paper broker reports it: buying power is the cash, never below 0.
    const decision = evaluateRisk(
      {
        symbol: SYMBOL,
        side,
        price,
        source: 'signal',
        buyingPower: money.gt(0) ? money.toString() : '0',
        equity: money.plus(held.times(price)).toString(),
        lastEquity: lastEquity.toString(),
        heldQty: fromMicro(exchange.held(SYMBOL)),
        openPositions: held.eq(0) ? 0 : 1,
        lastOrderAt,
        marketOpen,
        now,
      },
      options.limits,
    );
    if (!decision.approved) return decision;
    return checkOrderNotional({ side, qty: decision.qty, price }, options.limits) ?? decision;
  }
}
