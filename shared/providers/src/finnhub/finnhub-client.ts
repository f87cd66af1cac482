import type { NewsArticle } from '@trading/domain';
import type { Config, Logger, Metrics } from '@trading/platform';
import { createRedactor, policyFromConfig } from '@trading/platform';
import Joi from 'joi';

import { HttpJsonClient } from '../http/http-json-client.js';
import { TokenBucket } from '../http/token-bucket.js';

/** One company-news item, with Finnhub's id and category. */
export interface CompanyNews extends NewsArticle {
  id: string;
  category: string;
}

const newsSchema = Joi.array().items(
  Joi.object({
    id: Joi.number().required(),
    datetime: Joi.number().required(),
    headline: Joi.string().allow('').required(),
    summary: Joi.string().allow(''),
    source: Joi.string().allow(''),
    url: Joi.string().allow(''),
    category: Joi.string().allow(''),
    related: Joi.string().allow(''),
  }),
);

const day = (d: Date): string => d.toISOString().slice(0, 10);

/** Finnhub company news; the token travels in the X-Finnhub-Token header, never the URL. */
export class FinnhubClient {
  readonly #http: HttpJsonClient;

  constructor(http: HttpJsonClient) {
    this.#http = http;
  }

  static fromConfig(config: Config, deps: { logger?: Logger; metrics?: Metrics } = {}): FinnhubClient {
    return new FinnhubClient(
      new HttpJsonClient({
        name: 'finnhub',
        baseUrl: config.finnhubBaseUrl,
        headers: () => ({ 'X-Finnhub-Token': config.finnhubApiKey?.getSecretValue() ?? '' }),
        policy: policyFromConfig(config, 'finnhub', deps),
        rateLimiter: new TokenBucket(config.finnhubRateLimitPerMin),
        errorMessage: (body) => (body as { error?: string } | undefined)?.error,
        redact: createRedactor([config.finnhubApiKey].filter((s) => s !== undefined)),
        logger: deps.logger,
      }),
    );
  }

  /** News about a company between two days (inclusive). */
  async companyNews(symbol: string, from: Date, to: Date): Promise<CompanyNews[]> {
    const raw = await this.#http.request<Record<string, string | number>[]>('GET', '/company-news', {
      query: { symbol, from: day(from), to: day(to) },
      schema: newsSchema,
    });
    return raw.map((n) => ({
      id: String(n.id),
      symbol,
      headline: String(n.headline),
      summary: String(n.summary ?? ''),
      source: String(n.source ?? ''),
      url: String(n.url ?? ''),
      category: String(n.category ?? ''),
      publishedAt: new Date(Number(n.datetime) * 1000),
    }));
  }

  async close(): Promise<void> {
    await this.#http.close();
  }
}
