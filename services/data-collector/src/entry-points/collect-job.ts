import type { Clock } from '@trading/domain';
import { isBarClosed, screenBars, systemClock, TransientError } from '@trading/domain';
import { type Broker, type CandlePayload, createEvent, createOutbox, STREAMS } from '@trading/messaging';
import { classifyError, type Config, errorMessage, type Logger, type Metrics } from '@trading/platform';
import { type AlpacaMarketDataClient } from '@trading/providers';
import { type CandleRow, readWatchlist, type Repositories } from '@trading/store';

import { barSeconds, fetchStart, toCandle } from '../domain/bar-window.js';

/** Dependencies of the collect job. */
export interface CollectJobDeps {
  config: Config;
  repos: Repositories;
  broker: Broker;
  market: AlpacaMarketDataClient;
  logger: Logger;
  metrics: Metrics;
  now?: Clock;
}

const PUBLISH_BATCH = 500;

/** The candle event: its id names the bar, so a re-publish after a crash is recognisable downstream. */
export function candleEvent(row: CandleRow): ReturnType<typeof createEvent<CandlePayload>> {
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
 * One poll of the data-collector: for every watched symbol, fetch the bars after the newest stored
 * one (or the backfill window), screen them (invalid, duplicate and still-forming bars are not
 * stored; see `screenBars`), upsert the rest, then publish on `market.candles` every completed bar
 * not published before, oldest first, and mark it published. Publication state lives in the
 * database, so a restart neither skips nor repeats bars (a crash between publish and mark can
 * repeat one; its event id is the bar's, and consumers skip bars they have seen).
 */
export function createCollectJob(deps: CollectJobDeps): () => Promise<void> {
  const { config, repos, broker, market, logger } = deps;
  const now = deps.now ?? systemClock;
  const timeframe = config.collectorTimeframe;
  const published = deps.metrics.counter('candles_published_total', 'Bars published on market.candles', [
    'symbol',
  ]);
  const lastBar = deps.metrics.gauge(
    'candles_last_bar_timestamp_seconds',
    'Start of the newest bar published, by symbol (Unix seconds)',
    ['symbol'],
  );
  deps.metrics
    .gauge('collector_bar_seconds', 'Length of the bars the collector publishes (s)')
    .set(barSeconds(timeframe));
  const fetched = deps.metrics.counter(
    'candles_fetched_total',
    'Bars received from the market data provider',
  );

  const refusedBars = deps.metrics.counter(
    'candles_refused_total',
    'Bars from the provider refused as invalid (skipped, not stored), by symbol and problem',
    ['symbol', 'problem'],
  );
  const symbolFailures = deps.metrics.counter(
    'collector_symbol_failures_total',
    'Polls of one symbol that failed (the other symbols were still collected)',
    ['symbol'],
  );

  async function fetchSymbol(symbol: string): Promise<void> {
    const at = now();
    // A bar stored with a future stamp (before screening existed) must not move the window past now.
    const latest = await repos.candles.latestTs(symbol, timeframe, at);
    const start = fetchStart(latest, config.backfillDays, at);
    const raw = (await market.getBars({ symbols: [symbol], timeframe, start })).get(symbol) ?? [];
    fetched.inc(raw.length);
    const { bars, refused } = screenBars(raw, timeframe, at);
    if (refused.length > 0) {
      const problems: Record<string, number> = {};
      for (const r of refused) {
        refusedBars.inc({ symbol, problem: r.problem });
        problems[r.problem] = (problems[r.problem] ?? 0) + 1;
      }
      logger.warn('bars refused', { symbol, problems, first: refused[0]?.ts });
    }
    await repos.candles.upsertMany(bars.map((b) => toCandle(b, timeframe)));
    if (bars.length > 0)
      logger.info('bars stored', { symbol, bars: bars.length, from: bars[0]?.ts, to: bars.at(-1)?.ts });
  }

  // Stored bars go out once they have closed; a crash between storing and announcing leaves them
  // pending, and the next run announces them.
  const outbox = createOutbox<CandleRow>({
    broker,
    stream: STREAMS.candles,
    source: {
      pending: async (limit) =>
        (await repos.candles.unpublished(limit)).filter((r) => isBarClosed(r.ts, timeframe, now())),
      markPublished: async (rows) => repos.candles.markPublished(rows.map((r) => r.id)),
    },
    toEvent: candleEvent,
    batch: PUBLISH_BATCH,
    onPublished: (row) => {
      published.inc({ symbol: row.symbol });
      lastBar.set({ symbol: row.symbol }, row.ts.getTime() / 1000);
    },
  });

  return async () => {
    const watchlist = await readWatchlist(config, repos.scores);
    // Each symbol on its own: one that fails (a provider error, a row the database refuses) is
    // logged and counted, and never keeps the others from being collected.
    let fatal: Error | undefined;
    let failed = 0;
    for (const symbol of watchlist) {
      try {
        await fetchSymbol(symbol);
        // eslint-disable-next-line no-restricted-syntax -- isolation per symbol: logged, counted, rethrown below when fatal or total.
      } catch (err) {
        failed++;
        symbolFailures.inc({ symbol });
        logger.warn('symbol not collected this poll', { symbol, error: err });
        if (classifyError(err) === 'fatal')
          fatal ??= err instanceof Error ? err : new Error(errorMessage(err));
      }
    }
    const count = await outbox.flush();
    if (count > 0) logger.info('bars published', { stream: STREAMS.candles, count });
    if (fatal) throw fatal;
    if (failed > 0 && failed === watchlist.length) {
      throw new TransientError(`no symbol could be collected (${String(failed)} failed)`);
    }
  };
}
