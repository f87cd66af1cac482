import { Big } from 'big.js';

import type { Decimal } from '../decimal.js';
import type { Side } from '../side.js';

/** One fill, in time order. */
export interface Fill {
  side: Side;
  qty: Decimal;
  price: Decimal;
}

/**
 * One entry of a position's ledger: a fill, or an adjustment posted when the broker's quantity
 * differs from the book's (a fill missed, a position changed behind the platform's back), with why.
 */
export type LedgerEntry =
  | ({ kind: 'fill' } & Fill)
  | {
      kind: 'adjustment';
      /** Signed change of quantity that brings the book to the broker's. */
      qty: Decimal;
      /** The broker's average entry price: the cost of any quantity the adjustment adds. */
      price: Decimal;
      reason: string;
    };

/** A position folded from its ledger. */
export interface PositionState {
  /** Signed: negative for a short. */
  qty: Decimal;
  /** Average cost of the open quantity (0 when flat). */
  avgCost: Decimal;
  realizedPnl: Decimal;
}

/** No position. */
export const FLAT: PositionState = { qty: '0', avgCost: '0', realizedPnl: '0' };

/**
 * Fold a ledger into a position with average cost and realized P&L, exactly (big.js):
 * - a fill in the position's direction (or from flat) moves the average cost to the quantity-weighted
 *   mean;
 * - a fill against it realizes (price − avgCost) × closed quantity (sign-adjusted for shorts); if it
 *   goes past flat, the rest opens a new position at the fill price;
 * - an adjustment moves the quantity without realizing anything (its price is not a trade): added
 *   quantity is costed at the broker's entry price, removed quantity leaves the average cost.
 * So the position always equals the sum of its entries, and a fill after an adjustment builds on it.
 */
export function foldLedger(entries: readonly LedgerEntry[]): PositionState {
  return rounded(entries.reduce(step, { qty: new Big(0), avg: new Big(0), realized: new Big(0) }));
}

/**
 * One entry applied to a position, rounded as the columns hold it: how a broker keeps a position
 * fill by fill (the paper broker does). {@link foldLedger} folds exactly and rounds once.
 */
export function applyEntry(state: PositionState, entry: LedgerEntry): PositionState {
  return rounded(
    step(
      { qty: new Big(state.qty), avg: new Big(state.avgCost), realized: new Big(state.realizedPnl) },
      entry,
    ),
  );
}

interface Exact {
  qty: Big;
  avg: Big;
  realized: Big;
}

function step(state: Exact, entry: LedgerEntry): Exact {
  let { qty, avg, realized } = state;
  const signed = entry.kind === 'adjustment' ? new Big(entry.qty) : signedQty(entry);
  // An entry of nothing changes nothing (and from flat would divide by a zero total).
  if (signed.eq(0)) return state;
  const price = new Big(entry.price);
  if (qty.eq(0) || qty.gt(0) === signed.gt(0)) {
    const total = qty.plus(signed);
    return {
      qty: total,
      avg: avg.times(qty.abs()).plus(price.times(signed.abs())).div(total.abs()),
      realized,
    };
  }
  const closing = signed.abs().lt(qty.abs()) ? signed.abs() : qty.abs();
  const direction = qty.gt(0) ? 1 : -1;
  if (entry.kind === 'fill') realized = realized.plus(price.minus(avg).times(closing).times(direction));
  qty = qty.plus(signed);
  if (qty.eq(0)) avg = new Big(0);
  else if (qty.gt(0) !== direction > 0) avg = price;
  return { qty, avg, realized };
}

/** Rounded to the columns' 6 places on every branch: flat included. */
function rounded({ qty, avg, realized }: Exact): PositionState {
  return qty.eq(0)
    ? { ...FLAT, realizedPnl: realized.round(6).toString() }
    : { qty: qty.toString(), avgCost: avg.round(6).toString(), realizedPnl: realized.round(6).toString() };
}

/** Fold fills alone (the backtester's and the tests' view): {@link foldLedger} over fill entries. */
export function foldFills(fills: readonly Fill[]): PositionState {
  return foldLedger(fills.map((f) => ({ kind: 'fill', ...f })));
}

/** The adjustment that brings a position from the book's quantity to the broker's, or none when equal. */
export function adjustmentToward(
  book: Decimal,
  broker: { qty: Decimal; avgEntryPrice: Decimal },
  reason: string,
): LedgerEntry | undefined {
  const delta = new Big(broker.qty).minus(book);
  if (delta.eq(0)) return undefined;
  return { kind: 'adjustment', qty: delta.toString(), price: broker.avgEntryPrice, reason };
}

/** (price − avgCost) × qty: what the open quantity would gain or lose if closed at `price`. */
export function unrealizedPnl(state: PositionState, price: Decimal): Decimal {
  return new Big(price).minus(state.avgCost).times(state.qty).round(6).toString();
}

function signedQty(fill: Fill): Big {
  return fill.side === 'buy' ? new Big(fill.qty) : new Big(fill.qty).neg();
}
