import type { Config, Logger, Metrics, TopLevelHandler } from '@trading/platform';
import { retryAsync, type RetryOptions } from '@trading/platform';

import { deadLetterStream, encodeEnvelope, type EventEnvelope, validateEnvelope } from './event-envelope.js';
import { MemoryTransport } from './memory-transport.js';
import { RedisTransport } from './redis-transport.js';
import { type ConsumeOptions, type Consumer, type EventHandler, startConsumer } from './stream-consumer.js';
import type { StreamEntry, StreamTransport } from './stream-transport.js';

/** A dead-lettered entry, with why it died. */
export interface DeadLetter {
  id: string;
  stream: string;
  group: string;
  entryId: string;
  deliveries: number;
  error: string;
  deadAt: string;
  event: string;
}

/** Settings of a broker; {@link createBroker} takes them from config. */
export interface BrokerSettings {
  maxLen: number;
  visibilityTimeoutMs: number;
  maxDeliveries: number;
  retry: Omit<RetryOptions, 'signal'>;
}

/** Dependencies of a broker. */
export interface BrokerDeps {
  logger: Logger;
  metrics?: Metrics;
  /** Where fatal handler errors go (the service's top-level handler). */
  onFatal?: TopLevelHandler;
}

/** Event streams with consumer groups: Redis Streams, or the in-process twin. */
export class Broker {
  readonly #transport: StreamTransport;
  readonly #settings: BrokerSettings;
  readonly #deps: BrokerDeps;
  readonly #consumers = new Set<Consumer>();

  constructor(transport: StreamTransport, settings: BrokerSettings, deps: BrokerDeps) {
    this.#transport = transport;
    this.#settings = settings;
    this.#deps = deps;
  }

  /** `redis` or `memory`. */
  get kind(): 'redis' | 'memory' {
    return this.#transport.kind;
  }

  async #retry<T>(fn: () => Promise<T>): Promise<T> {
    return retryAsync(fn, {
      ...this.#settings.retry,
      onRetry: (err, attempt) => {
        this.#deps.metrics?.errorsTotal.inc({ kind: 'transient' });
        this.#deps.logger.warn('broker call failed; retrying', { attempt, error: err });
      },
    });
  }

  /**
   * Validate and append an event; resolves to its entry id. Retried on transient failures, so a
   * publish cut off mid-flight may be stored twice: consumers see at-least-once delivery.
   * @throws DataError when the envelope is invalid (nothing is published).
   */
  async publish(stream: string, event: EventEnvelope): Promise<string> {
    const fields = encodeEnvelope(validateEnvelope(event));
    return this.#retry(async () => this.#transport.add(stream, fields, this.#settings.maxLen));
  }

  /**
   * Validate and append several events in one round trip, in order, all or none; resolves to their
   * entry ids. A retry after a cut-off call may store them twice (at-least-once, as {@link publish}).
   * @throws DataError when an envelope is invalid (nothing is published).
   */
  async publishMany(stream: string, events: readonly EventEnvelope[]): Promise<string[]> {
    if (events.length === 0) return [];
    const entries = events.map((e) => encodeEnvelope(validateEnvelope(e)));
    return this.#retry(async () => this.#transport.addMany(stream, entries, this.#settings.maxLen));
  }

  /** Create a consumer group reading from the stream's start; idempotent. */
  async ensureGroup(stream: string, group: string): Promise<void> {
    await this.#retry(async () => this.#transport.ensureGroup(stream, group));
  }

  /** Read new entries for a consumer of a group (no handling, no ack); for tools and tests. */
  async readGroup(
    stream: string,
    group: string,
    consumer: string,
    count = 10,
    blockMs = 0,
  ): Promise<StreamEntry[]> {
    return this.#retry(async () => this.#transport.readNew(stream, group, consumer, count, blockMs));
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<void> {
    await this.#retry(async () => this.#transport.ack(stream, group, ids));
  }

  /**
   * Run `handler` for every event of `stream` delivered to `consumer` of `group` (see
   * {@link startConsumer} for the delivery rules). The group is created if needed. Stopped by the
   * returned consumer's `stop()` or by {@link Broker.close}.
   */
  async consume(
    stream: string,
    group: string,
    consumer: string,
    handler: EventHandler,
    options: Partial<Omit<ConsumeOptions, 'maxLen'>> = {},
  ): Promise<Consumer> {
    await this.ensureGroup(stream, group);
    const running = startConsumer(
      { transport: this.#transport, ...this.#deps },
      stream,
      group,
      consumer,
      handler,
      {
        visibilityTimeoutMs: this.#settings.visibilityTimeoutMs,
        maxDeliveries: this.#settings.maxDeliveries,
        ...options,
        maxLen: this.#settings.maxLen,
      },
    );
    const tracked: Consumer = {
      stop: async () => {
        this.#consumers.delete(tracked);
        await running.stop();
      },
    };
    this.#consumers.add(tracked);
    return tracked;
  }

  /** The oldest dead letters of a stream. */
  async deadLetters(stream: string, count = 100): Promise<DeadLetter[]> {
    const rows = await this.#transport.range(deadLetterStream(stream), count);
    return rows.map(({ id, fields }) => ({
      id,
      stream: fields.stream ?? stream,
      group: fields.group ?? '',
      entryId: fields.entryId ?? '',
      deliveries: Number(fields.deliveries ?? 0),
      error: fields.error ?? '',
      deadAt: fields.deadAt ?? '',
      event: fields.event ?? '',
    }));
  }

  /** Entries in a stream (bounded by the cap). */
  async length(stream: string): Promise<number> {
    return this.#transport.length(stream);
  }

  /** Entries delivered to the group and not yet acked. */
  async pending(stream: string, group: string): Promise<number> {
    return this.#transport.pendingCount(stream, group);
  }

  /** Resolves when the broker answers (health checks). */
  async ping(): Promise<void> {
    await this.#transport.ping();
  }

  /** Re-open the connection after it was lost (node-redis also reconnects by itself). */
  async reconnect(): Promise<void> {
    await this.#transport.reconnect();
  }

  /** Stop every consumer (each finishes its batch), then close the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map(async (c) => c.stop()));
    await this.#transport.close();
  }
}

/** Broker settings from config. */
export function brokerSettings(config: Config): BrokerSettings {
  return {
    maxLen: config.streamMaxLen,
    visibilityTimeoutMs: config.streamVisibilityTimeoutMs,
    maxDeliveries: config.streamMaxDeliveries,
    retry: {
      retries: config.retryMaxRetries,
      baseDelayMs: config.retryBaseDelayMs,
      maxDelayMs: config.retryMaxDelayMs,
    },
  };
}

/**
 * The broker factory: Redis Streams at `REDIS_URL`, or the in-process twin when it is unset.
 * Resolves once connected.
 */
export async function createBroker(config: Config, deps: BrokerDeps): Promise<Broker> {
  const url = config.redisUrl?.getSecretValue();
  const transport = url
    ? await RedisTransport.connect({ url, healthCheckMs: config.redisHealthCheckMs, logger: deps.logger })
    : new MemoryTransport();
  return new Broker(transport, brokerSettings(config), deps);
}
