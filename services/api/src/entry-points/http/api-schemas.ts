import Joi from 'joi';

/** An exact decimal on the wire: a string, never a float, so money keeps every digit. */
export const decimal = Joi.string()
  .pattern(/^-?\d+(\.\d+)?$/)
  .description('Exact decimal, as a string');
/** An instant, ISO 8601 in UTC. */
export const timestamp = Joi.string().isoDate().description('ISO 8601 timestamp (UTC)');
/** A row id of a table keyed by UUID. */
export const uuid = Joi.string().guid();
/** A row id of a table keyed by a bigint sequence (a string: it may exceed 2^53). */
export const serialId = Joi.string().pattern(/^\d+$/);

/** The one shape of every error answer. */
export const errorBody = Joi.object({
  error: Joi.object({
    code: Joi.string().description('Stable machine-readable code, e.g. VALIDATION_FAILED'),
    message: Joi.string(),
    details: Joi.any().optional().description('What exactly was wrong (per field, per rule)'),
  }),
})
  .prefs({ presence: 'required' })
  .label('Error');

/** The paging of a list answer, echoed. */
const page = Joi.object({ limit: Joi.number().integer(), offset: Joi.number().integer() });

/** `{ data: [item…], page }`: a page of a list in a stable order. Every listed field is present. */
export function pageOf(item: Joi.ObjectSchema, label: string): Joi.ObjectSchema {
  return Joi.object({ data: Joi.array().items(item), page })
    .prefs({ presence: 'required' })
    .label(label);
}

/** `{ data: [item…] }`: a whole (small) collection. */
export function listOf(item: Joi.ObjectSchema, label: string): Joi.ObjectSchema {
  return Joi.object({ data: Joi.array().items(item) })
    .prefs({ presence: 'required' })
    .label(label);
}

/** `{ data: item }`. */
export function one(item: Joi.Schema, label: string): Joi.ObjectSchema {
  return Joi.object({ data: item }).prefs({ presence: 'required' }).label(label);
}

/** ISO string of a date, or null. */
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
