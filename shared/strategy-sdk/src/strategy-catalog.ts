import {
  ConfigError,
  type ExitRules,
  type StrategyBar,
  type StrategyDefinition,
  type StrategyInstance,
  type StrategyPosition,
  type StrategySignal,
  ValidationError,
} from '@trading/domain';

import { checkExitRules } from './define-strategy.js';

/** A strategy chosen by name with its validated parameters and the protective exits of the run. */
export interface ConfiguredStrategy {
  name: string;
  params: Record<string, unknown>;
  exits: ExitRules;
  create(): StrategyInstance;
}

/** A strategy in the catalog and where it came from: `built-in`, or the file that defines it. */
export interface CatalogEntry {
  definition: StrategyDefinition<object>;
  source: string;
}

/**
 * Every strategy the platform can run, by name: the built-ins and those of the strategies folder
 * (see {@link loadStrategyCatalog}). The engine, the backtester, the API and the bot all ask it.
 */
export class StrategyCatalog {
  readonly #entries = new Map<string, CatalogEntry>();

  /** @throws TypeError when two entries share a name, naming both sources. */
  constructor(entries: readonly CatalogEntry[]) {
    for (const entry of entries) {
      const taken = this.#entries.get(entry.definition.name);
      if (taken)
        throw new TypeError(
          `two strategies are named '${entry.definition.name}': ${taken.source} and ${entry.source}; rename one`,
        );
      this.#entries.set(entry.definition.name, entry);
    }
  }

  /** Every name, in the order added (built-ins first). */
  get names(): string[] {
    return [...this.#entries.keys()];
  }

  /** Every strategy with its source. */
  list(): CatalogEntry[] {
    return [...this.#entries.values()];
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /**
   * Resolve a strategy and its parameters (defaults overridden by `overrides`).
   * @throws ValidationError for an unknown strategy or bad parameters, naming them.
   */
  configure(
    name: string,
    overrides: Record<string, unknown> = {},
    exitOverrides: ExitRules = {},
  ): ConfiguredStrategy {
    const definition = this.#entries.get(name)?.definition;
    if (!definition) throw new ValidationError(`unknown strategy '${name}'; known: ${this.names.join(', ')}`);
    const result = definition.schema.validate(
      { ...definition.defaults, ...overrides },
      { abortEarly: false, convert: true },
    );
    if (result.error) {
      throw new ValidationError(`bad parameters for ${name}: ${result.error.message}`, result.error.details);
    }
    const params = result.value as Record<string, unknown>;
    const exits = { ...definition.exitsFor?.(params), ...exitOverrides };
    const invalid = checkExitRules(exits);
    if (invalid) throw new ValidationError(`bad exits for ${name}: ${invalid}`);
    return { name, params, exits, create: () => afterWarmup(definition.create(params, exits)) };
  }

  /**
   * The strategies STRATEGIES names with STRATEGY_PARAMS applied.
   * @throws ConfigError naming every unknown strategy and bad parameter (one line, exit 78).
   */
  configureAll(
    names: readonly string[],
    params: Readonly<Record<string, Record<string, unknown>>>,
  ): ConfiguredStrategy[] {
    const problems: { key: string; message: string }[] = [];
    const configured: ConfiguredStrategy[] = [];
    for (const name of names) {
      try {
        configured.push(this.configure(name, params[name]));
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        problems.push({ key: this.has(name) ? 'STRATEGY_PARAMS' : 'STRATEGIES', message: err.message });
      }
    }
    if (problems.length > 0)
      throw new ConfigError(
        `invalid configuration: ${problems.map((d) => `${d.key}: ${d.message}`).join('; ')}`,
        problems,
      );
    return configured;
  }
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

  update(bar: StrategyBar, position?: StrategyPosition): StrategySignal | undefined {
    const signal = this.inner.update(bar, position);
    return ++this.#seen >= this.warmupBars ? signal : undefined;
  }

  plot(): Readonly<Record<string, number>> {
    return this.inner.plot?.() ?? {};
  }
}
