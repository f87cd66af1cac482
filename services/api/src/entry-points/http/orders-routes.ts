import { randomUUID } from 'node:crypto';

import {
  DataError,
  FINAL_ORDER_STATUSES,
  NotFoundError,
  ORDER_STATUSES,
  type OrderStatus,
  SIDES,
} from '@trading/domain';
import type { PlaceOrderOutcome } from '@trading/orders';
import { type OrderRow, type Repositories, type TradeRow } from '@trading/store';
import Joi from 'joi';

import {
  type createManualOrders,
  type ManualOrderRequest,
  NotAtBrokerError,
} from '../../domain/manual-order.js';
import { decimal, iso, one, pageOf, serialId, timestamp, uuid } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { idParams, paging, symbol } from './input-schemas.js';

/** A fill on the wire. */
export const tradeSchema = Joi.object({
  id: serialId,
  orderId: uuid,
  brokerTradeId: Joi.string(),
  symbol: Joi.string(),
  side: Joi.string().valid(...SIDES),
  qty: decimal,
  price: decimal,
  commission: decimal,
  tradedAt: timestamp,
}).label('Trade');

/** A fill as answered. */
export function presentTrade(t: TradeRow): Record<string, unknown> {
  return {
    id: t.id,
    orderId: t.orderId,
    brokerTradeId: t.brokerTradeId,
    symbol: t.symbol,
    side: t.side,
    qty: t.qty,
    price: t.price,
    commission: t.commission,
    tradedAt: t.tradedAt.toISOString(),
  };
}

/** An order on the wire. */
export const orderSchema = Joi.object({
  id: uuid,
  clientOrderId: Joi.string(),
  signalId: uuid.allow(null).description('The signal behind it; null for a manual order'),
  symbol: Joi.string(),
  side: Joi.string().valid(...SIDES),
  type: Joi.string().valid('market', 'limit', 'stop', 'stop_limit'),
  qty: decimal,
  limitPrice: decimal.allow(null),
  status: Joi.string().valid(...ORDER_STATUSES),
  brokerOrderId: Joi.string().allow(null),
  filledQty: decimal,
  filledAvgPrice: decimal.allow(null),
  rejectReason: Joi.string().allow(null),
  submittedAt: timestamp.allow(null),
  createdAt: timestamp,
  updatedAt: timestamp,
}).label('Order');

