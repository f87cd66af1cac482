import type { Clock } from '@trading/domain';
import {
  type BrokerOrder,
  type BrokerPort,
  checkOrderNotional,
  type Decimal,
  type Price,
  type PriceSource,
  type Quantity,
  type RiskLimits,
  type RiskRule,
  type Side,
  systemClock,
  type Timeframe,
} from '@trading/domain';
import { type Exclusive, exclusive, providerStatus } from '@trading/platform';
import type { OrderRow, Repositories, SignalExits, TradingControl } from '@trading/store';
import { Big } from 'big.js';

import { decideOrder, screenOrder } from './assess-order.js';
import { type BrokerState, createBrokerState } from './broker-state.js';
import { createOrderRecorder, type OrderRecorderDeps } from './order-recorder.js';
import {
  cancelProtective,
  entryProtection,
  placeTrailingStops,
  type ProtectiveDeps,
  recordLegs,
} from './protective-orders.js';
import { controlRefusal, recheckRecovered } from './recheck-recovered.js';
import { type RecordedRequest, recordNew, submitRecorded } from './submit-recorded.js';

/** Dependencies of {@link createPlaceOrder}: storage, events and the broker's ports. */
export interface PlaceOrderDeps extends OrderRecorderDeps {
  trading: Pick<
    BrokerPort,
    | 'getAccount'
    | 'getPositions'
    | 'isMarketOpen'
    | 'getOrderByClientId'
    | 'submitOrder'
    | 'submitTrailingStop'
    | 'cancelOrder'
  >;
  /**
   * The broker's account, positions and clock as decisions share them; without it, they are read
   * at every decision.
   */
  brokerState?: BrokerState;
  /** The broker's latest trades: every order is checked and sized at the fresh price. */
  prices: PriceSource;
  limits: RiskLimits;
  /**
   * The section in which an order is decided and recorded, so that orders decided at once cannot
   * together pass an account-wide limit; one per process by default (each order path its own).
   */
  exclusive?: Exclusive;
  now?: Clock;
}

/** An order to place, from a strategy's signal or a trader. */
export interface PlaceOrderRequest {
  /** The broker-side identity (≤ 48 chars): the same id always names the same order, placed once. */
  clientOrderId: string;
  symbol: string;
  side: Side;
  type?: 'market' | 'limit';
  limitPrice?: Price;
  /** Whole shares asked for; without it the risk rules size the order. */
  qty?: Quantity;
  /**
   * The signal behind the order, with the bar it was made on, that bar's close, and for an entry
   * the protective exits to hold at the broker from its fill.
   */
  signal?: {
    signalId: string;
    price: Decimal;
    barTs: Date;
    timeframe: Timeframe;
    exits?: SignalExits | null;
  };
}

/** A refusal: one rule and its numbers. */
export interface OrderRefusal {
  rule: RiskRule;
  details: Record<string, string | number | boolean>;
}

/**
 * What became of a request. `placed`: submitted now. `existing`: this `clientOrderId` was placed
 * before (brought up to date). `conflict`: the id names another order. `refused`: a risk rule said
 * no, nothing was recorded or sent. `brokerRefused`: recorded as rejected with the broker's words.
 */
export type PlaceOrderOutcome =
  | { outcome: 'placed'; order: OrderRow }
  | { outcome: 'existing'; order: OrderRow }
  | { outcome: 'conflict'; order: OrderRow }
  | ({ outcome: 'refused' } & OrderRefusal)
  | { outcome: 'brokerRefused'; order: OrderRow; brokerStatus: number | undefined; reason: string };

/**
 * Whether a request asks for the order recorded under its id: symbol, side, type and limit price,
 * and the quantity when it names one (without one the risk rules sized the order).
 */
