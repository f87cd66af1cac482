import type { Side } from '@trading/domain';

import type { ExchangeOrder } from './exchange-order.js';
import { mulMicro } from './fixed-point.js';

/** A bar in micro-units; a last trade is a bar whose four prices are one. */
export interface PriceBar {
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
}

/** A buy limit fills at the open when it opens at or below the limit, else at the limit if touched. */
function limitFill(side: Side, limit: bigint, bar: PriceBar): bigint | undefined {
  if (side === 'buy') return bar.open <= limit ? bar.open : bar.low <= limit ? limit : undefined;
  return bar.open >= limit ? bar.open : bar.high >= limit ? limit : undefined;
}

/** A sell stop fills at the open when the bar gaps through it, else at the stop when touched. */
function stopFill(side: Side, stop: bigint, bar: PriceBar): bigint | undefined {
  if (side === 'sell') return bar.open <= stop ? bar.open : bar.low <= stop ? stop : undefined;
  return bar.open >= stop ? bar.open : bar.high >= stop ? stop : undefined;
}

/** A trailing stop's stop price: its high-water mark less the trail (a buy: its low plus it). */
export function trailingStopPrice(order: ExchangeOrder): bigint | null {
  if (order.hwm === null) return null;
  const trail =
    order.trail_price ??
    (order.trail_percent === null ? 0n : mulMicro(order.hwm, order.trail_percent) / 100n);
  return order.side === 'sell' ? order.hwm - trail : order.hwm + trail;
}

/**
 * The price `order` fills at on `bar`, or undefined if it does not. The intrabar rules, stated:
 * a market order fills at the open; a limit at the open if the bar opens through it, else at the
 * limit if the range reaches it; a stop (a trailing stop at its level from earlier bars) at the
 * open if the bar gaps through it, else at the stop; a stop-limit triggered at the open acts as a
 * limit from the open, triggered within the bar it fills at its limit if the range reaches it.
 */
export function fillPrice(order: ExchangeOrder, bar: PriceBar): bigint | undefined {
  switch (order.type) {
    case 'market':
      return bar.open;
    case 'limit':
      return order.limit_price === null ? undefined : limitFill(order.side, order.limit_price, bar);
    case 'stop':
      return order.stop_price === null ? undefined : stopFill(order.side, order.stop_price, bar);
    case 'trailing_stop': {
      const stop = trailingStopPrice(order);
      return stop === null ? undefined : stopFill(order.side, stop, bar);
    }
    case 'stop_limit': {
      if (order.stop_price === null || order.limit_price === null) return undefined;
      const triggered = stopFill(order.side, order.stop_price, bar);
      if (triggered === undefined) return undefined;
      if (triggered === bar.open) return limitFill(order.side, order.limit_price, bar);
      const reaches = order.side === 'sell' ? bar.high >= order.limit_price : bar.low <= order.limit_price;
      return reaches ? order.limit_price : undefined;
    }
  }
}

/** Move a trailing stop's high-water mark with the bar (after the bar was matched: adverse first). */
export function trail(order: ExchangeOrder, bar: PriceBar): void {
  if (order.type !== 'trailing_stop' || order.hwm === null) return;
  if (order.side === 'sell' && bar.high > order.hwm) order.hwm = bar.high;
  if (order.side === 'buy' && bar.low < order.hwm) order.hwm = bar.low;
}

/** Stops are matched before limits on a bar: when a stop-loss and a take-profit both touch, the loss counts. */
export function matchRank(order: ExchangeOrder): number {
  if (order.type === 'market') return 0;
  return order.type === 'limit' ? 2 : 1;
}
