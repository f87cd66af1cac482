import type { ProviderBar } from '@trading/domain';
import type { Config, Logger, Metrics } from '@trading/platform';
import { createRedactor } from '@trading/platform';

import { ReconnectingSocket, type SocketPolicy, socketPolicy } from '../stream/reconnecting-socket.js';
import { toBar } from './alpaca-bar.js';

/** The bar channels of Alpaca's market-data stream. */
export type BarChannel = 'bars' | 'updatedBars' | 'dailyBars';

/** A bar from the stream: `updated` corrects a bar sent before (late trades). */
export interface StreamBar extends ProviderBar {
  channel: BarChannel;
}

const CHANNEL_OF: Record<string, BarChannel> = { b: 'bars', u: 'updatedBars', d: 'dailyBars' };
/** Errors that mean the account may not stream (now): reconnect on the long backoff. */
const REFUSALS = new Set([401, 402, 404, 406, 409]);

/** What the market stream hands to its consumer, one call at a time, in arrival order. */
export interface MarketStreamHandler {
  /** Bars received (one frame's worth). */
  onBars(bars: StreamBar[]): Promise<void>;
  /**
   * The server confirmed these symbols on `bars` (all of them after a (re)connection, `first`
   * true; the added ones after a watch-list change): what was missed before must be repaired.
   */
  onSubscribed(symbols: string[], first: boolean): Promise<void>;
}

/** Options of {@link AlpacaMarketStream}. */
export interface AlpacaMarketStreamOptions {
  config: Config;
  channels: readonly BarChannel[];
  handler: MarketStreamHandler;
  logger: Logger;
  metrics?: Metrics;
  policy?: Partial<SocketPolicy>;
}

/**
 * Alpaca's real-time market data (`/v2/{feed}`): authenticates by message, subscribes the watched
 * symbols on the configured channels (and follows changes without reconnecting), hands bars to the
 * handler in order, and reconnects on its own (see {@link ReconnectingSocket}). Errors: 402 (auth
 * failed), 406 (connection limit: another client holds the account's one connection) and 409
 * (insufficient subscription for the feed) drop the connection and retry on the long backoff
 * while polling carries on; the others are logged.
 */
export class AlpacaMarketStream {
  readonly #socket: ReconnectingSocket;
  readonly #options: AlpacaMarketStreamOptions;
  readonly #redact: (text: string) => string;
  /** What should be subscribed. */
  #wanted = new Set<string>();
  /** What the server confirmed on this connection (`bars`), and what was asked of it. */
  #confirmed = new Set<string>();
  #asked = new Set<string>();
  #authenticated = false;
  #firstConfirmation = true;
  #chain: Promise<void> = Promise.resolve();
  /** Bars received and queued but not yet handed over: later frames join it (one handler call for a burst). */
  #openBatch: StreamBar[] | undefined;
  readonly #errors;
  readonly #stray;

