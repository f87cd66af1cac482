import { ValidationError } from '../errors/app-error.js';
import { macdCross } from './macd-cross.js';
import { rsiReversion } from './rsi-reversion.js';
import { smaCross } from './sma-cross.js';
import type { StrategyDefinition, StrategyInstance } from './strategy.js';

/** Every strategy the platform knows, by name. */
export const STRATEGIES: Readonly<Record<string, StrategyDefinition<object>>> = {
  [smaCross.name]: smaCross as unknown as StrategyDefinition<object>,
  [rsiReversion.name]: rsiReversion as unknown as StrategyDefinition<object>,
  [macdCross.name]: macdCross as unknown as StrategyDefinition<object>,
};

/** A strategy chosen by name with its validated parameters. */
export interface ConfiguredStrategy {
  name: string;
  params: Record<string, unknown>;
  create(): StrategyInstance;
}

/**
 * Resolve a strategy and its parameters (defaults overridden by `overrides`).
 * @throws ValidationError for an unknown strategy or bad parameters, naming them.
 */
export function configureStrategy(name: string, overrides: Record<string, unknown> = {}): ConfiguredStrategy {
  const definition = STRATEGIES[name];
  if (!definition)
    throw new ValidationError(`unknown strategy '${name}'; known: ${Object.keys(STRATEGIES).join(', ')}`);
  const { error, value } = definition.schema.validate(
    { ...definition.defaults, ...overrides },
    { abortEarly: false, convert: true },
  );
  if (error) throw new ValidationError(`bad parameters for ${name}: ${error.message}`, error.details);
  const params = value as Record<string, unknown>;
  return { name, params, create: () => definition.create(params) };
}
