import type { Side } from '../side.js';

/**
 * How an order is filled in a simulation (backtests, both execution modes): a signal decided on a
 * bar's close fills at the next bar's open (`next-open`) or at that close (`close`), moved against
 * the trader by `slippage` (a fraction of the price), and pays `commission` (a rate of the traded
 * value) on every fill.
 */
export interface FillModel {
  fill: 'next-open' | 'close';
  commission: number;
  slippage: number;
}

/** The price a fill gets: `price` moved against the trader by the model's slippage. */
export function fillPrice(price: number, side: Side, model: Pick<FillModel, 'slippage'>): number {
  return price * (side === 'buy' ? 1 + model.slippage : 1 - model.slippage);
}
