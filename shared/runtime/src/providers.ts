import type { Config, Logger, Metrics } from '@trading/platform';
import {
  AlpacaMarketDataClient,
  AlpacaTradingClient,
  AnthropicClient,
  FinnhubClient,
  TelegramNotifier,
  TokenBucket,
} from '@trading/providers';

/**
 * The provider clients of one process, each built once on first use and shared by every worker
 * in it: one connection pool per provider, and one request budget per Alpaca account (the trading
 * and market-data clients draw on the same ALPACA_RATE_LIMIT_PER_MIN bucket), however many workers
 * `npm start` runs in the process.
 */
export interface Providers {
  readonly alpacaTrading: AlpacaTradingClient;
  readonly alpacaMarketData: AlpacaMarketDataClient;
  readonly finnhub: FinnhubClient;
  /** Undefined when no Anthropic key is configured: the selector ranks without the model. */
  readonly anthropic: AnthropicClient | undefined;
  readonly telegram: TelegramNotifier;
  /** The Alpaca account's request budget. */
  readonly alpacaBudget: TokenBucket;
  /** Close every client built, newest first. */
  close(): Promise<void>;
}

/** The process's provider clients over `config` (nothing is built, and no socket opened, until used). */
export function createProviders(
  config: Config,
  deps: { logger?: Logger; metrics?: Metrics } = {},
): Providers {
  const built: { close(): Promise<void> }[] = [];
  const cache = new Map<string, unknown>();
  const once = <T extends { close(): Promise<void> }>(name: string, build: () => T): T => {
    if (!cache.has(name)) {
      const client = build();
      cache.set(name, client);
      built.push(client);
    }
    return cache.get(name) as T;
  };
  const alpacaBudget = new TokenBucket(config.alpacaRateLimitPerMin);
  return {
    alpacaBudget,
    get alpacaTrading() {
      return once('alpaca-trading', () =>
        AlpacaTradingClient.fromConfig(config, { ...deps, rateLimiter: alpacaBudget }),
      );
    },
    get alpacaMarketData() {
      return once('alpaca-data', () =>
        AlpacaMarketDataClient.fromConfig(config, { ...deps, rateLimiter: alpacaBudget }),
      );
    },
    get finnhub() {
      return once('finnhub', () => FinnhubClient.fromConfig(config, deps));
    },
    get anthropic() {
      return config.anthropicApiKey
        ? once('anthropic', () => AnthropicClient.fromConfig(config, deps))
        : undefined;
    },
    get telegram() {
      return once('telegram', () => new TelegramNotifier(config, deps));
    },
    async close() {
      for (const client of built.reverse()) await client.close();
      built.length = 0;
      cache.clear();
    },
  };
}
