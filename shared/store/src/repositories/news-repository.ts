import type { Decimal, NewsArticle } from '@trading/domain';
import type { Knex } from 'knex';

import { newestFirst } from './list-options.js';

/** One news item for one symbol, as stored: the article, who gave it, and its sentiment. */
export interface NewsItem extends NewsArticle {
  provider: string;
  providerId: string;
  /** -1 (bearish) … 1 (bullish). */
  sentiment: Decimal;
}

export interface NewsRow extends NewsItem {
  id: string;
  createdAt: Date;
  /** When the item went out on `market.news`; null until then. */
  eventSentAt: Date | null;
}

/** Repository of `news`: de-duplicated by the provider's id (per symbol). */
export class NewsRepository {
  constructor(private readonly knex: Knex) {}

  /** Store items not seen before (unsent); resolves to the ones that were new. */
  async insertNew(items: readonly NewsItem[]): Promise<NewsRow[]> {
    if (items.length === 0) return [];
    return this.knex('news')
      .insert(items)
      .onConflict(['provider', 'providerId', 'symbol'])
      .ignore()
      .returning('*') as Promise<NewsRow[]>;
  }

  /** Items stored but not yet sent on `market.news`, oldest first. */
  async unsent(limit: number): Promise<NewsRow[]> {
    return this.knex<NewsRow>('news')
      .whereNull('eventSentAt')
      .orderBy([{ column: 'createdAt' }, { column: 'id' }])
      .limit(limit);
  }

  /** Record that items went out on `market.news`. */
  async markSent(ids: readonly string[], at: Date = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await this.knex('news').whereIn('id', ids).update({ eventSentAt: at });
  }

  /** Newest items for a symbol. */
  async latest(symbol: string, limit: number): Promise<NewsRow[]> {
    return this.knex<NewsRow>('news').where({ symbol }).orderBy(newestFirst('publishedAt')).limit(limit);
  }

  /** Average sentiment of a symbol's news since a time, as a decimal; undefined without news. */
  async averageSentiment(symbol: string, since: Date): Promise<Decimal | undefined> {
    const row = await this.knex('news')
      .where({ symbol })
      .andWhere('publishedAt', '>=', since)
      .avg<{ avg: string | null }>('sentiment as avg')
      .first();
    return row?.avg ?? undefined;
  }
}
