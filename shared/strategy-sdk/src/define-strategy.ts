import {
  type ExitRules,
  FLAT_STRATEGY_POSITION,
  type ProtectiveExits,
  type StrategyBar,
  type StrategyDefinition,
  type StrategyInstance,
  type StrategyPosition,
  type StrategySignal,
} from '@trading/domain';

import type { Decision } from './decision.js';
import type { Indicator } from './indicators/indicator.js';
import { Atr } from './indicators/volatility.js';
import { defaultsOf, type ParamSpecs, type ParamValues, schemaOf } from './params.js';

/** The indicators a strategy declares, by the names `decide` reads them. */
export type Indicators = Readonly<Record<string, Indicator<unknown>>>;

/** What `decide` sees on each bar. */
export interface DecisionContext<P extends ParamSpecs, I extends Indicators, S extends object> {
  /** The bar that just closed. */
  readonly bar: StrategyBar;
  readonly params: ParamValues<P>;
  /** The strategy's indicators, already fed this bar. */
  readonly ind: I;
  /** What is held in this symbol as the bar closes (flat while history is replayed). */
  readonly position: StrategyPosition;
  /** The strategy's own state from {@link StrategySpec.state}: derive it from bars, never from `position`. */
  readonly state: S;
}

/** A strategy as a trader writes it. */
export interface StrategySpec<P extends ParamSpecs, I extends Indicators, S extends object = object> {
  /** Lower-case letters, digits and dashes: the name in STRATEGIES, the CLI and the dashboard. */
  readonly name: string;
  /** One sentence: what makes it buy and sell. */
  readonly description: string;
  readonly params: P;
  /** A rule across parameters (e.g. slow above fast): what is wrong, in words, or undefined. */
  readonly check?: (params: ParamValues<P>) => string | undefined;
  /** The indicators, built from the parameters. */
  readonly indicators: (params: ParamValues<P>) => I;
  /** Bars before a decision counts; by default one more than the slowest indicator needs. */
  readonly warmup?: (params: ParamValues<P>) => number;
  /**
   * Protective exits (stop-loss, take-profit, trailing stop, holding limit), fixed or from the
   * parameters; a run may override them (`--stop-loss`, the API's `exits`).
   */
  readonly exits?: ExitRules | ((params: ParamValues<P>) => ExitRules);
  /** Mutable state of your own (e.g. the last sign of something), made fresh for each run. */
  readonly state?: () => S;
  /**
   * The series to draw on the price chart (dashboard and report), by label: e.g.
   * `({ ind }) => ({ 'SMA 10': ind.fast.value })`. Price-scaled values only (an RSI is not).
   */
  readonly plot?: (ctx: { bar: StrategyBar; params: ParamValues<P>; ind: I }) => Record<string, number>;
  /** The decision on each closed bar: {@link enter}, {@link exit}, or nothing. */
  readonly decide: (ctx: DecisionContext<P, I, S>) => Decision | undefined;
}

/** A strategy made with {@link defineStrategy}: what the engine, the backtester and the loader take. */
export interface SdkStrategy<P extends ParamSpecs = ParamSpecs> extends StrategyDefinition<ParamValues<P>> {
  /** Marks a definition built by this SDK (the loader checks it). */
  readonly sdk: 1;
  readonly paramSpecs: P;
}

const NAME = /^[a-z][a-z0-9-]{1,39}$/;

/**
 * Define a strategy: its parameters (defaults and bounds), the indicators it reads, and its
 * decision per bar. The result runs unchanged in the backtester, the paper simulation and live.
 * @throws TypeError for a name that is not lower-case-with-dashes or a default outside its bounds.
 */
export function defineStrategy<P extends ParamSpecs, I extends Indicators, S extends object = object>(
  spec: StrategySpec<P, I, S>,
): SdkStrategy<P> {
  if (!NAME.test(spec.name))
    throw new TypeError(`strategy name '${spec.name}' must be 2–40 lower-case letters, digits or dashes`);
  const defaults = defaultsOf(spec.params);
  const schema = schemaOf(spec.params, spec.check);
  const problem = schema.validate(defaults).error;
  if (problem) throw new TypeError(`strategy ${spec.name}: its defaults are invalid: ${problem.message}`);
  const exitsFor = (params: ParamValues<P>): ExitRules =>
    typeof spec.exits === 'function' ? spec.exits(params) : (spec.exits ?? {});
  const declared = exitsFor(defaults);
  const invalid = checkExitRules(declared);
  if (invalid) throw new TypeError(`strategy ${spec.name}: its exits are invalid: ${invalid}`);
  return {
    sdk: 1,
    name: spec.name,
    description: spec.description,
    paramSpecs: spec.params,
    defaults,
    schema,
    exitsFor,
    create: (params, exits) => new SdkInstance(spec, params, exits ?? exitsFor(params)),
  };
}

