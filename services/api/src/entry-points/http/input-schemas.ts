import { SYMBOL_PATTERN } from '@trading/domain';
import Joi from 'joi';

/** `limit`: 1-1000, 50 by default (spec 4-4). */
export const limit = Joi.number()
  .integer()
  .min(1)
  .max(1000)
  .default(50)
  .description('Rows per page (1-1000)');
/** `days`: 1-365, 30 by default (spec 4-4). */
export const days = Joi.number()
  .integer()
  .min(1)
  .max(365)
  .default(30)
  .description('How many days back (1-365)');
/** Paging offset. */
export const offset = Joi.number()
  .integer()
  .min(0)
  .max(1_000_000)
  .default(0)
  .description('Rows to skip (stable order)');
/**
 * `symbol`: a ticker as the domain defines it ({@link SYMBOL_PATTERN}). Lower case is refused, not
 * normalised: a client that sends `aapl` learns at once that symbols are upper case.
 */
export const symbol = Joi.string()
  .pattern(SYMBOL_PATTERN)
  .description(
    'Ticker: 1-5 upper-case letters or digits, with an optional class suffix such as .B (lower case is refused)',
  )
  .messages({
    'string.pattern.base':
      '"symbol" must be 1-5 upper-case letters or digits, with an optional class suffix such as .B',
  });
/** A row id. */
export const id = Joi.string().guid().description('Row id (UUID)');
/** `?limit&offset`. */
export const paging = { limit, offset };
/** `:id` path parameter. */
export const idParams = Joi.object<{ id: string }>({ id: id.required() });
