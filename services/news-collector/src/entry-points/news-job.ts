import type { Clock } from '@trading/domain';
import { systemClock, toDecimal } from '@trading/domain';
import { type Broker, createEvent, type NewsPayload, STREAMS } from '@trading/messaging';
import { type Config, isDataError, type Logger, type Metrics } from '@trading/platform';
import { type FinnhubClient } from '@trading/providers';
import { daysAgo, type NewsItem, readWatchlist, type Repositories } from '@trading/store';

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
 * Finnhub's id) and publish those on `market.news`. A symbol whose fetch fails with a data error is
 * skipped and counted; the others go on.
 */
export function createNewsJob(deps: NewsJobDeps): () => Promise<void> {
  const { config, repos, broker, finnhub, logger } = deps;
  const now = deps.now ?? systemClock;
  const stored = deps.metrics.counter('news_stored_total', 'New news items stored and published');

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
    for (const row of fresh) {
      await broker.publish(
        STREAMS.news,
        createEvent<NewsPayload>(
          'news.published',
          {
            symbol,
            provider: row.provider,
            providerId: row.providerId,
            headline: row.headline,
            publishedAt: row.publishedAt.toISOString(),
            sentiment: row.sentiment,
          },
          { id: `news:${row.provider}:${row.providerId}:${symbol}` },
        ),
      );
    }
    stored.inc(fresh.length);
    return fresh.length;
  }

  return async () => {
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
  };
}