/** An order as answered. */
export function presentOrder(o: OrderRow): Record<string, unknown> {
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    signalId: o.signalId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    qty: o.qty,
    limitPrice: o.limitPrice,
    status: o.status,
    brokerOrderId: o.brokerOrderId,
    filledQty: o.filledQty,
    filledAvgPrice: o.filledAvgPrice,
    rejectReason: o.rejectReason,
    submittedAt: iso(o.submittedAt),
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

const orderWithTrades = orderSchema.keys({ trades: Joi.array().items(tradeSchema) }).label('OrderWithTrades');

const manualOrderBody = Joi.object<ManualOrderRequest>({
  symbol: symbol.required(),
  side: Joi.string()
    .valid(...SIDES)
    .required(),
  qty: Joi.number()
    .integer()
    .min(1)
    .max(1_000_000)
    .description('Whole shares; omitted: sized by the risk rules'),
  type: Joi.string().valid('market', 'limit').default('market'),
  limitPrice: Joi.string()
    // > 0: at least one non-zero digit ("0", "0.00" and "00" are refused, not divided by).
    .pattern(/^(?=[\d.]*[1-9])\d{1,9}(\.\d{1,4})?$/)
    .when('type', { is: 'limit', then: Joi.required(), otherwise: Joi.forbidden() })
    .description('Required for a limit order and refused for a market order: a decimal string > 0'),
  idempotencyKey: Joi.string()
    .pattern(/^[A-Za-z0-9_-]{1,40}$/)
    .description('Retrying with the same key answers the same order instead of placing another'),
}).label('ManualOrder');

/**
 * The HTTP answer to the order path's outcome: the order and whether it was created now, or the
 * error a client gets (409 for an idempotency key naming another order, 422 for a refusal by a risk
 * rule or by the broker, whose own words stay in the order's row and the log, not in the answer).
 */
export function placedOrThrow(placed: PlaceOrderOutcome): { order: OrderRow; created: boolean } {
  switch (placed.outcome) {
    case 'placed':
      return { order: placed.order, created: true };
    case 'existing':
      return { order: placed.order, created: false };
    case 'conflict':
      throw new DataError('this idempotency key names another order', {
        code: 'IDEMPOTENCY_CONFLICT',
        details: { orderId: placed.order.id },
      });
    case 'refused':
      throw new DataError(`order refused by the risk rule '${placed.rule}'`, {
        code: 'RISK_REJECTED',
        details: { rule: placed.rule, ...placed.details },
      });
    case 'brokerRefused':
      throw new DataError('the broker refused the order', {
        code: 'BROKER_REJECTED',
        details: { rule: 'broker_rejected', orderId: placed.order.id, brokerStatus: placed.brokerStatus },
      });
  }
}

/** Order endpoints: list, one with its fills, a manual order through the risk checks, cancel. */
export function ordersEndpoints(
  repos: Repositories,
  manual: ReturnType<typeof createManualOrders>,
): Endpoint[] {
  async function find(id: string): Promise<OrderRow> {
    const order = await repos.orders.get(id);
    if (!order) throw new NotFoundError(`no order ${id}`);
    return order;
  }
  const refused = { description: 'Refused by a risk rule or by the broker' };
  return [
    endpoint<{ status?: OrderStatus; symbol?: string; limit: number; offset: number }>({
      method: 'get',
      path: '/orders',
      operationId: 'listOrders',
      summary: 'Orders, newest first',
      tag: 'orders',
      query: Joi.object({ status: Joi.string().valid(...ORDER_STATUSES), symbol, ...paging }),
      responses: { 200: { description: 'A page of orders', schema: pageOf(orderSchema, 'OrderPage') } },
      async handle({ query: q }) {
        const rows = await repos.orders.list(q);
        return { body: { data: rows.map(presentOrder), page: { limit: q.limit, offset: q.offset } } };
      },
    }),
    endpoint<Record<string, never>, { id: string }>({
      method: 'get',
      path: '/orders/:id',
      operationId: 'getOrder',
      summary: 'One order with its fills',
      tag: 'orders',
      params: idParams,
      responses: {
        200: { description: 'The order', schema: one(orderWithTrades, 'OrderAnswer') },
        404: { description: 'No such order' },
      },
      async handle({ params }) {
        const order = await find(params.id);
        const trades = await repos.trades.byOrder(order.id);
        return { body: { data: { ...presentOrder(order), trades: trades.map(presentTrade) } } };
      },
    }),
    endpoint<Record<string, never>, Record<string, never>, ManualOrderRequest>({
      method: 'post',
      path: '/orders',
      operationId: 'placeOrder',
      summary: 'Place a manual order through the same risk checks as the executor',
      tag: 'orders',
      body: manualOrderBody,
      rateLimit: 'orders',
      responses: {
        201: { description: 'Placed', schema: one(orderSchema, 'PlacedOrder') },
        200: {
          description: 'Already placed with this idempotency key',
          schema: one(orderSchema, 'PlacedOrder'),
        },
        409: { description: 'The idempotency key names another order' },
        422: refused,
      },
      async handle({ body }) {
        const { order, created } = placedOrThrow(
          await manual.place(body, body.idempotencyKey ?? randomUUID()),
        );
        return {
          status: created ? 201 : 200,
          body: { data: presentOrder(order) },
          headers: { Location: `/api/v1/orders/${order.id}` },
        };
      },
    }),
    endpoint<Record<string, never>, { id: string }>({
      method: 'post',
      path: '/orders/:id/cancel',
      operationId: 'cancelOrder',
      summary: 'Cancel an open order',
      tag: 'orders',
      params: idParams,
      rateLimit: 'orders',
      responses: {
        202: {
          description: 'Cancel accepted; the order as the broker now reports it',
          schema: one(orderSchema, 'CanceledOrder'),
        },
        404: { description: 'No such order' },
        409: { description: 'The order is already final' },
        422: refused,
      },
      async handle({ params }) {
        const order = await find(params.id);
        if (FINAL_ORDER_STATUSES.includes(order.status)) {
          throw new DataError(`order ${order.id} is already ${order.status}`, {
            code: 'ORDER_FINAL',
          });
        }
        try {
          return { status: 202, body: { data: presentOrder(await manual.cancel(order)) } };
        } catch (err) {
          if (!(err instanceof NotAtBrokerError)) throw err;
          throw new DataError('the broker has no such order', { code: 'NOT_AT_BROKER' });
        }
      },
    }),
  ];
}
