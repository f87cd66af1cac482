import {
  type AlpacaMarketDataClient,
  type Broker,
  type CandlePayload,
  type CandleRow,
  type Config,
  createEvent,
  type Logger,
  type Metrics,
  readWatchlist,
  type Repositories,
  STREAMS,
} from '@trading/shared';

import { barSeconds, fetchStart, isClosed, toCandle } from '../domain/bar-window.js';

/** Dependencies of the collect job. */
export interface CollectJobDeps {
  config: Config;
  repos: Repositories;
  broker: Broker;
  market: AlpacaMarketDataClient;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
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
 * one (or the backfill window), upsert them, then publish on `market.candles` every completed bar
 * not published before, oldest first, and mark it published. Publication state lives in the
 * database, so a restart neither skips nor repeats bars (a crash between publish and mark can
 * repeat one; its event id is the bar's, and consumers skip bars they have seen).
 */
export function createCollectJob(deps: CollectJobDeps): () => Promise<void> {
  const { config, repos, broker, market, logger } = deps;
  const now = deps.now ?? (() => new Date());
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

  async function fetchSymbol(symbol: string): Promise<void> {
    const start = fetchStart(await repos.candles.latestTs(symbol, timeframe), config.backfillDays, now());
    const bars = (await market.getBars({ symbols: [symbol], timeframe, start })).get(symbol) ?? [];
    fetched.inc(bars.length);
    await repos.candles.upsertMany(bars.map((b) => toCandle(b, timeframe)));
    if (bars.length > 0)
      logger.info('bars stored', { symbol, bars: bars.length, from: bars[0]?.ts, to: bars.at(-1)?.ts });
  }

  async function publishPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = (await repos.candles.unpublished(PUBLISH_BATCH)).filter((r) =>
        isClosed(r.ts, timeframe, now()),
      );
      if (rows.length === 0) return total;
      for (const row of rows) {
        await broker.publish(STREAMS.candles, candleEvent(row));
        published.inc({ symbol: row.symbol });
        lastBar.set({ symbol: row.symbol }, row.ts.getTime() / 1000);
      }
      await repos.candles.markPublished(rows.map((r) => r.id));
      total += rows.length;
      if (rows.length < PUBLISH_BATCH) return total;
    }
  }

  return async () => {
    const watchlist = await readWatchlist(config, repos.scores);
    for (const symbol of watchlist) await fetchSymbol(symbol);
    const count = await publishPending();
    if (count > 0) logger.info('bars published', { stream: STREAMS.candles, count });
  };
}
