import type { Side } from '@trading/domain';
import { Big } from 'big.js';

/** One fill, in time order. */
export interface Fill {
  side: Side;
  qty: string;
  price: string;
}

/** A position folded from its fills. */
export interface PositionState {
  /** Signed: negative for a short. */
  qty: string;
  /** Average cost of the open quantity (0 when flat). */
  avgCost: string;
  realizedPnl: string;
}

const FLAT: PositionState = { qty: '0', avgCost: '0', realizedPnl: '0' };

/**
 * Fold fills into a position with average cost and realized P&L, exactly:
 * - a fill in the position's direction (or from flat) moves the average cost to the quantity-weighted
 *   mean;
 * - a fill against it realizes (price − avgCost) × closed quantity (sign-adjusted for shorts); if it
 *   goes past flat, the rest opens a new position at the fill price.
 * So the position always equals the sum of its fills.
 */
export function foldFills(fills: readonly Fill[]): PositionState {
  let qty = new Big(0);
  let avg = new Big(0);
  let realized = new Big(0);
  for (const fill of fills) {
    const q = new Big(fill.qty);
    // A fill of nothing changes nothing (and from flat would divide by a zero total).
    if (q.eq(0)) continue;
    const price = new Big(fill.price);
    const signed = fill.side === 'buy' ? q : q.neg();
    if (qty.eq(0) || qty.gt(0) === signed.gt(0)) {
      const total = qty.plus(signed);
      avg = avg.times(qty.abs()).plus(price.times(q)).div(total.abs());
      qty = total;
      continue;
    }
    const closing = q.lt(qty.abs()) ? q : qty.abs();
    const direction = qty.gt(0) ? 1 : -1;
    realized = realized.plus(price.minus(avg).times(closing).times(direction));
    qty = qty.plus(signed);
    if (qty.eq(0)) avg = new Big(0);
    else if (qty.gt(0) !== direction > 0) avg = price;
  }
  // Rounded to the columns' 6 places on every branch: flat included.
  return qty.eq(0)
    ? { ...FLAT, realizedPnl: realized.round(6).toString() }
    : { qty: qty.toString(), avgCost: avg.round(6).toString(), realizedPnl: realized.round(6).toString() };
}

/** (price − avgCost) × qty: what the open quantity would gain or lose if closed at `price`. */
export function unrealizedPnl(state: PositionState, price: string): string {
  return new Big(price).minus(state.avgCost).times(state.qty).round(6).toString();
}
