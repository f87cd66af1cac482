import type Joi from 'joi';
import joiToJson from 'joi-to-json';

// joi-to-json is CommonJS (`module.exports = parse`) while its typings declare a default export
// beside a namespace, which NodeNext resolves to the namespace: the function is typed here once.
const parse = joiToJson as unknown as (
  schema: Joi.Schema,
  mode: 'json' | 'open-api',
) => Record<string, unknown>;

type JsonSchema = Record<string, unknown>;

/** A key whose presence depends on a sibling's value: `key.when(sibling, { is, then: required, otherwise: forbidden })`. */
interface ConditionalPresence {
  key: string;
  sibling: string;
  is: unknown[];
}

interface Described {
  type?: string;
  keys?: Record<string, Described & { whens?: DescribedWhen[] }>;
}
interface DescribedWhen {
  ref?: { path?: string[] };
  is?: { allow?: unknown[] };
  then?: { flags?: { presence?: string } };
  otherwise?: { flags?: { presence?: string } };
}

function conditionalPresences(schema: Joi.Schema): ConditionalPresence[] {
  const described = schema.describe() as Described;
  if (described.type !== 'object') return [];
  const out: ConditionalPresence[] = [];
  for (const [key, child] of Object.entries(described.keys ?? {})) {
    for (const when of child.whens ?? []) {
      const sibling = when.ref?.path;
      const is = (when.is?.allow ?? []).filter((v) => typeof v !== 'object');
      if (
        sibling?.length === 1 &&
        is.length > 0 &&
        when.then?.flags?.presence === 'required' &&
        when.otherwise?.flags?.presence === 'forbidden'
      ) {
        out.push({ key, sibling: sibling[0] ?? '', is });
      }
    }
  }
  return out;
}

/**
 * joi-to-json renders a field-level `when` as a `oneOf` that says nothing (any value, or none).
 * A conditional presence ("required when `type` is `limit`, forbidden otherwise") is rewritten as
 * the object-level `oneOf` OpenAPI 3.0 can state: the sibling has one of the values and the key
 * is present, or the sibling has another value (or its default) and the key is absent.
 */
function stateConditionalPresence(schema: Joi.Schema, json: JsonSchema): JsonSchema {
  const conditions = conditionalPresences(schema);
  if (conditions.length === 0) return json;
  const properties = { ...(json.properties as Record<string, JsonSchema>) };
  const oneOfs = conditions.map(({ key, sibling, is }) => {
    const { oneOf: _garbled, ...plain } = properties[key] ?? {};
    properties[key] = plain;
    const siblingSchema = properties[sibling] ?? {};
    const others = ((siblingSchema.enum as unknown[] | undefined) ?? []).filter((v) => !is.includes(v));
    return [
      { properties: { [sibling]: { enum: is }, [key]: plain }, required: [sibling, key] },
      { properties: { [sibling]: { enum: others } }, not: { properties: { [key]: plain }, required: [key] } },
    ];
  });
  const [first, ...rest] = oneOfs;
  return {
    ...json,
    properties,
    ...(rest.length === 0 ? { oneOf: first } : { allOf: oneOfs.map((oneOf) => ({ oneOf })) }),
  };
}

/** A joi schema as JSON Schema (`json`) or as an OpenAPI 3.0 schema object (`open-api`). */
export function toJsonSchema(schema: Joi.Schema, mode: 'json' | 'open-api'): JsonSchema {
  return stateConditionalPresence(schema, parse(schema, mode));
}
