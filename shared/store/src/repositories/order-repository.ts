import type { Decimal, Side } from '@trading/domain';
import { FINAL_ORDER_STATUSES, type OrderStatus } from '@trading/domain';
import type { Knex } from 'knex';

import { newestPage, type Page } from './list-options.js';

/** An order's part: an entry, an exit the strategy or a trader decided, or a protective order. */
export type OrderRole = 'entry' | 'exit' | 'stop_loss' | 'take_profit' | 'trailing_stop';

/** The parts that protect a position at the broker until hit, or until an exit replaces them. */
export const PROTECTIVE_ROLES = [
  'stop_loss',
  'take_profit',
  'trailing_stop',
] as const satisfies readonly OrderRole[];

/** Whether an order protects a position (a stop-loss, take-profit or trailing stop). */
export const isProtective = (role: string | null | undefined): boolean =>
  (PROTECTIVE_ROLES as readonly string[]).includes(role ?? '');

export interface NewOrder {
  clientOrderId: string;
  signalId: string | null;
  symbol: string;
  side: Side;
  type: 'market' | 'limit' | 'stop' | 'stop_limit' | 'trailing_stop';
  qty: Decimal;
  limitPrice?: Decimal | null;
  /** A stop's price; a protective order's part and the entry it protects; a trailing stop's trail. */
  stopPrice?: Decimal | null;
  role?: OrderRole | null;
  parentOrderId?: string | null;
  trailPercent?: Decimal | null;
  status: OrderStatus;
  brokerOrderId?: string | null;
  filledQty?: Decimal;
  filledAvgPrice?: Decimal | null;
  rejectReason?: string | null;
  submittedAt?: Date | null;
  /** When the order path decided it, by its own clock (the cooldown's); set once, at recording. */
  decidedAt?: Date | null;
}

export interface OrderRow extends Required<NewOrder> {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrderFilter extends Page {
  status?: OrderStatus;
  symbol?: string;
}

/** Repository of `orders`: one row per `client_order_id`. */
export class OrderRepository {
  constructor(private readonly knex: Knex) {}

  /** Insert, or update the broker's view (status, fills, broker id) of the order with this client id. */
  async upsert(order: NewOrder): Promise<OrderRow> {
    const [row] = (await this.knex('orders')
      // The moment of the insert, not of its transaction's start: a broker snapshot fetched before
      // the insert (in the same transaction) must not look younger than the order.
      .insert({ ...order, createdAt: this.knex.raw('clock_timestamp()') })
      .onConflict('clientOrderId')
      .merge({
        status: order.status,
        brokerOrderId: order.brokerOrderId ?? this.knex.raw('orders.broker_order_id'),
        filledQty: order.filledQty ?? this.knex.raw('orders.filled_qty'),
        filledAvgPrice: order.filledAvgPrice ?? this.knex.raw('orders.filled_avg_price'),
        rejectReason: order.rejectReason ?? this.knex.raw('orders.reject_reason'),
        submittedAt: order.submittedAt ?? this.knex.raw('orders.submitted_at'),
        stopPrice: order.stopPrice ?? this.knex.raw('orders.stop_price'),
        updatedAt: this.knex.fn.now(),
      })
      .returning('*')) as OrderRow[];
    if (!row) throw new Error('upsert returned no row');
    return row;
  }

  async get(id: string): Promise<OrderRow | undefined> {
    return this.knex<OrderRow>('orders').where({ id }).first();
  }

  async findByClientOrderId(clientOrderId: string): Promise<OrderRow | undefined> {
    return this.knex<OrderRow>('orders').where({ clientOrderId }).first();
  }

  /** Orders newest first, by status and symbol (served by idx_orders_symbol_status_created). */
  async list(filter: OrderFilter): Promise<OrderRow[]> {
    const q = this.knex<OrderRow>('orders');
    if (filter.symbol) void q.where({ symbol: filter.symbol });
    if (filter.status) void q.where({ status: filter.status });
    return newestPage(q, 'createdAt', filter);
  }

  /**
   * When the symbol's newest order was decided, by the order path's clock (its recording time, by
   * the database's, for orders recorded before decisions were stamped), or undefined with none.
   */
  async lastDecidedAt(symbol: string): Promise<Date | undefined> {
    const row = await this.knex<OrderRow>('orders')
      .where({ symbol })
      .orderBy('createdAt', 'desc')
      .first('decidedAt', 'createdAt');
    return row ? (row.decidedAt ?? row.createdAt) : undefined;
  }

  /**
   * Hold the account's order decisions until the transaction ends (a transaction-scoped advisory
   * lock): a decision and the recording of its order, in any process (the executor, the API), then
   * come one after the other, each seeing the orders recorded before it.
   */
  async lockDecisions(): Promise<void> {
    await this.knex.raw('select pg_advisory_xact_lock(hashtext(?))', ['orders:decide']);
  }

  /**
   * What may be missing from a broker snapshot taken at `since`: orders not yet final, and orders
   * with fills recorded since (served by the status and updated_at indexes).
   */
  async inFlightSince(since: Date): Promise<OrderRow[]> {
    return this.knex<OrderRow>('orders')
      .whereNotIn('status', FINAL_ORDER_STATUSES)
      .orWhere((q) => void q.where('updatedAt', '>=', since).andWhere('filledQty', '>', 0));
  }

  /** The working protective orders (stop-loss, take-profit, trailing stop) of a symbol. */
  async protective(symbol: string): Promise<OrderRow[]> {
    return this.knex<OrderRow>('orders')
      .where({ symbol })
      .whereIn('role', PROTECTIVE_ROLES)
      .whereNotIn('status', FINAL_ORDER_STATUSES)
      .orderBy('createdAt', 'asc');
  }

  /** Filled entries whose signal asked for a trailing stop that is not placed yet (newest first). */
  async unprotectedTrailingEntries(limit = 50): Promise<(OrderRow & { trailPercent: string })[]> {
    return (
      this.knex('orders as e')
        .join('signals as s', 's.id', 'e.signalId')
        .where('e.role', 'entry')
        .where('e.status', 'filled')
        .whereRaw("s.exits->>'trailPercent' is not null")
        .whereNotExists(
          this.knex('orders as t').whereRaw('t.parent_order_id = e.id').where('t.role', 'trailing_stop'),
        )
        // Still held: no sell of the symbol decided since the entry.
        .whereNotExists(
          this.knex('orders as x')
            .whereRaw('x.symbol = e.symbol')
            .where('x.side', 'sell')
            .whereRaw('x.created_at > e.created_at'),
        )
        .orderBy('e.updatedAt', 'desc')
        .limit(limit)
        .select('e.*', this.knex.raw("(s.exits->>'trailPercent') as trail_percent")) as Promise<
        (OrderRow & { trailPercent: string })[]
      >
    );
  }

  /** Orders not yet in a final state, oldest first (for lifecycle polling). */
  async open(): Promise<OrderRow[]> {
    return this.knex<OrderRow>('orders')
      .whereNotIn('status', FINAL_ORDER_STATUSES)
      .orderBy('createdAt', 'asc');
  }
}
