import type { PriceSeries } from './price-series.js';
import type { AlpacaServer, WireBar } from './providers/alpaca-server.js';

const MINUTE = 60_000;
/** Bars the local broker keeps per symbol (what a backfill can fetch). */
const KEEP = 2000;
/** Bars published at once before the first tick, so strategies can warm up at start. */
const WARMUP = 60;

/** Where a symbol's stored history ends: the simulation continues from there. */
export interface SimResume {
  /** Start of the newest stored bar. */
  ts: Date;
  close: number;
}

/** Options of {@link startMarketSimulator}. */
export interface MarketSimulatorOptions {
  alpaca: AlpacaServer;
  series: readonly PriceSeries[];
  /** Real time between two simulated minutes while the simulation is behind the clock. */
  barMs: number;
  /** History already stored, by symbol. */
  resume?: ReadonlyMap<string, SimResume>;
  /** How far back a fresh simulation starts (so it can run fast before it meets real time). */
  startBehindMs?: number;
  now?: () => number;
}

/** A running simulated market. */
export interface MarketSimulator {
  /** Start of the next bar to be published (simulated time). */
  readonly clock: Date;
  /** Publish the next minute's bars now (the timer calls it; tests call it directly). */
  tick(): boolean;
  close(): Promise<void>;
}

/**
 * A simulated market feeding the local Alpaca server: one-minute bars for every series, stamped in
 * the past so the data-collector sees closed bars, published one simulated minute per `barMs` until
 * the simulation reaches real time, then one per real minute. Each bar also sets the symbol's last
 * price, at which the paper broker fills market orders. A resumed simulation starts after the
 * newest stored bar, from its close.
 */
export function startMarketSimulator(options: MarketSimulatorOptions): MarketSimulator {
  const now = options.now ?? Date.now;
  const floorMinute = (t: number) => Math.floor(t / MINUTE) * MINUTE;
  const freshStart = floorMinute(now() - (options.startBehindMs ?? 86_400_000));
  const resumed = [...(options.resume?.values() ?? [])].map((r) => r.ts.getTime() + MINUTE);
  let clock = resumed.length > 0 ? Math.min(...resumed) : freshStart;
  const wire = new Map<string, WireBar[]>();
  const last = new Map<string, number>();

  function publish(series: PriceSeries, at: number): void {
    const bar = series.barAt(at / MINUTE, last.get(series.symbol));
    last.set(series.symbol, bar.close);
    const list = wire.get(series.symbol) ?? [];
    list.push({
      t: new Date(at).toISOString(),
      o: bar.open,
      h: bar.high,
      l: bar.low,
      c: bar.close,
      v: bar.volume,
    });
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
    wire.set(series.symbol, list);
  }

  for (const series of options.series) {
    const r = options.resume?.get(series.symbol);
    if (r) {
      last.set(series.symbol, r.close);
      // Bars between this symbol's last stored one and the common clock.
      for (let at = r.ts.getTime() + MINUTE; at < clock; at += MINUTE) publish(series, at);
    } else {
      for (let at = clock - WARMUP * MINUTE; at < clock; at += MINUTE) publish(series, at);
    }
    options.alpaca.setBars(series.symbol, wire.get(series.symbol) ?? []);
  }

  function tick(): boolean {
    // A bar is closed once its minute has passed: never publish one still in progress.
    if (clock + MINUTE > now()) return false;
    for (const series of options.series) {
      publish(series, clock);
      options.alpaca.setBars(series.symbol, wire.get(series.symbol) ?? []);
    }
    clock += MINUTE;
    return true;
  }

  const timer = setInterval(tick, options.barMs);
  return {
    get clock() {
      return new Date(clock);
    },
    tick,
    async close() {
      clearInterval(timer);
      return Promise.resolve();
    },
  };
}
