import type { Config, Logger, Metrics } from '@trading/platform';
import { createRedactor, policyFromConfig } from '@trading/platform';

import { HttpJsonClient } from '../http/http-json-client.js';
import { type BudgetPriority, TokenBucket } from '../http/token-bucket.js';

/** Alpaca's auth headers, read from the secrets at the moment a request is sent. */
export function alpacaHeaders(config: Config): Record<string, string> {
  return {
    'APCA-API-KEY-ID': config.alpacaApiKey?.getSecretValue() ?? '',
    'APCA-API-SECRET-KEY': config.alpacaApiSecret?.getSecretValue() ?? '',
  };
}

/** Alpaca error bodies are `{ code, message }`. */
export function alpacaErrorMessage(body: unknown): string | undefined {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** Dependencies of an Alpaca client; pass one `rateLimiter` to several clients to share the account's budget. */
export interface AlpacaClientDeps {
  logger?: Logger;
  metrics?: Metrics;
  rateLimiter?: TokenBucket;
}

/** The HTTP client of one Alpaca API: its own pool and policy, Alpaca's auth and error bodies, the request budget. */
export function alpacaHttp(
  config: Config,
  name: string,
  baseUrl: string,
  deps: AlpacaClientDeps,
  priority: BudgetPriority = 'low',
): HttpJsonClient {
  return new HttpJsonClient({
    name,
    baseUrl,
    headers: () => alpacaHeaders(config),
    policy: policyFromConfig(config, name, deps),
    rateLimiter: deps.rateLimiter ?? new TokenBucket(config.alpacaRateLimitPerMin),
    priority,
    errorMessage: alpacaErrorMessage,
    redact: createRedactor([config.alpacaApiKey, config.alpacaApiSecret].filter((s) => s !== undefined)),
    logger: deps.logger,
  });
}
