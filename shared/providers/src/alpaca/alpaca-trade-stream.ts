import { type BrokerOrder, DataError } from '@trading/domain';
import type { Config, Logger, Metrics } from '@trading/platform';
import { errorMessage } from '@trading/platform';

import {
  ReconnectingSocket,
  type SocketPolicy,
  socketPolicy,
  webSocketUrl,
} from '../stream/reconnecting-socket.js';
import { parseOrder } from './alpaca-wire.js';

/** One `trade_updates` event: what happened, and the order as the broker now sees it. */
export interface TradeUpdate {
  /** `new`, `fill`, `partial_fill`, `canceled`, `expired`, `rejected`, `replaced`, … */
  event: string;
  order: BrokerOrder;
  /** The execution's id (fills only). */
  executionId: string | undefined;
}

/** What the trade stream hands to its consumer, one call at a time, in arrival order. */
export interface TradeStreamHandler {
  onUpdate(update: TradeUpdate): Promise<void>;
  /** Listening again after a (re)connection: updates sent while it was down must be fetched. */
  onListening(): Promise<void>;
}

/** Options of {@link AlpacaTradeStream}. */
export interface AlpacaTradeStreamOptions {
  config: Config;
  handler: TradeStreamHandler;
  logger: Logger;
  metrics?: Metrics;
  policy?: Partial<SocketPolicy>;
}

/**
 * Alpaca's trading stream (`wss://…/stream`): `auth`, `listen` to `trade_updates`, and each update
 * (text or binary frame: the paper endpoint sends binary) checked against the order schema and
 * handed on in order. An update that is not a valid order is counted and logged, not handed on:
 * the order poll brings that order's state.
 */
export class AlpacaTradeStream {
  readonly #socket: ReconnectingSocket;
  readonly #options: AlpacaTradeStreamOptions;
  #chain: Promise<void> = Promise.resolve();
  #failures = 0;

  constructor(options: AlpacaTradeStreamOptions) {
    const { config } = options;
    this.#options = options;
    this.#socket = new ReconnectingSocket({
      name: 'trade-updates',
      url: webSocketUrl(config.alpacaTradingUrl, '/stream'),
      policy: socketPolicy(config, options.policy),
      logger: options.logger,
      metrics: options.metrics,
    });
  }

  /** Updates the handler failed to record so far (the order poll then has to catch up). */
  get failures(): number {
    return this.#failures;
  }

  /** Whether the stream is connected, authorised and listening. */
  get live(): boolean {
    return this.#socket.live;
  }

  /** Connect, and stay connected until {@link close}. */
  start(): void {
    this.#socket.start({
      onOpen: () => {
        const { alpacaApiKey, alpacaApiSecret } = this.#options.config;
        this.#socket.send({
          action: 'auth',
          key: alpacaApiKey?.getSecretValue() ?? '',
          secret: alpacaApiSecret?.getSecretValue() ?? '',
        });
      },
      onMessage: (message) => {
        this.#onMessage(message);
      },
      onClose: () => undefined,
    });
  }

  /** Wait for every handler call queued so far. */
  async idle(): Promise<void> {
    await this.#chain;
  }

  async close(): Promise<void> {
    await this.#socket.close();
    await this.#chain;
  }

  #queue(work: () => Promise<void>): void {
    this.#chain = this.#chain.then(work).catch((err: unknown) => {
      this.#failures++;
      this.#options.logger.error('trade update not handled', { stream: 'trade-updates', error: err });
    });
  }

  #onMessage(message: unknown): void {
    const msg = (message ?? {}) as { stream?: unknown; data?: Record<string, unknown> };
    const data = msg.data ?? {};
    const stream = typeof msg.stream === 'string' ? msg.stream : 'invalid';
    this.#socket.count(stream);
    if (stream === 'authorization') {
      if (data.status === 'authorized') {
        this.#socket.send({ action: 'listen', data: { streams: ['trade_updates'] } });
      } else this.#socket.fail('authorization refused', 'refused');
      return;
    }
    if (stream === 'listening') {
      const streams = Array.isArray(data.streams) ? data.streams : [];
      if (streams.includes('trade_updates')) {
        this.#socket.markLive();
        this.#queue(async () => this.#options.handler.onListening());
      } else this.#socket.fail('trade_updates not granted', 'refused');
      return;
    }
    if (stream !== 'trade_updates') return;
    let update: TradeUpdate;
    try {
      update = {
        event: typeof data.event === 'string' ? data.event : 'unknown',
        order: parseOrder(data.order),
        executionId: typeof data.execution_id === 'string' ? data.execution_id : undefined,
      };
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      this.#socket.count('invalid');
      this.#options.logger.warn('trade update refused: the order poll will bring it', {
        stream: 'trade-updates',
        error: errorMessage(err),
      });
      return;
    }
    this.#queue(async () => this.#options.handler.onUpdate(update));
  }
}
