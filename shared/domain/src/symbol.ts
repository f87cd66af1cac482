import { ValidationError } from './errors/app-error.js';

/**
 * A US-equity ticker as the platform accepts it everywhere (config, API, events): 1-5 upper-case
 * letters or digits, with an optional share-class suffix (`BRK.B`). Lower case is refused, not
 * normalised, so a client learns at once that tickers are upper case.
 */
export const SYMBOL_PATTERN = /^[A-Z0-9]{1,5}(\.[A-Z])?$/;

/** A ticker validated by {@link toStockSymbol}. */
export type StockSymbol = string & { readonly __brand: 'StockSymbol' };

/** @throws ValidationError when `value` is not a ticker. */
export function toStockSymbol(value: string): StockSymbol {
  if (!SYMBOL_PATTERN.test(value)) throw new ValidationError(`not a ticker: ${JSON.stringify(value)}`);
  return value as StockSymbol;
}
