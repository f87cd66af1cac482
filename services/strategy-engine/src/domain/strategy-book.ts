import type { StrategyBar, StrategyInstance, StrategyPosition, StrategySignal } from '@trading/domain';
import type { ConfiguredStrategy } from '@trading/strategy-sdk';

/** A signal with its reason and the strategy that made it. */
export interface BookSignal extends Omit<StrategySignal, 'describe'> {
  reason: string;
  strategy: string;
  params: Record<string, unknown>;
}

/** What the book holds in the symbol as a bar closes (signed shares, average cost, when opened). */
export interface HeldPosition {
  qty: number;
  avgCost: number;
  /** When the opening fill happened. */
  openedAt?: Date;
  /** The bar whose signal opened it (none for a trader's order). */
  signalBarTs?: Date;
}

/** Bar times kept to count the bars a position has been held (a year of minute bars). */
const KEPT_BAR_TIMES = 100_000;

/**
 * The running strategies of one symbol and timeframe, with the time of the last bar they saw.
 * Pure: no I/O. `rebuild` replays history without emitting (and flat: past positions are not
 * replayed), so the state after a restart equals the state of an engine that never stopped.
 */
export class StrategyBook {
  readonly #strategies: { config: ConfiguredStrategy; instance: StrategyInstance }[];
  #lastTs = Number.NEGATIVE_INFINITY;
  /** Times of the bars seen, oldest first: a position's bars held is a count of them. */
  #times: number[] = [];

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
   * Feed one bar with what is held. A bar not newer than the last one seen (a redelivery, or a
   * replay after a restart) changes nothing and yields nothing.
   */
  update(bar: StrategyBar, held?: HeldPosition): BookSignal[] {
    if (bar.ts <= this.#lastTs) return [];
    this.#lastTs = bar.ts;
    this.#times.push(bar.ts);
    if (this.#times.length > 2 * KEPT_BAR_TIMES) this.#times = this.#times.slice(-KEPT_BAR_TIMES);
    const position = held && held.qty !== 0 ? this.#position(bar, held) : undefined;
    const signals: BookSignal[] = [];
    for (const { config, instance } of this.#strategies) {
      const signal = instance.update(bar, position);
      if (signal) {
        signals.push({
          side: signal.side,
          strength: signal.strength,
          reason: signal.describe(),
          strategy: config.name,
          params: config.params,
          ...(signal.exits && { exits: signal.exits }),
          ...(signal.exitReason && { exitReason: signal.exitReason }),
        });
      }
    }
    return signals;
  }

  /**
   * The strategies' view of a held position. Bars held counts the bars closed since the bar whose
   * signal opened it, as the backtester does; for a trader's order, the bars begun after its fill.
   */
  #position(bar: StrategyBar, held: HeldPosition): StrategyPosition {
    const entryTs = held.openedAt?.getTime() ?? Number.NaN;
    const since = held.signalBarTs?.getTime() ?? entryTs;
    const pnl = (bar.close - held.avgCost) * held.qty;
    return {
      qty: held.qty,
      entryPrice: held.avgCost,
      entryTs,
      barsHeld: Number.isNaN(since) ? 0 : this.#times.length - countAtOrBefore(this.#times, since),
      unrealisedPnl: pnl,
      unrealisedReturn: held.avgCost > 0 ? pnl / Math.abs(held.avgCost * held.qty) : 0,
    };
  }
}

/** How many of the sorted `times` are ≤ `ts` (binary search). */
function countAtOrBefore(times: readonly number[], ts: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? 0) <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
