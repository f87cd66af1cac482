import { type Decimal, toPositiveDecimal } from './decimal.js';

/** A quantity of shares: an exact decimal above 0, validated by {@link toQuantity}. */
export type Quantity = Decimal & { readonly __brand: 'Quantity' };

/** @throws DataError for text that is no decimal; ValidationError for a quantity of 0 or less. */
export function toQuantity(value: string | number, field = 'qty'): Quantity {
  return toPositiveDecimal(value, field) as Quantity;
}