function sameOrder(mine: OrderRow, request: PlaceOrderRequest): boolean {
  const limit = request.limitPrice === undefined ? null : new Big(request.limitPrice);
  const recorded = mine.limitPrice ?? null;
  return (
    mine.symbol === request.symbol &&
    mine.side === request.side &&
    mine.type === (request.type ?? 'market') &&
    (limit === null ? recorded === null : recorded !== null && limit.eq(recorded)) &&
    (request.qty === undefined || new Big(mine.qty).eq(request.qty))
  );
}

/**
 * The one order path of the platform, used by the executor's signals and the API's manual orders:
 * idempotency by `client_order_id` (a replay brings the existing order up to date, and an order
 * recorded but never submitted because of a crash is submitted now, once), then the risk rules on
 * live numbers: the trader's switches first (paused: no strategy entries; halted: nothing but a
 * trader's exits; read from the database at every order, so they hold at once in every process,
 * see {@link controlRefusal}); then {@link screenOrder}
 * (cooldown, signal age, fresh price: orders may be screened at once), then, one order at a time,
 * {@link decideOrder} (the limits, the requested size against the allowed one), the notional cap at
 * the fresh price, record and submit; then record the broker's answer, which publishes
 * `order.updated`. Outcomes are values, not HTTP errors: each caller says them its own way.
 */
