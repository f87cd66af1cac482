import { ValidationError } from '@trading/shared';
import Joi from 'joi';
import type Koa from 'koa';

/** `limit`: 1-1000, 50 by default (spec 4-4). */
export const limit = Joi.number().integer().min(1).max(1000).default(50);
/** `days`: 1-365, 30 by default (spec 4-4). */
export const days = Joi.number().integer().min(1).max(365).default(30);
/** Paging offset. */
export const offset = Joi.number().integer().min(0).max(1_000_000).default(0);
/**
 * `symbol`: 1-5 upper-case letters or digits. Lower case is refused, not normalised: a client that
 * sends `aapl` learns at once that symbols are upper case instead of silently getting AAPL.
 */
export const symbol = Joi.string()
  .pattern(/^[A-Z0-9]{1,5}$/)
  .messages({ 'string.pattern.base': '"symbol" must be 1-5 upper-case letters or digits' });

/**
 * Validate `ctx.query` against a joi object schema; unknown parameters are refused. The converted
 * values are returned; failures answer 400 with every problem in `details`.
 */
export function validateQuery<T>(ctx: Koa.Context, schema: Joi.ObjectSchema<T>): T {
  const result = schema.validate(ctx.query, { abortEarly: false, convert: true, allowUnknown: false });
  if (result.error) {
    throw new ValidationError(
      'invalid query parameters',
      result.error.details.map((d) => ({ field: d.path.join('.'), message: d.message })),
    );
  }
  return result.value;
}
