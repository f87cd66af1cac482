import { DataError, ValidationError } from './errors/app-error.js';

/**
 * An exact decimal number as text ("101.25"): how money and quantities travel between the database,
 * the services and the broker, so none of them passes through floating-point arithmetic.
 */
export type Decimal = string;

/** Plain decimal text as the columns hold it: up to 14 integer digits and 8 decimals, signed. */
export const DECIMAL = /^-?\d{1,14}(\.\d{1,8})?$/;
/** The same without a sign: a value ≥ 0. */
export const UNSIGNED_DECIMAL = /^\d{1,14}(\.\d{1,8})?$/;

/**
 * Validate a decimal. Strings must be plain decimal text; a number (from a provider's JSON) is taken
 * by its shortest round-trip text, which is exactly the decimal the JSON carried.
 * @throws DataError for NaN, infinities, exponents or more precision than the columns hold.
 */
export function toDecimal(value: string | number | bigint, field = 'value'): Decimal {
  const text = typeof value === 'string' ? value.trim() : value.toString();
  if (!DECIMAL.test(text)) throw new DataError(`${field} is not a decimal number: ${JSON.stringify(text)}`);
  return text;
}

/**
 * Validate a decimal above 0 (a price, a quantity).
 * @throws DataError for text that is no decimal; ValidationError for a value of 0 or less.
 */
export function toPositiveDecimal(value: string | number, field = 'value'): Decimal {
  const text = toDecimal(value, field);
  if (/^-|^0*(\.0*)?$/.test(text)) throw new ValidationError(`${field} must be above 0, got ${text}`);
  return text;
}
