import type { Config, Logger, Metrics } from '@trading/platform';
import { createRedactor, policyFromConfig } from '@trading/platform';
import Joi from 'joi';

import { HttpJsonClient } from '../http/http-json-client.js';

/** What one Messages API call returns that the platform uses. */
export interface LlmAnswer {
  text: string;
  model: string;
  stopReason: string | null;
  inputTokens: number;
  outputTokens: number;
}

const messageSchema = Joi.object({
  type: Joi.string().valid('message').required(),
  model: Joi.string().required(),
  content: Joi.array()
    .items(Joi.object({ type: Joi.string().required(), text: Joi.string().allow('') }).unknown(true))
    .required(),
  stop_reason: Joi.string().allow(null),
  usage: Joi.object({ input_tokens: Joi.number(), output_tokens: Joi.number() }).unknown(true),
});

/**
 * A thin client of Anthropic's Messages API (`POST /v1/messages`). The official SDK can be pointed
 * at another base URL with its own retries off, but it would bring a second HTTP stack, retry and
 * timeout layer beside ours; this client shares the platform's pool, policy and error taxonomy with
 * every other provider instead. (529 "overloaded" is a 5xx, so it is retried like one.)
 */
export class AnthropicClient {
  readonly #http: HttpJsonClient;
  readonly #model: string;

  constructor(http: HttpJsonClient, model: string) {
    this.#http = http;
    this.#model = model;
  }

  static fromConfig(config: Config, deps: { logger?: Logger; metrics?: Metrics } = {}): AnthropicClient {
    return new AnthropicClient(
      new HttpJsonClient({
        name: 'anthropic',
        baseUrl: config.anthropicBaseUrl,
        headers: () => ({
          'x-api-key': config.anthropicApiKey?.getSecretValue() ?? '',
          'anthropic-version': '2023-06-01',
        }),
        policy: policyFromConfig(config, 'anthropic', deps),
        errorMessage: (body) => (body as { error?: { message?: string } } | undefined)?.error?.message,
        redact: createRedactor([config.anthropicApiKey].filter((s) => s !== undefined)),
        logger: deps.logger,
        connections: 2,
      }),
      config.anthropicModel,
    );
  }

  /** Ask one question; resolves to the text of the answer. */
  async complete(prompt: string, options: { system?: string; maxTokens?: number } = {}): Promise<LlmAnswer> {
    const raw = await this.#http.request<{
      model: string;
      content: { type: string; text?: string }[];
      stop_reason?: string | null;
      usage?: { input_tokens?: number; output_tokens?: number };
    }>('POST', '/v1/messages', {
      schema: messageSchema,
      body: {
        model: this.#model,
        max_tokens: options.maxTokens ?? 1024,
        system: options.system,
        messages: [{ role: 'user', content: prompt }],
      },
    });
    return {
      text: raw.content
        .filter((c) => c.type === 'text')
        .map((c) => c.text ?? '')
        .join(''),
      model: raw.model,
      stopReason: raw.stop_reason ?? null,
      inputTokens: raw.usage?.input_tokens ?? 0,
      outputTokens: raw.usage?.output_tokens ?? 0,
    };
  }

  async close(): Promise<void> {
    await this.#http.close();
  }
}
