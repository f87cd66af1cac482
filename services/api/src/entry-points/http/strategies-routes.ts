import { type Config } from '@trading/platform';
import type { StrategyCatalog } from '@trading/strategy-sdk';
import Joi from 'joi';

import { listOf } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';

const strategySchema = Joi.object({
  name: Joi.string(),
  description: Joi.string(),
  source: Joi.string().description("'built-in', or the file in STRATEGIES_DIR that defines it"),
  enabled: Joi.boolean().description('Whether the strategy-engine runs it (STRATEGIES)'),
  // `.unknown(true)`: OpenAPI 3.0 has no patternProperties, and without it the document would say
  // these objects have no properties at all (every real answer would break its own schema).
  defaults: Joi.object()
    .pattern(Joi.string(), Joi.number())
    .unknown(true)
    .description('Default parameters: a number by parameter name'),
  params: Joi.object()
    .pattern(Joi.string(), Joi.number())
    .unknown(true)
    .description('Parameters in use (a number by name): the defaults with STRATEGY_PARAMS applied'),
  parameters: Joi.object().unknown(true).description('JSON Schema of the parameters'),
  // Each exit only when the strategy declares it.
  exits: Joi.object({
    stopLoss: Joi.number().optional(),
    stopLossAtr: Joi.number().optional(),
    atrBars: Joi.number().integer().optional(),
    takeProfit: Joi.number().optional(),
    trailingStop: Joi.number().optional(),
    maxBars: Joi.number().integer().optional(),
  }).description('Protective exits with the parameters in use: fractions of the entry close, bars'),
}).label('Strategy');

/** `GET /strategies`: every strategy with its parameters, whether it runs, and their schema. */
export function strategiesEndpoints(config: Config, catalog: StrategyCatalog): Endpoint[] {
  // Computed once, on the first request (the schema converter is loaded only then): the registry
  // and the config do not change while the API runs.
  let data: Promise<Record<string, unknown>[]> | undefined;
  const strategies = async () => {
    const { toJsonSchema } = await import('./to-json-schema.js');
    return catalog.list().map(({ definition: s, source }) => ({
      name: s.name,
      description: s.description,
      source,
      enabled: config.strategies.includes(s.name),
      defaults: s.defaults,
      params: { ...s.defaults, ...config.strategyParams[s.name] },
      exits: s.exitsFor?.({ ...s.defaults, ...config.strategyParams[s.name] }) ?? {},
      parameters: toJsonSchema(s.schema, 'json'),
    }));
  };
  return [
    endpoint({
      method: 'get',
      path: '/strategies',
      operationId: 'listStrategies',
      summary: 'Strategies with their parameters',
      tag: 'strategies',
      responses: { 200: { description: 'Every strategy', schema: listOf(strategySchema, 'StrategyList') } },
      async handle() {
        data ??= strategies();
        return { body: { data: await data } };
      },
    }),
  ];
}
