import type { Config, Logger, Metrics, Notifier } from '@trading/platform';
import { AlertThrottle, createRedactor, policyFromConfig } from '@trading/platform';
import Joi from 'joi';

import { HttpJsonClient } from '../http/http-json-client.js';
import { TokenBucket } from '../http/token-bucket.js';

/** Telegram refuses messages longer than this. */
const MAX_TEXT = 4096;

const answerSchema = Joi.object({ ok: Joi.boolean().valid(true).required() });

/**
 * Sends alerts and trade notices with the Telegram Bot API's `sendMessage`. The bot token sits in
 * the URL path, so this client's requests are never logged with their URL, and its errors name the
 * method only. Without a token or chat id it warns once and does nothing.
 */
export class TelegramNotifier implements Notifier {
  readonly #http: HttpJsonClient | undefined;
  readonly #chatId: string;
  readonly #logger: Logger | undefined;
  readonly #token: string;
  readonly #throttle: AlertThrottle;
  #warned: boolean;

  /** `quiet`: say nothing when off (a second notifier in the process, whose first one already says so). */
  constructor(config: Config, deps: { logger?: Logger; metrics?: Metrics; quiet?: boolean } = {}) {
    this.#logger = deps.logger;
    this.#warned = deps.quiet ?? false;
    this.#chatId = config.telegramChatId;
    this.#token = config.telegramBotToken?.getSecretValue() ?? '';
    this.#http =
      this.#token && this.#chatId
        ? new HttpJsonClient({
            name: 'telegram',
            baseUrl: config.telegramBaseUrl,
            policy: policyFromConfig(config, 'telegram', deps),
            // Telegram allows about 30 messages a second per bot; alerts should never get near it.
            rateLimiter: new TokenBucket(600, 20),
            errorMessage: (body) => (body as { description?: string } | undefined)?.description,
            redact: createRedactor([config.telegramBotToken].filter((s) => s !== undefined)),
            logger: deps.logger,
            connections: 1,
          })
        : undefined;
    this.#throttle = new AlertThrottle({
      windowMs: config.alertThrottleMs,
      send: async (text) => this.#send(text),
      onError: (err) => deps.logger?.warn('alert summary not sent', { error: err }),
    });
  }

  /** Whether messages are actually sent. */
  get enabled(): boolean {
    return this.#http !== undefined;
  }

  /** Send `text`; repeats of one `key` (the text when none) go once per ALERT_THROTTLE_MS, then summed up. */
  async notify(text: string, key?: string): Promise<void> {
    if (!this.#http) {
      if (!this.#warned) {
        this.#warned = true;
        this.#logger?.warn(
          'telegram notifications are off: TELEGRAM_BOT_TOKEN or TELEGRAM_CHAT_ID is not set',
        );
      }
      return;
    }
    await this.#throttle.notify(text, key);
  }

  async #send(text: string): Promise<void> {
    if (!this.#http) return;
    await this.#http.request('POST', `/bot${this.#token}/sendMessage`, {
      schema: answerSchema,
      body: { chat_id: this.#chatId, text: text.slice(0, MAX_TEXT), disable_web_page_preview: true },
    });
  }

  async close(): Promise<void> {
    this.#throttle.close();
    await this.#http?.close();
  }
}
