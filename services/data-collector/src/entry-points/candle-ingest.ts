import type { Clock } from '@trading/domain';
import { isBarClosed, type ProviderBar, screenBars, type ScreenedBar, systemClock } from '@trading/domain';
import { type Broker, type CandlePayload, createEvent, createOutbox, STREAMS } from '@trading/messaging';
import { type Config, type Logger, type Metrics } from '@trading/platform';
import { type AlpacaMarketDataClient } from '@trading/providers';
import { type CandleRow, type Repositories } from '@trading/store';

import { barSeconds, fetchStart, toCandle } from '../domain/bar-window.js';

/** Dependencies of the candle ingest. */
export interface CandleIngestDeps {
  config: Config;
  repos: Repositories;
  broker: Broker;
  market: AlpacaMarketDataClient;
  logger: Logger;
  metrics: Metrics;
  now?: Clock;
}

/** Where bars enter the platform, whichever path brought them (REST poll, stream, gap repair). */
export interface CandleIngest {
  /**
   * Screen each symbol's bars (the money-safety rules), store the valid closed ones in one write;
   * returns them by symbol. `streamed`: the bars come from the stream, which sends a bar once its
   * interval has ended, so a clock up to {@link CLOSE_TOLERANCE_MS} behind the provider's stores
   * it; it is published only once this clock says it ended too (a version sent meanwhile, with late
   * trades, replaces it: only the final bar goes out).
   */
  storeAll(
    bySymbol: ReadonlyMap<string, readonly ProviderBar[]>,
    streamed?: boolean,
  ): Promise<Map<string, { ts: Date }[]>>;
  /**
   * Fetch a symbol's bars from REST after `after` (default: its newest stored bar, or the
   * backfill window) and store them; returns what was stored.
   */
  fetch(symbol: string, after?: Date): Promise<{ ts: Date }[]>;
  /** The newest stored bar of each symbol (absent: none stored). */
  latest(symbols: readonly string[]): Promise<Map<string, Date>>;
  /**
   * Publish, oldest first, every stored closed bar not yet published, except those of symbols
   * whose gaps are being repaired (they go once the repair has stored what was missed, in order).
   */
  flush(): Promise<number>;
  /** Hold a symbol's publication (its gap is being repaired) or release it. */
  hold(symbol: string, held: boolean): void;
}

const PUBLISH_BATCH = 500;
/** How far our clock may lag the provider's for a streamed bar to count as closed (ms). */
export const CLOSE_TOLERANCE_MS = 5000;

/** The candle event: its id names the bar, so a re-publish after a crash is recognisable downstream. */
function candleEvent(row: CandleRow): ReturnType<typeof createEvent<CandlePayload>> {
  return createEvent<CandlePayload>(
    'candle.closed',
    {
      symbol: row.symbol,
      timeframe: row.timeframe,
      ts: row.ts.toISOString(),
      open: row.open,
      high: row.high,
      low: row.low,
      close: row.close,
      volume: row.volume,
    },
    { id: `candle:${row.symbol}:${row.timeframe}:${row.ts.toISOString()}`, occurredAt: row.ts },
  );
}

/**
 * The one way bars are stored and announced: screened (invalid, duplicate and still-forming bars
 * are not stored; see `screenBars`), upserted on (symbol, timeframe, ts), then published on
 * `market.candles` from the database's unpublished rows and marked published. Publication state
 * lives in the database, so a bar that came twice (stream and REST) or a restart neither skips nor
 * repeats it (a crash between publish and mark can repeat one; its event id is the bar's, and
 * consumers skip bars they have seen).
 */
