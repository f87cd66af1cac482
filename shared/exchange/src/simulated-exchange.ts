import { randomUUID } from 'node:crypto';

import { applyEntry, FLAT, type PositionState } from '@trading/domain';
import { Big } from 'big.js';

import { fillPrice, matchRank, type PriceBar, trail } from './bar-matching.js';
import { type ExchangeOrder, ExchangeRefusal, type OrderRequest, WORKING } from './exchange-order.js';
import { fromMicro, mulMicro, toMicro } from './fixed-point.js';
import { checkOrderRequest } from './order-rules.js';

/** What happened to an order, as Alpaca's `trade_updates` names it. */
export type ExchangeEvent = 'new' | 'fill' | 'partial_fill' | 'canceled';

/** Options of {@link SimulatedExchange}. */
export interface ExchangeOptions {
  cash: bigint;
  /** Fill a marketable order on arrival at the last trade (the paper broker); else only on trades and bars. */
  fillOnArrival?: boolean;
  /** Commission, a fraction of each fill's value (0 at Alpaca; a backtest may model one). */
  commission?: number;
  /** Each fill's price moved against the trader by this fraction (a backtest's slippage). */
  slippage?: number;
  /** The exchange's clock (ISO 8601). */
  now?: () => string;
  /** Told of every change, after it is made. */
  onUpdate?: (event: ExchangeEvent, order: ExchangeOrder, fill?: ExchangeFill) => void;
}

/** One fill: shares, price (slippage included) and the commission charged. */
export interface ExchangeFill {
  qty: bigint;
  price: bigint;
  commission: bigint;
}

/** The paper account as saved: cash and positions in micro-units, every order. */
export interface ExchangeState {
  cash: bigint;
  positions: Map<string, PositionState>;
  orders: ExchangeOrder[];
}

/**
 * One simulated exchange: a paper account (cash and positions, kept by the domain's ledger) and
 * its order matching, pure (no I/O, no timers). The local Alpaca server serves it over HTTP and
 * WebSockets; `--execution live` backtests drive it bar by bar; so both fill alike by construction.
 * Orders fill on `trade` (one price) and `bar` (open, high, low, close) by the rules of
 * {@link fillPrice}; market orders first, then stops, then limits, so when a bracket's stop-loss
 * and take-profit both touch within a bar the loss is taken (as backtesting.py does). A bracket's
 * legs wait (`held`) until its entry fills; an entry filled at the open has its legs matched on the
 * rest of that same bar. A leg's fill cancels its sibling.
 */
export class SimulatedExchange {
  cash: bigint;
  readonly positions: Map<string, PositionState>;
  readonly orders: ExchangeOrder[];
  readonly #byId = new Map<string, ExchangeOrder>();
  readonly #byClientId = new Map<string, ExchangeOrder>();
  readonly prices = new Map<string, bigint>();
  marketOpen = true;
  readonly #options: ExchangeOptions;

  constructor(options: ExchangeOptions, state?: ExchangeState) {
    this.#options = options;
    this.cash = state?.cash ?? options.cash;
    this.positions = state?.positions ?? new Map<string, PositionState>();
    this.orders = state?.orders ?? [];
    for (const o of this.orders) {
      this.#byId.set(o.id, o);
      this.#byClientId.set(o.client_order_id, o);
    }
  }

  get(id: string): ExchangeOrder | undefined {
    return this.#byId.get(id);
  }

  byClientOrderId(clientOrderId: string): ExchangeOrder | undefined {
    return this.#byClientId.get(clientOrderId);
  }

  /** Shares held in `symbol` (negative short); 0 when flat. */
  held(symbol: string): bigint {
    const p = this.positions.get(symbol);
    return p ? toMicro(p.qty) : 0n;
  }

