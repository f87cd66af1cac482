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
}

/** Repository of `news`: de-duplicated by the provider's id (per symbol). */
export class NewsRepository {
  constructor(private readonly knex: Knex) {}

  /** Store items not seen before; resolves to the ones that were new (the ones to publish). */
  async insertNew(items: readonly NewsItem[]): Promise<NewsRow[]> {
    if (items.length === 0) return [];
    return this.knex('news')
      .insert(items)
      .onConflict(['provider', 'providerId', 'symbol'])
      .ignore()
      .returning('*') as Promise<NewsRow[]>;
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
