import type { Clock } from '@trading/domain';
import { systemClock, toDecimal } from '@trading/domain';
import { type Broker, createEvent, createOutbox, type NewsPayload, STREAMS } from '@trading/messaging';
import { type Config, isDataError, type Logger, type Metrics } from '@trading/platform';
import { type FinnhubClient } from '@trading/providers';
import { daysAgo, type NewsItem, type NewsRow, readWatchlist, type Repositories } from '@trading/store';

import { lexiconSentiment } from '../domain/sentiment.js';

/** Dependencies of the news job. */
export interface NewsJobDeps {
  config: Config;
  repos: Repositories;
  broker: Broker;
  finnhub: FinnhubClient;
  logger: Logger;
  metrics: Metrics;
  now?: Clock;
}

/**
 * One poll of the news-collector: for every watched symbol, fetch the last NEWS_LOOKBACK_DAYS of
 * company news, score each item's sentiment, store the items not seen before (de-duplicated by
 * Finnhub's id) and announce them on `market.news` through the outbox (stored first, then sent once). A symbol whose fetch fails with a data error is
 * skipped and counted; the others go on.
 */
export function createNewsJob(deps: NewsJobDeps): () => Promise<void> {
  const { config, repos, broker, finnhub, logger } = deps;
  const now = deps.now ?? systemClock;
  const stored = deps.metrics.counter('news_stored_total', 'New news items stored and published');
  const outbox = createOutbox<NewsRow>({
    broker,
    stream: STREAMS.news,
    source: {
      pending: async (limit) => repos.news.unsent(limit),
      markPublished: async (rows) => repos.news.markSent(rows.map((r) => r.id)),
    },
    toEvent: (row) =>
      createEvent<NewsPayload>(
        'news.published',
        {
          symbol: row.symbol,
          provider: row.provider,
          providerId: row.providerId,
          headline: row.headline,
          publishedAt: row.publishedAt.toISOString(),
          sentiment: row.sentiment,
        },
        { id: `news:${row.provider}:${row.providerId}:${row.symbol}` },
      ),
  });

  async function collect(symbol: string): Promise<number> {
    const items = await finnhub.companyNews(symbol, daysAgo(config.newsLookbackDays, now()), now());
    const rows: NewsItem[] = items.map((n) => ({
      provider: 'finnhub',
      providerId: n.id,
      symbol,
      headline: n.headline,
      summary: n.summary,
      source: n.source,
      url: n.url,
      publishedAt: n.publishedAt,
      sentiment: toDecimal(lexiconSentiment(`${n.headline}. ${n.summary}`).toFixed(4)),
    }));
    const fresh = await repos.news.insertNew(rows);
    stored.inc(fresh.length);
    return fresh.length;
  }

  return async () => {
    // What an earlier run stored but could not announce (a crash, the broker down) goes first.
    await outbox.flush();
    for (const symbol of await readWatchlist(config, repos.scores)) {
      try {
        const count = await collect(symbol);
        if (count > 0) logger.info('news stored', { symbol, count });
      } catch (err) {
        if (!isDataError(err)) throw err;
        deps.metrics.errorsTotal.inc({ kind: 'data' });
        logger.warn('news for a symbol skipped', { symbol, error: err });
      }
    }
    await outbox.flush();
  };
}
