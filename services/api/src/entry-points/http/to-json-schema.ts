import type Joi from 'joi';
import joiToJson from 'joi-to-json';

// joi-to-json is CommonJS (`module.exports = parse`) while its typings declare a default export
// beside a namespace, which NodeNext resolves to the namespace: the function is typed here once.
const parse = joiToJson as unknown as (
  schema: Joi.Schema,
  mode: 'json' | 'open-api',
) => Record<string, unknown>;

/** A joi schema as JSON Schema (`json`) or as an OpenAPI 3.0 schema object (`open-api`). */
export function toJsonSchema(schema: Joi.Schema, mode: 'json' | 'open-api'): Record<string, unknown> {
  return parse(schema, mode);
}
