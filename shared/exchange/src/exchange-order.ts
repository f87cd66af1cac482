import type { Side } from '@trading/domain';

/** Order types the exchange matches (Alpaca's). */
export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** Alpaca's order classes: one order, an entry with two exits, an entry with one, two exits. */
export type OrderClass = 'simple' | 'bracket' | 'oto' | 'oco';

/** Statuses the exchange gives; `held` is a leg waiting for its entry to fill. */
export type ExchangeStatus = 'accepted' | 'held' | 'partially_filled' | 'filled' | 'canceled' | 'expired';

/** Statuses of an order that may still fill. */
export const WORKING: ReadonlySet<string> = new Set(['new', 'accepted', 'partially_filled', 'pending_new']);

/**
 * An order as the exchange keeps it: money in micro-units (bigint millionths), field names as
 * Alpaca's wire and the paper account's saved state spell them.
 */
export interface ExchangeOrder {
  id: string;
  client_order_id: string;
  symbol: string;
  side: Side;
  type: OrderType;
  time_in_force: string;
  order_class: OrderClass;
  qty: bigint;
  filled_qty: bigint;
  filled_notional: bigint;
  limit_price: bigint | null;
  stop_price: bigint | null;
  trail_percent: bigint | null;
  trail_price: bigint | null;
  /** The best price seen since a trailing stop started (highest for a sell). */
  hwm: bigint | null;
  status: ExchangeStatus;
  /** The entry a leg belongs to; null for an entry or a simple order. */
  parent_id: string | null;
  /** The legs of a bracket, OTO or OCO order (stop-loss first), by id. */
  legs: string[];
  created_at: string;
  updated_at: string;
  submitted_at: string;
  filled_at: string | null;
  canceled_at: string | null;
}

/** An order as asked for: Alpaca's `POST /v2/orders` body, values already parsed to micro-units. */
export interface OrderRequest {
  client_order_id: string;
  symbol: string;
  side: Side;
  type: OrderType;
  time_in_force: string;
  qty: bigint;
  limit_price?: bigint | null;
  stop_price?: bigint | null;
  trail_percent?: bigint | null;
  trail_price?: bigint | null;
  order_class?: OrderClass;
  take_profit?: { limit_price: bigint } | null;
  stop_loss?: { stop_price: bigint; limit_price?: bigint | null } | null;
}

/** What the exchange refuses, as Alpaca answers it: 403 (buying power, shares) or 422 (the request). */
export class ExchangeRefusal extends Error {
  constructor(
    readonly status: 403 | 404 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'ExchangeRefusal';
  }
}
