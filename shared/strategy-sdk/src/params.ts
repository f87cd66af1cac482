import Joi from 'joi';

/** One numeric parameter: its default, bounds, and whether it must be a whole number. */
export interface ParamSpec {
  readonly default: number;
  readonly integer: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly description?: string;
}

/** A strategy's parameters by name. */
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** The values of `S`'s parameters, as `decide` and `indicators` receive them. */
export type ParamValues<S extends ParamSpecs> = { readonly [K in keyof S]: number };

type Bounds = Omit<ParamSpec, 'default' | 'integer'>;

/** Parameter builders: `param.int(20, { min: 2, max: 200 })`, `param.number(2.5, { min: 0 })`. */
export const param = {
  /** A whole number (a period in bars, a count). */
  int: (defaultValue: number, bounds: Bounds = {}): ParamSpec => ({
    default: defaultValue,
    integer: true,
    ...bounds,
  }),
  /** Any number (a threshold, a multiple, a fraction). */
  number: (defaultValue: number, bounds: Bounds = {}): ParamSpec => ({
    default: defaultValue,
    integer: false,
    ...bounds,
  }),
};

/** The defaults of `specs`. */
export function defaultsOf<S extends ParamSpecs>(specs: S): ParamValues<S> {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default])) as ParamValues<S>;
}

/**
 * The Joi schema of `specs`: every parameter a number in its bounds, no unknown names, and `check`
 * (a rule across parameters, e.g. slow > fast) saying what is wrong in words, or undefined.
 */
export function schemaOf<S extends ParamSpecs>(
  specs: S,
  check?: (params: ParamValues<S>) => string | undefined,
): Joi.ObjectSchema<ParamValues<S>> {
  const keys: Record<string, Joi.NumberSchema> = {};
  for (const [name, spec] of Object.entries(specs)) {
    let schema = Joi.number();
    if (spec.integer) schema = schema.integer();
    if (spec.min !== undefined) schema = schema.min(spec.min);
    if (spec.max !== undefined) schema = schema.max(spec.max);
    if (spec.description) schema = schema.description(spec.description);
    keys[name] = schema.required();
  }
  const schema = Joi.object<ParamValues<S>>(keys);
  if (!check) return schema;
  return schema.custom((value: ParamValues<S>, helpers) => {
    const problem = check(value);
    return problem === undefined ? value : helpers.message({ custom: problem });
  });
}
