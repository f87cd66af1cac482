import type { ConfiguredStrategy, StrategyBar, StrategyInstance, StrategySignal } from '@trading/domain';

/** A signal with its reason and the strategy that made it. */
export interface BookSignal extends Omit<StrategySignal, 'describe'> {
  reason: string;
  strategy: string;
  params: Record<string, unknown>;
}

/**
 * The running strategies of one symbol and timeframe, with the time of the last bar they saw.
 * Pure: no I/O. `rebuild` replays history without emitting, so the state after a restart equals the
 * state of an engine that never stopped.
 */
export class StrategyBook {
  readonly #strategies: { config: ConfiguredStrategy; instance: StrategyInstance }[];
  #lastTs = Number.NEGATIVE_INFINITY;

  constructor(strategies: readonly ConfiguredStrategy[]) {
    this.#strategies = strategies.map((config) => ({ config, instance: config.create() }));
  }

  /** Bars of history a rebuild replays so every strategy's state equals an uninterrupted run's. */
  get historyBars(): number {
    return Math.max(0, ...this.#strategies.map((s) => s.instance.historyBars ?? s.instance.warmupBars));
  }

  get lastTs(): number {
    return this.#lastTs;
  }

  /** Feed past bars (oldest first) without emitting signals. */
  rebuild(history: readonly StrategyBar[]): void {
    for (const bar of history) this.update(bar);
  }

  /** Feed bars (oldest first) and collect every signal with its bar's time: a backtest-style run. */
  rebuildAndCollect(bars: readonly StrategyBar[]): (BookSignal & { ts: number })[] {
    return bars.flatMap((bar) => this.update(bar).map((s) => ({ ...s, ts: bar.ts })));
  }

  /**
   * Feed one bar. A bar not newer than the last one seen (a redelivery, or a replay after a restart)
   * changes nothing and yields nothing.
   */
  update(bar: StrategyBar): BookSignal[] {
    if (bar.ts <= this.#lastTs) return [];
    this.#lastTs = bar.ts;
    const signals: BookSignal[] = [];
    for (const { config, instance } of this.#strategies) {
      const signal = instance.update(bar);
      if (signal) {
        signals.push({
          side: signal.side,
          strength: signal.strength,
          reason: signal.describe(),
          strategy: config.name,
          params: config.params,
        });
      }
    }
    return signals;
  }
}
