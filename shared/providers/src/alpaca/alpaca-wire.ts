import type { BrokerOrder, OrderStatus, Side } from '@trading/domain';
import { DataError, type Decimal, SIDES, toDecimal } from '@trading/domain';
import Joi from 'joi';

/** A decimal as Alpaca sends it: a string, sometimes a number. */
export const dec = Joi.alternatives(Joi.string(), Joi.number());

/** An order as Alpaca's trading API (REST and `trade_updates`) sends it. */
export const orderSchema = Joi.object({
  id: Joi.string().required(),
  client_order_id: Joi.string().required(),
  symbol: Joi.string().required(),
  side: Joi.string()
    .valid(...SIDES)
    .required(),
  type: Joi.string().required(),
  qty: dec.allow(null),
  filled_qty: dec.required(),
  filled_avg_price: dec.allow(null),
  limit_price: dec.allow(null),
  status: Joi.string().required(),
  created_at: Joi.string().isoDate().required(),
  submitted_at: Joi.string().isoDate().allow(null),
  filled_at: Joi.string().isoDate().allow(null),
}).unknown(true);

/** A JSON object of Alpaca's, its values as they came. */
export type Raw = Record<string, string | number | boolean | null | undefined>;
/** A required decimal field. */
export const d = (v: Raw[string], field: string): Decimal => toDecimal(v as string | number, field);
/** A nullable decimal field. */
export const dn = (v: Raw[string], field: string): Decimal | null =>
  v === null || v === undefined ? null : d(v, field);
const date = (v: Raw[string]): Date | null => (typeof v === 'string' ? new Date(v) : null);

/** An order that passed {@link orderSchema}, as the domain's {@link BrokerOrder} (its legs too). */
export function toOrder(raw: Raw): BrokerOrder {
  const { legs } = raw as { legs?: unknown };
  return {
    ...(Array.isArray(legs) && legs.length > 0 ? { legs: legs.map((leg) => parseOrder(leg)) } : {}),
    stopPrice: dn(raw.stop_price, 'stop_price'),
    id: String(raw.id),
    clientOrderId: String(raw.client_order_id),
    symbol: String(raw.symbol),
    side: raw.side as Side,
    type: raw.type as BrokerOrder['type'],
    qty: d(raw.qty ?? '0', 'qty'),
    filledQty: d(raw.filled_qty, 'filled_qty'),
    filledAvgPrice: dn(raw.filled_avg_price, 'filled_avg_price'),
    limitPrice: dn(raw.limit_price, 'limit_price'),
    status: raw.status as OrderStatus,
    createdAt: new Date(String(raw.created_at)),
    submittedAt: date(raw.submitted_at),
    filledAt: date(raw.filled_at),
  };
}

/** Check and convert an order from anywhere Alpaca sends one; a DataError says what was wrong. */
export function parseOrder(raw: unknown): BrokerOrder {
  const result = orderSchema.validate(raw);
  if (result.error)
    throw new DataError(`alpaca: invalid order: ${result.error.message}`, { code: 'INVALID_ORDER' });
  return toOrder(result.value as Raw);
}