  /**
   * Take an order: Alpaca's rules ({@link checkOrderRequest}), a unique client_order_id, buying
   * power for a buy and the shares not already promised to other sells for a sell of a long.
   * @throws ExchangeRefusal (422 for the request, 403 for money or shares), as Alpaca answers.
   */
  submit(req: OrderRequest): ExchangeOrder {
    if (this.#byClientId.has(req.client_order_id))
      throw new ExchangeRefusal(422, 'client_order_id must be unique');
    if (req.qty <= 0n) throw new ExchangeRefusal(422, 'qty must be > 0');
    const last = this.prices.get(req.symbol);
    checkOrderRequest(req, last);
    const reference = req.limit_price ?? req.stop_price ?? last;
    if (req.side === 'buy' && reference !== undefined && mulMicro(req.qty, reference) > this.cash)
      throw new ExchangeRefusal(403, 'insufficient buying power');
    const held = this.held(req.symbol);
    if (req.side === 'sell' && held > 0n) {
      const available = held - this.#promised(req.symbol);
      if (req.qty > available)
        throw new ExchangeRefusal(
          403,
          `insufficient qty available for order (requested: ${fromMicro(req.qty)}, available: ${fromMicro(available < 0n ? 0n : available)})`,
        );
    }
    const orderClass = req.order_class ?? 'simple';
    const entry = this.#make(req, {
      type: req.type,
      limit_price: req.limit_price ?? (orderClass === 'oco' ? (req.take_profit?.limit_price ?? null) : null),
      stop_price: req.stop_price ?? null,
      status: 'accepted',
    });
    entry.order_class = orderClass;
    if (orderClass !== 'simple') {
      // Legs exit what the entry buys (or, for an OCO, what is held): the opposite side. Stop-loss first.
      const exitSide = orderClass === 'oco' ? req.side : req.side === 'buy' ? 'sell' : 'buy';
      const legStatus = orderClass === 'oco' ? 'accepted' : 'held';
      // The broker names the legs: their client ids are its own.
      const leg = (): OrderRequest => ({ ...req, side: exitSide, client_order_id: randomUUID() });
      const legs: ExchangeOrder[] = [];
      if (req.stop_loss)
        legs.push(
          this.#make(leg(), {
            type:
              req.stop_loss.limit_price === null || req.stop_loss.limit_price === undefined
                ? 'stop'
                : 'stop_limit',
            limit_price: req.stop_loss.limit_price ?? null,
            stop_price: req.stop_loss.stop_price,
            status: legStatus,
          }),
        );
      if (req.take_profit && orderClass !== 'oco')
        legs.push(
          this.#make(leg(), {
            type: 'limit',
            limit_price: req.take_profit.limit_price,
            stop_price: null,
            status: legStatus,
          }),
        );
      for (const made of legs) {
        made.parent_id = entry.id;
        made.order_class = orderClass;
        entry.legs.push(made.id);
      }
    }
    if (entry.type === 'trailing_stop') entry.hwm = last ?? null;
    this.#tell('new', entry);
    // While the market is closed nothing trades on a price: orders wait for the open, as Alpaca
    // queues them; a bar always trades, being the market's own session.
    if (this.#options.fillOnArrival && last !== undefined && this.marketOpen)
      this.#match([entry], { open: last, high: last, low: last, close: last });
    return entry;
  }

  /**
   * Cancel a working order (and the legs of an entry); a leg's cancel leaves its sibling working.
   * @throws ExchangeRefusal 404 for an unknown order, 422 for one that can no longer be canceled.
   */
  cancel(id: string): ExchangeOrder {
    const order = this.#byId.get(id);
    if (!order) throw new ExchangeRefusal(404, 'order not found');
    if (!WORKING.has(order.status) && order.status !== 'held')
      throw new ExchangeRefusal(422, `order is ${order.status} and cannot be canceled`);
    this.#cancel(order);
    for (const legId of order.legs) {
      const leg = this.#byId.get(legId);
      if (leg && (WORKING.has(leg.status) || leg.status === 'held')) this.#cancel(leg);
    }
    return order;
  }

  /** A trade at `price`: the last price, and every working order of the symbol matched at it. */
  trade(symbol: string, price: bigint): void {
    this.prices.set(symbol, price);
    if (!this.marketOpen) return;
    const working = this.orders.filter((o) => o.symbol === symbol && WORKING.has(o.status));
    if (working.length > 0) this.#match(working, { open: price, high: price, low: price, close: price });
  }

  /** A bar: every working order of the symbol matched by the intrabar rules; its close is the last price. */
  bar(symbol: string, bar: PriceBar): void {
    const working = this.orders.filter((o) => o.symbol === symbol && WORKING.has(o.status));
    if (working.length > 0) this.#match(working, bar);
    this.prices.set(symbol, bar.close);
  }

  /** Fill part or all of a working order at a price (a manual fill, for tests of partial fills). */
  fill(id: string, qty: bigint, price: bigint): void {
    const order = this.#byId.get(id);
    if (!order || !WORKING.has(order.status)) throw new Error(`order ${id} is not open`);
    this.#apply(order, qty, price);
  }

  /** Open or close the market; opening fills what waited for it (opening-auction orders) at the last price. */
  setMarketOpen(open: boolean): void {
    this.marketOpen = open;
    if (!open) return;
    for (const symbol of new Set(this.orders.filter((o) => WORKING.has(o.status)).map((o) => o.symbol))) {
      const price = this.prices.get(symbol);
      if (price !== undefined) this.trade(symbol, price);
    }
  }

  /** Market value of every position at the last prices (at cost where none is known). */
  positionValue(): bigint {
    let sum = 0n;
    for (const [symbol, p] of this.positions)
      sum += mulMicro(toMicro(p.qty), this.prices.get(symbol) ?? toMicro(p.avgCost));
    return sum;
  }

  /** Shares promised to working sells of `symbol` (legs waiting on an entry are not yet). */
  #promised(symbol: string): bigint {
    let sum = 0n;
    for (const o of this.orders)
      if (o.symbol === symbol && o.side === 'sell' && WORKING.has(o.status)) sum += o.qty - o.filled_qty;
    return sum;
  }

  #make(
    req: OrderRequest,
    fields: Pick<ExchangeOrder, 'type' | 'limit_price' | 'stop_price' | 'status'>,
  ): ExchangeOrder {
    const at = this.#now();
    const order: ExchangeOrder = {
      id: randomUUID(),
      client_order_id: req.client_order_id,
      symbol: req.symbol,
      side: req.side,
      time_in_force: req.time_in_force,
      order_class: 'simple',
      qty: req.qty,
      filled_qty: 0n,
      filled_notional: 0n,
      trail_percent: fields.type === 'trailing_stop' ? (req.trail_percent ?? null) : null,
      trail_price: fields.type === 'trailing_stop' ? (req.trail_price ?? null) : null,
      hwm: null,
      parent_id: null,
      legs: [],
      created_at: at,
      updated_at: at,
      submitted_at: at,
      filled_at: null,
      canceled_at: null,
      ...fields,
    };
    this.orders.push(order);
    this.#byId.set(order.id, order);
    this.#byClientId.set(order.client_order_id, order);
    return order;
  }

  /** Match `queue` on one bar, in rank order; an entry filled at the open adds its legs to the queue. */
  #match(queue: ExchangeOrder[], bar: PriceBar): void {
    const pending = [...queue].sort((a, b) => matchRank(a) - matchRank(b));
    for (let i = 0; i < pending.length; i++) {
      const order = pending[i];
      if (!order || !WORKING.has(order.status)) continue;
      const price = fillPrice(order, bar);
      if (price === undefined) continue;
      this.#apply(order, order.qty - order.filled_qty, price);
      if (order.status !== 'filled') continue;
      const legs = this.#activateLegs(order, price);
      // Filled at the open: the rest of the bar happened after it, so its legs are matched on it.
      if (price === bar.open && legs.length > 0)
        pending.splice(i + 1, 0, ...legs.sort((a, b) => matchRank(a) - matchRank(b)));
    }
    for (const order of this.orders)
      if (order.symbol === queue[0]?.symbol && WORKING.has(order.status)) trail(order, bar);
  }

  /** An entry filled: its held legs start working for the shares it bought. */
  #activateLegs(order: ExchangeOrder, price: bigint): ExchangeOrder[] {
    const legs: ExchangeOrder[] = [];
    for (const id of order.legs) {
      const leg = this.#byId.get(id);
      if (leg?.status !== 'held') continue;
      leg.status = 'accepted';
      leg.qty = order.filled_qty;
      if (leg.type === 'trailing_stop') leg.hwm = price;
      leg.updated_at = this.#now();
      legs.push(leg);
      this.#tell('new', leg);
    }
    return legs;
  }

  #apply(order: ExchangeOrder, wanted: bigint, matched: bigint): void {
    const slip = this.#options.slippage ?? 0;
    const price =
      slip === 0
        ? matched
        : toMicro((Number(fromMicro(matched)) * (order.side === 'buy' ? 1 + slip : 1 - slip)).toFixed(6));
    const rate = this.#options.commission ?? 0;
    const costOf = (qty: bigint): bigint => {
      const notional = mulMicro(qty, price);
      return notional + (rate === 0 ? 0n : toMicro((Number(fromMicro(notional)) * rate).toFixed(6)));
    };
    let qty = wanted;
    if (order.side === 'buy' && costOf(qty) > this.cash) {
      // A gap since the order was taken: fill the whole shares the cash affords, cancel the rest.
      const perShare = costOf(1_000_000n);
      const affordable = this.cash > 0n ? (this.cash / perShare) * 1_000_000n : 0n;
      if (affordable <= 0n) {
        this.#cancel(order);
        return;
      }
      qty = affordable;
      order.qty = order.filled_qty + qty;
    }
    const notional = mulMicro(qty, price);
    const commission = costOf(qty) - notional;
    this.cash += (order.side === 'buy' ? -notional : notional) - commission;
    const position = applyEntry(this.positions.get(order.symbol) ?? FLAT, {
      kind: 'fill',
      side: order.side,
      qty: fromMicro(qty),
      price: fromMicro(price),
    });
    if (new Big(position.qty).eq(0)) this.positions.delete(order.symbol);
    else this.positions.set(order.symbol, position);
    order.filled_qty += qty;
    order.filled_notional += notional;
    order.status = order.filled_qty >= order.qty ? 'filled' : 'partially_filled';
    order.updated_at = this.#now();
    if (order.status === 'filled') order.filled_at = order.updated_at;
    this.#tell(order.status === 'filled' ? 'fill' : 'partial_fill', order, { qty, price, commission });
    // A leg that filled ends its siblings: one cancels the other.
    if (order.status === 'filled' && order.parent_id !== null) this.#cancelSiblings(order);
    if (order.status === 'filled' && order.order_class === 'oco' && order.parent_id === null)
      for (const id of order.legs) this.#cancelIfWorking(id);
  }

  #cancelSiblings(leg: ExchangeOrder): void {
    const parent = leg.parent_id === null ? undefined : this.#byId.get(leg.parent_id);
    if (!parent) return;
    for (const id of parent.legs) if (id !== leg.id) this.#cancelIfWorking(id);
    // An OCO's parent is itself an exit: a leg's fill ends it too.
    if (parent.order_class === 'oco') this.#cancelIfWorking(parent.id);
  }

  #cancelIfWorking(id: string): void {
    const order = this.#byId.get(id);
    if (order && (WORKING.has(order.status) || order.status === 'held')) this.#cancel(order);
  }

  #cancel(order: ExchangeOrder): void {
    order.status = 'canceled';
    order.canceled_at = order.updated_at = this.#now();
    this.#tell('canceled', order);
  }

  #tell(event: ExchangeEvent, order: ExchangeOrder, fill?: ExchangeFill): void {
    this.#options.onUpdate?.(event, order, fill);
  }

  #now(): string {
    return this.#options.now?.() ?? new Date().toISOString();
  }
}
