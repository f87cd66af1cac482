import { ValidationError } from '../errors/app-error.js';
import { macdCross } from './macd-cross.js';
import { rsiReversion } from './rsi-reversion.js';
import { smaCross } from './sma-cross.js';
import type { StrategyBar, StrategyDefinition, StrategyInstance, StrategySignal } from './strategy.js';

/** Every strategy the platform knows, by name. */
export const STRATEGIES: Readonly<Record<string, StrategyDefinition<object>>> = {
  [smaCross.name]: smaCross,
  [rsiReversion.name]: rsiReversion,
  [macdCross.name]: macdCross,
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
  const result = definition.schema.validate(
    { ...definition.defaults, ...overrides },
    { abortEarly: false, convert: true },
  );
  if (result.error) {
    throw new ValidationError(`bad parameters for ${name}: ${result.error.message}`, result.error.details);
  }
  const params = result.value as Record<string, unknown>;
  return { name, params, create: () => afterWarmup(definition.create(params)) };
}

/**
 * A strategy that says nothing before its declared warm-up: its first `warmupBars` − 1 bars only
 * build indicator state, so no strategy trades on an indicator that has not settled. The live
 * engine and the backtester both create strategies here, so both obey it.
 */
export function afterWarmup(instance: StrategyInstance): StrategyInstance {
  return new AfterWarmup(instance);
}

/** A class, not a closure: its counter is a field, so the per-bar call allocates nothing. */
class AfterWarmup implements StrategyInstance {
  readonly warmupBars: number;
  readonly historyBars: number;
  #seen = 0;

  constructor(readonly inner: StrategyInstance) {
    this.warmupBars = inner.warmupBars;
    this.historyBars = inner.historyBars ?? inner.warmupBars;
  }

  update(bar: StrategyBar): StrategySignal | undefined {
    const signal = this.inner.update(bar);
    return ++this.#seen >= this.warmupBars ? signal : undefined;
  }
}
