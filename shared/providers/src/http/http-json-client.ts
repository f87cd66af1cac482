import { DataError } from '@trading/domain';
import type { Logger, ResiliencePolicy } from '@trading/platform';
import { errorForStatus, retryAfterMs } from '@trading/platform';
import type Joi from 'joi';
import { Pool } from 'undici';

import type { BudgetPriority, TokenBucket } from './token-bucket.js';

/** Options of {@link HttpJsonClient}. */
export interface HttpJsonClientOptions {
  /** The provider's name, used in errors and logs. */
  name: string;
  baseUrl: string;
  /** Headers of every request, built per call so secrets are read only when sent. */
  headers?: () => Record<string, string>;
  policy: ResiliencePolicy;
  rateLimiter?: TokenBucket;
  /** Its place in the shared budget's queue: `high` (orders) before `low` (default). */
  priority?: BudgetPriority;
  /** Size of the keep-alive pool. */
  connections?: number;
  logger?: Logger;
  /** Reads the provider's error message from an error body. */
  errorMessage?: (body: unknown) => string | undefined;
  /** Masks our secrets in what the provider says (its error text can quote our key). */
  redact?: (text: string) => string;
}

/** Options of one request. */
export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** False for calls that must not be repeated blindly. */
  retry?: boolean;
  /** Validates (and converts) the answer; a mismatch is a data error. */
  schema?: Joi.Schema;
  /** This request's place in the shared budget's queue (the client's when absent). */
  priority?: BudgetPriority;
}

/**
 * A JSON-over-HTTP client for one provider: one keep-alive connection pool (undici), created on the
 * first request and closed by `close()`; every call goes through the rate limiter and the resilience
 * policy (retry ∘ breaker ∘ timeout); answers are mapped onto the error taxonomy.
 */
export class HttpJsonClient {
  readonly #options: HttpJsonClientOptions;
  readonly #origin: string;
  readonly #prefix: string;
  #pool: Pool | undefined;

  constructor(options: HttpJsonClientOptions) {
    this.#options = options;
    const url = new URL(options.baseUrl);
    this.#origin = url.origin;
    this.#prefix = url.pathname.replace(/\/$/, '');
  }

  get #connections(): Pool {
    this.#pool ??= new Pool(this.#origin, {
      connections: this.#options.connections ?? 8,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
    });
    return this.#pool;
  }

  async request<T>(
    method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    return this.#options.policy.execute(async (signal) => this.#once<T>(method, path, options, signal), {
      retry: options.retry ?? true,
    });
  }

  async #once<T>(method: string, path: string, options: RequestOptions, signal: AbortSignal): Promise<T> {
    await this.#options.rateLimiter?.take(signal, options.priority ?? this.#options.priority);
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const qs = query.toString();
    const headers: Record<string, string> = { accept: 'application/json', ...this.#options.headers?.() };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.#connections.request({
      method,
      path: `${this.#prefix}${path}${qs ? `?${qs}` : ''}`,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal,
    });
    const text = await res.body.text();
    const parsed = parseJson(text);
    if (res.statusCode >= 400) {
      const message =
        (parsed.ok ? this.#options.errorMessage?.(parsed.value) : undefined) ?? text.slice(0, 200);
      const err = errorForStatus(
        this.#options.name,
        res.statusCode,
        message,
        retryAfterMs(res.headers['retry-after']),
        this.#options.redact,
      );
      // The provider's words, redacted, are kept here (and on the error), never in its message.
      this.#options.logger?.warn('provider answered an error', {
        provider: this.#options.name,
        method,
        path,
        status: res.statusCode,
        reason: err.reason,
      });
      throw err;
    }
    if (!parsed.ok)
      throw new DataError(`${this.#options.name} sent malformed JSON (HTTP ${res.statusCode})`, {
        code: 'MALFORMED_RESPONSE',
      });
    if (!options.schema) return parsed.value as T;
    const checked = options.schema.validate(parsed.value, { allowUnknown: true, stripUnknown: false });
    if (checked.error) {
      throw new DataError(`${this.#options.name} sent an unexpected answer: ${checked.error.message}`, {
        code: 'MALFORMED_RESPONSE',
      });
    }
    return checked.value as T;
  }

  /** Close the connection pool and the policy's breaker. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    this.#options.policy.close();
    await pool?.close();
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    if (err instanceof SyntaxError) return { ok: false };
    throw err;
  }
}
