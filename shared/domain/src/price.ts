import { type Decimal, toPositiveDecimal } from './decimal.js';

/** A price: an exact decimal above 0, validated by {@link toPrice}. */
export type Price = Decimal & { readonly __brand: 'Price' };

/** @throws DataError for text that is no decimal; ValidationError for a price of 0 or less. */
export function toPrice(value: string | number, field = 'price'): Price {
  return toPositiveDecimal(value, field) as Price;
}
