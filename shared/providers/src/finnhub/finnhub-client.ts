import { type Decimal, toDecimal } from '@trading/domain';
import type { Config, Logger, Metrics } from '@trading/platform';
import { createRedactor, policyFromConfig } from '@trading/platform';
import Joi from 'joi';

import { HttpJsonClient } from '../http/http-json-client.js';
import { TokenBucket } from '../http/token-bucket.js';

/** One company-news item. */
export interface CompanyNews {
  id: string;
  symbol: string;
  headline: string;
  summary: string;
  source: string;
  url: string;
  publishedAt: Date;
  category: string;
}

/** A real-time quote. */
export interface Quote {
  current: Decimal;
  change: Decimal | null;
  changePercent: Decimal | null;
  high: Decimal;
  low: Decimal;
  open: Decimal;
  previousClose: Decimal;
  at: Date;
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
const quoteSchema = Joi.object({
  c: Joi.number().required(),
  d: Joi.number().allow(null),
  dp: Joi.number().allow(null),
  h: Joi.number().required(),
  l: Joi.number().required(),
  o: Joi.number().required(),
  pc: Joi.number().required(),
  t: Joi.number().required(),
});

const day = (d: Date): string => d.toISOString().slice(0, 10);

/** Finnhub (company news and quotes); the token travels in the X-Finnhub-Token header, never the URL. */
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

  async quote(symbol: string): Promise<Quote> {
    const q = await this.#http.request<Record<string, number | null>>('GET', '/quote', {
      query: { symbol },
      schema: quoteSchema,
    });
    const n = (v: number | null | undefined, f: string): Decimal | null =>
      v === null || v === undefined ? null : toDecimal(v, f);
    return {
      current: toDecimal(q.c ?? 0, 'c'),
      change: n(q.d, 'd'),
      changePercent: n(q.dp, 'dp'),
      high: toDecimal(q.h ?? 0, 'h'),
      low: toDecimal(q.l ?? 0, 'l'),
      open: toDecimal(q.o ?? 0, 'o'),
      previousClose: toDecimal(q.pc ?? 0, 'pc'),
      at: new Date((q.t ?? 0) * 1000),
    };
  }

  async close(): Promise<void> {
    await this.#http.close();
  }
}