/** What is wrong with protective exits, in words, or undefined: fractions in (0, 1), whole bars. */
export function checkExitRules(exits: ExitRules): string | undefined {
  for (const key of ['stopLoss', 'takeProfit', 'trailingStop'] as const) {
    const v = exits[key];
    if (v !== undefined && !(v > 0 && v < 1))
      return `${key} must be a fraction between 0 and 1 (0.05 is 5 %), got ${String(v)}`;
  }
  if (exits.stopLossAtr !== undefined && !(exits.stopLossAtr > 0 && exits.stopLossAtr <= 50))
    return `stopLossAtr must be a multiple of the ATR above 0, got ${String(exits.stopLossAtr)}`;
  if (exits.stopLoss !== undefined && exits.stopLossAtr !== undefined)
    return 'give stopLoss or stopLossAtr, not both';
  // The broker holds a position's shares for one exit at a time: a bracket's legs, or a trailing stop.
  if (
    exits.trailingStop !== undefined &&
    (exits.stopLoss !== undefined || exits.stopLossAtr !== undefined || exits.takeProfit !== undefined)
  )
    return 'a trailingStop stands alone: the broker holds the shares for one exit order at a time';
  for (const key of ['maxBars', 'atrBars'] as const) {
    const v = exits[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1))
      return `${key} must be a whole number of bars ≥ 1, got ${String(v)}`;
  }
  return undefined;
}

/**
 * A running SDK strategy. Its context object is made once and updated in place: the backtester
 * calls it for every bar, and an object per bar would cost more than the arithmetic.
 */
class SdkInstance<P extends ParamSpecs, I extends Indicators, S extends object> implements StrategyInstance {
  readonly warmupBars: number;
  readonly historyBars: number;
  readonly #indicators: Indicator<unknown>[];
  readonly #ctx: { bar: StrategyBar; params: ParamValues<P>; ind: I; position: StrategyPosition; state: S };
  /** The ATR an ATR stop is measured in; undefined without one. */
  readonly #atr: Atr | undefined;

  constructor(
    readonly spec: StrategySpec<P, I, S>,
    params: ParamValues<P>,
    readonly exits: ExitRules,
  ) {
    const ind = spec.indicators(params);
    this.#atr = exits.stopLossAtr === undefined ? undefined : new Atr(exits.atrBars ?? 14);
    this.#indicators = [...Object.values(ind), ...(this.#atr ? [this.#atr] : [])];
    const slowest = Math.max(0, ...this.#indicators.map((i) => i.warmup));
    this.warmupBars = spec.warmup?.(params) ?? slowest + 1;
    this.historyBars = Math.max(this.warmupBars, ...this.#indicators.map((i) => i.history));
    this.#ctx = {
      bar: { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 },
      params,
      ind,
      position: FLAT_STRATEGY_POSITION,
      state: spec.state?.() ?? ({} as S),
    };
  }

  update(bar: StrategyBar, position?: StrategyPosition): StrategySignal | undefined {
    for (const indicator of this.#indicators) indicator.update(bar);
    const ctx = this.#ctx;
    ctx.bar = bar;
    ctx.position = position ?? FLAT_STRATEGY_POSITION;
    // Decided every bar, so state the strategy keeps in `decide` stays as an uninterrupted run's.
    const decision = this.spec.decide(ctx);
    const { maxBars } = this.exits;
    if (maxBars !== undefined && ctx.position.qty > 0 && ctx.position.barsHeld >= maxBars) {
      const held = ctx.position.barsHeld;
      return {
        side: 'sell',
        strength: 1,
        exitReason: 'time',
        describe: () => `time exit: held ${String(held)} bars (maxBars ${String(maxBars)})`,
      };
    }
    if (!decision) return undefined;
    const { reason } = decision;
    const enter = decision.action === 'enter';
    return {
      side: enter ? 'buy' : 'sell',
      strength: Math.min(1, Math.max(0, decision.strength)),
      describe: typeof reason === 'function' ? reason : () => reason,
      ...(enter ? this.#protective(bar.close) : { exitReason: 'signal' as const }),
    };
  }

  plot(): Readonly<Record<string, number>> {
    return this.spec.plot?.(this.#ctx) ?? {};
  }

  /** The entry's protective exits as prices from its bar's close; none when it declares none. */
  #protective(close: number): { exits?: ProtectiveExits } {
    const { stopLoss, stopLossAtr, takeProfit, trailingStop } = this.exits;
    const atr = this.#atr?.value ?? Number.NaN;
    const exits: ProtectiveExits = {};
    if (stopLoss !== undefined) exits.stopPrice = close * (1 - stopLoss);
    if (stopLossAtr !== undefined && !Number.isNaN(atr)) exits.stopPrice = close - stopLossAtr * atr;
    if (takeProfit !== undefined) exits.takeProfitPrice = close * (1 + takeProfit);
    if (trailingStop !== undefined) exits.trailPercent = trailingStop * 100;
    return Object.keys(exits).length === 0 ? {} : { exits };
  }
}
