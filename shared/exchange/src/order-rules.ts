import { ExchangeRefusal, type OrderRequest } from './exchange-order.js';
import { toMicro } from './fixed-point.js';

const CENT = toMicro('0.01');
const WHOLE = toMicro('1');

/** A price field that was given (neither null nor absent). */
const given = (v: bigint | null | undefined): v is bigint => v !== null && v !== undefined;

function refuse(message: string): never {
  throw new ExchangeRefusal(422, message);
}

/**
 * Alpaca's rules for an order request, checked before the exchange takes it (422 with Alpaca's
 * reason otherwise): the prices each type needs and no others; trailing stops with exactly one of
 * trail_percent / trail_price, day or gtc; a bracket with both exits, an OTO with one, an OCO with
 * both and a limit take-profit, all in whole shares, day or gtc, the take-profit beyond the base
 * price and the stop-loss before it by at least a cent. `base` is the entry's reference price (its
 * limit, else the last trade).
 */
export function checkOrderRequest(req: OrderRequest, base: bigint | undefined): void {
  const { type } = req;
  const needsLimit = type === 'limit' || type === 'stop_limit';
  const needsStop = type === 'stop' || type === 'stop_limit';
  if (needsLimit !== given(req.limit_price))
    refuse(
      needsLimit
        ? `limit_price is required for ${type} orders`
        : `limit_price is not allowed for ${type} orders`,
    );
  if (needsStop !== given(req.stop_price))
    refuse(
      needsStop
        ? `stop_price is required for ${type} orders`
        : `stop_price is not allowed for ${type} orders`,
    );
  for (const [name, value] of [
    ['limit_price', req.limit_price],
    ['stop_price', req.stop_price],
    ['trail_price', req.trail_price],
    ['trail_percent', req.trail_percent],
  ] as const)
    if (given(value) && value <= 0n) refuse(`${name} must be > 0`);
  if (type === 'trailing_stop') {
    if (given(req.trail_percent) === given(req.trail_price))
      refuse('trailing_stop orders take exactly one of trail_percent and trail_price');
    if (given(req.trail_percent) && req.trail_percent >= toMicro('100'))
      refuse('trail_percent must be < 100');
  } else if (given(req.trail_percent) || given(req.trail_price)) {
    refuse(`trail_percent and trail_price are only for trailing_stop orders`);
  }
  const orderClass = req.order_class ?? 'simple';
  if (orderClass === 'simple') {
    if (req.take_profit || req.stop_loss)
      refuse('take_profit and stop_loss need order_class bracket, oto or oco');
    return;
  }
  if (req.time_in_force !== 'day' && req.time_in_force !== 'gtc')
    refuse(`${orderClass} orders must be day or gtc`);
  if (req.qty % WHOLE !== 0n) refuse(`${orderClass} orders must be for whole shares`);
  if (orderClass === 'bracket' && (!req.take_profit || !req.stop_loss))
    refuse('bracket orders need take_profit.limit_price and stop_loss.stop_price');
  if (orderClass === 'oto' && Boolean(req.take_profit) === Boolean(req.stop_loss))
    refuse('oto orders need exactly one of take_profit and stop_loss');
  if (orderClass === 'oco') {
    if (type !== 'limit' || !req.take_profit || !req.stop_loss)
      refuse('oco orders are a limit order with take_profit and stop_loss');
  } else if (type !== 'market' && type !== 'limit') {
    refuse(`${orderClass} entries must be market or limit orders`);
  }
  if (orderClass === 'oco') return;
  const reference = req.limit_price ?? base;
  if (reference === undefined) return;
  // For a buy the take-profit sells above the entry and the stop-loss below it; a sell mirrors it.
  const sign = req.side === 'buy' ? 1n : -1n;
  if (req.take_profit && (req.take_profit.limit_price - reference) * sign < CENT)
    refuse(
      `take_profit.limit_price must be ${req.side === 'buy' ? '>=' : '<='} base_price ${req.side === 'buy' ? '+' : '-'} 0.01`,
    );
  if (req.stop_loss && (reference - req.stop_loss.stop_price) * sign < CENT)
    refuse(
      `stop_loss.stop_price must be ${req.side === 'buy' ? '<=' : '>='} base_price ${req.side === 'buy' ? '-' : '+'} 0.01`,
    );
}
