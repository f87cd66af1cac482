import { DataError } from '../errors/app-error.js';

/**
 * An exact decimal number as text ("101.25"): how money and quantities travel between the database,
 * the services and the broker, so none of them passes through floating-point arithmetic.
 */
export type Decimal = string;

const DECIMAL = /^-?\d{1,14}(\.\d{1,8})?$/;

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
