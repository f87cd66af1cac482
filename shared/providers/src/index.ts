export type { Bar } from './alpaca/alpaca-bar.js';
export type { BarsQuery, LatestTrade } from './alpaca/alpaca-market-data-client.js';
export { AlpacaMarketDataClient } from './alpaca/alpaca-market-data-client.js';
export type {
  AlpacaMarketStreamOptions,
  BarChannel,
  MarketStreamHandler,
  StreamBar,
} from './alpaca/alpaca-market-stream.js';
export { AlpacaMarketStream } from './alpaca/alpaca-market-stream.js';
export type {
  AlpacaTradeStreamOptions,
  TradeStreamHandler,
  TradeUpdate,
} from './alpaca/alpaca-trade-stream.js';
export { AlpacaTradeStream } from './alpaca/alpaca-trade-stream.js';
export { AlpacaTradingClient } from './alpaca/alpaca-trading-client.js';
export { parseOrder } from './alpaca/alpaca-wire.js';
export type { LlmAnswer } from './anthropic/anthropic-client.js';
export { AnthropicClient } from './anthropic/anthropic-client.js';
export type { CompanyNews } from './finnhub/finnhub-client.js';
export { FinnhubClient } from './finnhub/finnhub-client.js';
export type { HttpJsonClientOptions, RequestOptions } from './http/http-json-client.js';
export { HttpJsonClient } from './http/http-json-client.js';
export { type BudgetPriority, TokenBucket } from './http/token-bucket.js';
export type { JsonValue } from './llm/extract-json.js';
export { extractJsonFromText } from './llm/extract-json.js';
export type { FailureKind, SocketPolicy, SocketProtocol } from './stream/reconnecting-socket.js';
export { reconnectDelay, ReconnectingSocket, webSocketUrl } from './stream/reconnecting-socket.js';
export { TelegramNotifier } from './telegram/telegram-notifier.js';