export function createPlaceOrder(
  deps: PlaceOrderDeps,
): (request: PlaceOrderRequest) => Promise<PlaceOrderOutcome> {
  const record = createOrderRecorder(deps);
  const protective: ProtectiveDeps = {
    repos: deps.repos,
    trading: deps.trading,
    record,
    logger: deps.logger,
  };
  const now = deps.now ?? systemClock;
  const state = deps.brokerState ?? createBrokerState(deps.trading, { maxAgeMs: 0 });
  const lock = deps.exclusive ?? exclusive();
  const signalIdOf = (request: PlaceOrderRequest) => request.signal?.signalId ?? null;

  async function resume(
    request: PlaceOrderRequest,
    mine: OrderRow,
    control: TradingControl | undefined,
  ): Promise<PlaceOrderOutcome> {
    if (!sameOrder(mine, request)) return { outcome: 'conflict', order: mine };
    // Submitted before (the broker gave it an id): a redelivered signal or a replayed request. The row
    // is the answer, kept current by the order sync; asking the broker again would spend the budget
    // orders need (a burst that outlasts the visibility timeout is redelivered).
    if (mine.brokerOrderId) return { outcome: 'existing', order: mine };
    if (mine.status === 'rejected' && !mine.brokerOrderId) {
      return {
        outcome: 'brokerRefused',
        order: mine,
        brokerStatus: undefined,
        reason: mine.rejectReason ?? '',
      };
    }
    // A crash between recording and submitting: the broker may have taken it (the answer was lost)
    // or not. Then sending it now is a decision like any other: what fails the rules is cancelled
    // on the row, never sent; what passes is submitted now, once.
    const taken = await deps.trading.getOrderByClientId(mine.clientOrderId);
    if (taken) return { outcome: 'existing', order: await record(taken, mine.signalId) };
    const refusal = await recheckRecovered({ ...deps, now: now() }, request, mine, control);
    if (refusal) {
      await deps.repos.orders.upsert({
        clientOrderId: mine.clientOrderId,
        signalId: mine.signalId,
        symbol: mine.symbol,
        side: mine.side,
        type: mine.type,
        qty: mine.qty,
        status: 'canceled',
        rejectReason: `not sent after a restart: ${refusal.rule}`,
      });
      return { outcome: 'refused', ...refusal };
    }
    if (mine.side === 'sell') await cancelProtective(protective, mine.symbol);
    const protection = mine.side === 'buy' ? entryProtection(request.signal?.exits) : {};
    const atBroker = await deps.trading.submitOrder({
      clientOrderId: mine.clientOrderId,
      symbol: mine.symbol,
      side: mine.side,
      qty: mine.qty,
      type: mine.type === 'limit' ? 'limit' : 'market',
      ...(mine.limitPrice === null ? {} : { limitPrice: mine.limitPrice }),
      ...protection,
      ...(Object.keys(protection).length > 0 && { timeInForce: 'gtc' }),
    });
    return { outcome: 'existing', order: await afterPlaced(await record(atBroker, mine.signalId), atBroker) };
  }

  return async (request) => {
    const [mine, control] = await Promise.all([
      deps.repos.orders.findByClientOrderId(request.clientOrderId),
      deps.repos.control.get(),
    ]);
    if (mine) return resume(request, mine, control);
    const switched = controlRefusal(control, request.side, request.signal !== undefined);
    if (switched) return { outcome: 'refused', ...switched };
    const limitPrice = request.type === 'limit' ? request.limitPrice : undefined;
    const assessDeps = { state, prices: deps.prices, repos: deps.repos, limits: deps.limits, now: now() };
    const intent = {
      symbol: request.symbol,
      side: request.side,
      limitPrice,
      signal: request.signal,
      qty: request.qty,
    };
    const screened = await screenOrder(assessDeps, intent);
    if (!screened.approved) return { outcome: 'refused', rule: screened.rule, details: screened.details };
    // Decided and recorded in one section, in this process (the lock) and across processes (the
    // database's): the next decision counts this order as in flight.
    const section = async (repos: Repositories): Promise<OrderRefusal | { order: RecordedRequest }> => {
      await repos.orders.lockDecisions();
      const assessed = await decideOrder({ ...assessDeps, repos }, intent, screened.price);
      if (!assessed.approved) return assessed;
      const qty = request.qty ?? assessed.qty;
      const capped = checkOrderNotional({ side: request.side, qty, price: screened.price }, deps.limits);
      if (capped) return capped;
      // An entry's protective exits go with it (a bracket or an OTO), good till canceled: Alpaca
      // takes those only day or gtc, and a day order's legs would leave the position bare overnight.
      const protection = request.side === 'buy' ? entryProtection(request.signal?.exits) : {};
      const isProtected = Object.keys(protection).length > 0;
      const order: RecordedRequest = {
        clientOrderId: request.clientOrderId,
        signalId: signalIdOf(request),
        symbol: request.symbol,
        side: request.side,
        qty,
        type: request.type ?? 'market',
        limitPrice,
        timeInForce: isProtected ? 'gtc' : assessed.atOpen ? 'opg' : 'day',
        role: request.side === 'buy' ? 'entry' : 'exit',
        ...protection,
      };
      await recordNew(repos, order, assessDeps.now);
      return { order };
    };
    // The submission stays in the process's section: a decision after it then reads a broker that
    // has this order (the snapshot's rule: an order recorded before it was fetched is in it).
    const decided = await lock(async () => {
      const recorded = await deps.repos.transaction(section);
      if (!('order' in recorded)) return recorded;
      // An exit replaces the protective orders: the broker holds the shares for them until canceled.
      if (recorded.order.side === 'sell') await cancelProtective(protective, recorded.order.symbol);
      const submission = await submitRecorded(deps, recorded.order);
      // The broker said no (buying power, a position it knows better): the next decision reads its
      // current numbers, not the snapshot this one was decided on.
      if ('refused' in submission) state.invalidate();
      return { submission };
    });
    if (!('submission' in decided))
      return { outcome: 'refused', rule: decided.rule, details: decided.details };
    const { submission } = decided;
    if ('refused' in submission) {
      return {
        outcome: 'brokerRefused',
        order: submission.refused,
        brokerStatus: providerStatus(submission.error),
        reason: submission.error.reason,
      };
    }
    const row = await record(submission.placed, signalIdOf(request));
    return { outcome: 'placed', order: await afterPlaced(row, submission.placed) };
  };

  /** An entry's legs recorded as the platform's orders; a filled one's trailing stop placed. */
  async function afterPlaced(row: OrderRow, placed: BrokerOrder): Promise<OrderRow> {
    if (row.side !== 'buy') return row;
    await recordLegs(protective, row, placed);
    if (row.status === 'filled') await placeTrailingStops(protective);
    return row;
  }
}