export function createCandleIngest(deps: CandleIngestDeps): CandleIngest {
  const { config, repos, broker, market, logger, metrics } = deps;
  const now = deps.now ?? systemClock;
  const timeframe = config.collectorTimeframe;
  const held = new Set<string>();
  const published = metrics.counter('candles_published_total', 'Bars published on market.candles', [
    'symbol',
  ]);
  const lastBar = metrics.gauge(
    'candles_last_bar_timestamp_seconds',
    'Start of the newest bar published, by symbol (Unix seconds)',
    ['symbol'],
  );
  metrics
    .gauge('collector_bar_seconds', 'Length of the bars the collector publishes (s)')
    .set(barSeconds(timeframe));
  const received = metrics.counter('candles_fetched_total', 'Bars received from the market data provider');
  const corrected = metrics.counter(
    'candles_corrections_total',
    'Bars the provider sent again with other values after they were published (kept as published)',
    ['symbol'],
  );
  const refusedBars = metrics.counter(
    'candles_refused_total',
    'Bars from the provider refused as invalid (skipped, not stored), by symbol and problem',
    ['symbol', 'problem'],
  );

  function screen(symbol: string, raw: readonly ProviderBar[], at: Date): ScreenedBar[] {
    received.inc(raw.length);
    const { bars, refused } = screenBars(raw, timeframe, at);
    if (refused.length > 0) {
      const problems: Record<string, number> = {};
      for (const r of refused) {
        refusedBars.inc({ symbol, problem: r.problem });
        problems[r.problem] = (problems[r.problem] ?? 0) + 1;
      }
      logger.warn('bars refused', { symbol, problems, first: refused[0]?.ts });
    }
    return bars;
  }

  async function storeAll(
    bySymbol: ReadonlyMap<string, readonly ProviderBar[]>,
    streamed = false,
  ): Promise<Map<string, ScreenedBar[]>> {
    const at = streamed ? new Date(now().getTime() + CLOSE_TOLERANCE_MS) : now();
    const stored = new Map([...bySymbol].map(([symbol, raw]) => [symbol, screen(symbol, raw, at)]));
    const candles = [...stored.values()].flat().map((b) => toCandle(b, timeframe));
    // A published bar is final (strategies acted on it): a later version is counted, not written.
    for (const c of await repos.candles.corrections(candles)) {
      corrected.inc({ symbol: c.symbol });
      logger.warn('bar corrected after it was published: kept as published', {
        symbol: c.symbol,
        ts: c.ts.toISOString(),
        close: c.close,
      });
    }
    await repos.candles.upsertMany(candles);
    return stored;
  }

  // A bar stored with a future stamp (before screening existed) must not move the window past now.
  const latest = async (symbols: readonly string[]) => repos.candles.latestTsMany(symbols, timeframe, now());

  const outbox = createOutbox<CandleRow>({
    broker,
    stream: STREAMS.candles,
    source: {
      pending: async (limit) =>
        (await repos.candles.unpublished(limit, [...held])).filter(
          // Only bars that ended by this clock: a streamed bar stored early (the close tolerance) waits
          // for its end, so a correction sent meanwhile is what is published.
          (r) => isBarClosed(r.ts, timeframe, now()),
        ),
      markPublished: async (rows) => repos.candles.markPublished(rows.map((r) => r.id)),
    },
    toEvent: candleEvent,
    batch: PUBLISH_BATCH,
    onPublished: (row) => {
      published.inc({ symbol: row.symbol });
      lastBar.set({ symbol: row.symbol }, row.ts.getTime() / 1000);
    },
  });

  return {
    storeAll,
    latest,
    async fetch(symbol, after) {
      const at = now();
      const from = after ?? (await repos.candles.latestTs(symbol, timeframe, at));
      const start = fetchStart(from, config.backfillDays, at);
      const raw = (await market.getBars({ symbols: [symbol], timeframe, start })).get(symbol) ?? [];
      return (await storeAll(new Map([[symbol, raw]]))).get(symbol) ?? [];
    },
    async flush() {
      const count = await outbox.flush();
      if (count > 0) logger.debug('bars published', { stream: STREAMS.candles, count });
      return count;
    },
    hold(symbol, on) {
      if (on) held.add(symbol);
      else held.delete(symbol);
    },
  };
}