  constructor(options: AlpacaMarketStreamOptions) {
    const { config } = options;
    this.#options = options;
    this.#redact = createRedactor(
      [config.alpacaApiKey, config.alpacaApiSecret].filter((s) => s !== undefined),
    );
    this.#socket = new ReconnectingSocket({
      name: 'market-data',
      url: `${config.alpacaDataStreamUrl.replace(/\/$/, '')}/${config.alpacaDataFeed}`,
      policy: socketPolicy(config, options.policy),
      logger: options.logger,
      metrics: options.metrics,
    });
    this.#stray = options.metrics?.counter(
      'alpaca_stream_stray_bars_total',
      'Bars the market stream sent for a symbol or channel not subscribed (dropped)',
      ['stream', 'channel'],
    );
    this.#errors = options.metrics?.counter(
      'alpaca_stream_errors_total',
      'Error messages an Alpaca stream sent, by code',
      ['stream', 'code'],
    );
  }

  /** Whether the stream is connected, authenticated and subscribed. */
  get live(): boolean {
    return this.#socket.live;
  }

  /** Symbols confirmed on the current connection. */
  get subscribed(): string[] {
    return [...this.#confirmed].sort();
  }

  /** Connect, and stay connected until {@link close}. */
  start(symbols: readonly string[]): void {
    this.#wanted = new Set(symbols);
    this.#socket.start({
      onOpen: () => {
        this.#authenticated = false;
      },
      onMessage: (message) => {
        this.#onFrame(message);
      },
      onClose: () => {
        this.#authenticated = false;
        this.#confirmed.clear();
        this.#asked.clear();
        this.#firstConfirmation = true;
      },
    });
  }

  /** Follow the watch list: subscribe what is new, unsubscribe what left, on the open connection. */
  setSymbols(symbols: readonly string[]): void {
    this.#wanted = new Set(symbols);
    if (this.#authenticated) this.#syncSubscription();
  }

  /** Wait for every handler call queued so far (tests, shutdown). */
  async idle(): Promise<void> {
    await this.#chain;
  }

  async close(): Promise<void> {
    await this.#socket.close();
    await this.#chain;
  }

  /**
   * Bars join the batch still waiting in the queue, so a burst (every symbol's bar at a minute's
   * close, one frame each) is handed over in one call; anything else queued closes the batch, so
   * bars never overtake a subscription confirmation.
   */
  #queueBars(bars: StreamBar[]): void {
    if (this.#openBatch) {
      this.#openBatch.push(...bars);
      return;
    }
    const batch = [...bars];
    this.#openBatch = batch;
    this.#queue(async () => {
      if (this.#openBatch === batch) this.#openBatch = undefined;
      await this.#options.handler.onBars(batch);
    });
  }

  #queue(work: () => Promise<void>): void {
    this.#chain = this.#chain.then(work).catch((err: unknown) => {
      this.#options.logger.error('stream message not handled', { stream: 'market-data', error: err });
    });
  }

  #syncSubscription(): void {
    const add = [...this.#wanted].filter((s) => !this.#asked.has(s));
    const remove = [...this.#asked].filter((s) => !this.#wanted.has(s));
    const { channels } = this.#options;
    if (add.length > 0)
      this.#socket.send({ action: 'subscribe', ...Object.fromEntries(channels.map((c) => [c, add])) });
    if (remove.length > 0)
      this.#socket.send({ action: 'unsubscribe', ...Object.fromEntries(channels.map((c) => [c, remove])) });
    this.#asked = new Set(this.#wanted);
    // Nothing to subscribe: authenticated is as live as this connection gets.
    if (this.#wanted.size === 0) this.#socket.markLive();
  }

  #onFrame(frame: unknown): void {
    if (!Array.isArray(frame)) {
      this.#socket.count('invalid');
      this.#options.logger.warn('stream frame is not a JSON array: ignored', { stream: 'market-data' });
      return;
    }
    const bars: StreamBar[] = [];
    for (const item of frame as unknown[]) {
      const msg = (item ?? {}) as Record<string, unknown>;
      const type = typeof msg.T === 'string' ? msg.T : 'invalid';
      this.#socket.count(type);
      const channel = CHANNEL_OF[type];
      if (channel) {
        if (typeof msg.S !== 'string') continue;
        // Only what was asked for and confirmed: a bar of a symbol never subscribed (or not yet),
        // or of a channel not subscribed (a daily bar on a minute subscription), is counted, not stored.
        if (this.#options.channels.includes(channel) && this.#confirmed.has(msg.S))
          bars.push({ ...toBar(msg.S, msg), channel });
        else this.#stray?.inc({ stream: 'market-data', channel });
        continue;
      }
      if (type === 'success') this.#onSuccess(msg.msg);
      else if (type === 'subscription') this.#onSubscription(msg);
      else if (type === 'error') this.#onError(msg);
    }
    if (bars.length > 0) this.#queueBars(bars);
  }

  #onSuccess(text: unknown): void {
    if (text === 'connected') {
      const { alpacaApiKey, alpacaApiSecret } = this.#options.config;
      this.#socket.send({
        action: 'auth',
        key: alpacaApiKey?.getSecretValue() ?? '',
        secret: alpacaApiSecret?.getSecretValue() ?? '',
      });
    } else if (text === 'authenticated') {
      this.#authenticated = true;
      this.#syncSubscription();
    }
  }

  #onSubscription(msg: Record<string, unknown>): void {
    const now = new Set(Array.isArray(msg.bars) ? msg.bars.filter((s) => typeof s === 'string') : []);
    const added = [...now].filter((s) => !this.#confirmed.has(s));
    this.#confirmed = now;
    const first = this.#firstConfirmation;
    this.#firstConfirmation = false;
    if (now.size > 0 || this.#wanted.size === 0) this.#socket.markLive();
    if (added.length > 0) {
      this.#openBatch = undefined;
      this.#queue(async () => this.#options.handler.onSubscribed(added, first));
    }
  }

  #onError(msg: Record<string, unknown>): void {
    const code = typeof msg.code === 'number' ? msg.code : 0;
    const text = this.#redact(typeof msg.msg === 'string' ? msg.msg : 'unknown error');
    this.#errors?.inc({ stream: 'market-data', code: String(code) });
    if (REFUSALS.has(code)) {
      this.#socket.fail(`${String(code)} ${text}`, 'refused');
      return;
    }
    this.#options.logger.error('stream error', { stream: 'market-data', code, message: text });
  }
}
