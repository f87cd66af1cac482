import { randomUUID } from 'node:crypto';

import { ORDER_TYPES, type OrderRequest, type OrderType, parseMicro } from '@trading/exchange';

const CLIENT_ORDER_ID_MAX = 48;

/** The micro value of an optional price field: null when absent, undefined when not a number. */
function optionalMicro(value: unknown): bigint | null | undefined {
  return value === undefined || value === null ? null : parseMicro(value);
}

/**
 * An order request from a `POST /v2/orders` body, or what is wrong with it (422), in Alpaca's words.
 * The exchange checks the rules between fields (see checkOrderRequest).
 */
export function orderRequest(body: Record<string, unknown>): OrderRequest | string {
  const clientOrderId = typeof body.client_order_id === 'string' ? body.client_order_id : randomUUID();
  if (clientOrderId.length > CLIENT_ORDER_ID_MAX) return 'client_order_id must be no more than 48 characters';
  if (typeof body.symbol !== 'string' || !/^[A-Z0-9.]{1,10}$/.test(body.symbol)) return 'invalid symbol';
  if (body.side !== 'buy' && body.side !== 'sell') return 'invalid side';
  const type = typeof body.type === 'string' ? body.type : 'market';
  if (!(ORDER_TYPES as readonly string[]).includes(type)) return 'invalid order type';
  const orderClass = body.order_class === undefined || body.order_class === '' ? 'simple' : body.order_class;
  if (orderClass !== 'simple' && orderClass !== 'bracket' && orderClass !== 'oto' && orderClass !== 'oco')
    return 'invalid order_class';
  const qty = parseMicro(body.qty);
  const prices = {
    limit_price: optionalMicro(body.limit_price),
    stop_price: optionalMicro(body.stop_price),
    trail_percent: optionalMicro(body.trail_percent),
    trail_price: optionalMicro(body.trail_price),
  };
  if (qty === undefined || Object.values(prices).includes(undefined))
    return 'qty and limit_price must be numbers';
  const takeProfit = body.take_profit as { limit_price?: unknown } | undefined | null;
  const stopLoss = body.stop_loss as { stop_price?: unknown; limit_price?: unknown } | undefined | null;
  const tp = takeProfit ? parseMicro(takeProfit.limit_price) : null;
  const slStop = stopLoss ? parseMicro(stopLoss.stop_price) : null;
  const slLimit = stopLoss ? optionalMicro(stopLoss.limit_price) : null;
  if (tp === undefined) return 'take_profit.limit_price must be a number';
  if (slStop === undefined || slLimit === undefined) return 'stop_loss.stop_price must be a number';
  return {
    client_order_id: clientOrderId,
    symbol: body.symbol,
    side: body.side,
    type: type as OrderType,
    time_in_force: typeof body.time_in_force === 'string' ? body.time_in_force : 'day',
    qty,
    limit_price: prices.limit_price ?? null,
    stop_price: prices.stop_price ?? null,
    trail_percent: prices.trail_percent ?? null,
    trail_price: prices.trail_price ?? null,
    order_class: orderClass,
    take_profit: tp === null ? null : { limit_price: tp },
    stop_loss: slStop === null ? null : { stop_price: slStop, limit_price: slLimit ?? null },
  };
}
