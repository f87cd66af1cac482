import type { Config } from '../../config/config.js';

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
