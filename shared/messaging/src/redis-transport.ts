import type { RedisClientType } from '@redis/client';

import { createRedisClient, type RedisClientOptions } from './redis-client.js';
import type { StreamEntry, StreamReader, StreamTransport } from './stream-transport.js';

/** Connection settings of {@link RedisTransport}. */
export type RedisTransportOptions = RedisClientOptions;

type Client = RedisClientType;

function isBusyGroup(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('BUSYGROUP');
}

class RedisReader implements StreamReader {
  #claimCursor = new Map<string, string>();

  constructor(protected readonly client: Client) {}

  async readNew(
    stream: string,
    group: string,
    consumer: string,
    count: number,
    blockMs: number,
  ): Promise<StreamEntry[]> {
    const reply = await this.client.xReadGroup(
      group,
      consumer,
      { key: stream, id: '>' },
      { COUNT: count, BLOCK: blockMs },
    );
    if (!reply) return [];
    const streams = reply as { name: string; messages: { id: string; message: Record<string, string> }[] }[];
    return streams.flatMap((s) => s.messages.map((m) => ({ id: m.id, fields: m.message, deliveries: 1 })));
  }

  async claimStale(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<StreamEntry[]> {
    const key = `${stream}\u0000${group}`;
    const cursor = this.#claimCursor.get(key) ?? '0-0';
    const reply = await this.client.xAutoClaim(stream, group, consumer, minIdleMs, cursor, { COUNT: count });
    this.#claimCursor.set(key, reply.nextId);
    const messages = reply.messages.filter(
      (m): m is { id: string; message: Record<string, string> } => m !== null,
    );
    if (messages.length === 0) return [];
    // XAUTOCLAIM raised each delivery counter; read them back to decide on dead-lettering.
    const ids = messages.map((m) => m.id);
    const pending = await this.client.xPendingRange(
      stream,
      group,
      ids[0] ?? '-',
      ids.at(-1) ?? '+',
      ids.length * 2,
    );
    const counts = new Map(pending.map((p) => [p.id, p.deliveriesCounter]));
    return messages.map((m) => ({ id: m.id, fields: m.message, deliveries: counts.get(m.id) ?? 2 }));
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.client.xAck(stream, group, [...ids]);
  }

  async close(): Promise<void> {
    if (this.client.isOpen) this.client.destroy();
    return Promise.resolve();
  }
}

/**
 * Streams on Redis (node-redis): socket keep-alive, a PING health check, reconnects with exponential
 * backoff and jitter. Commands issued while disconnected wait in node-redis's queue and run after the
 * reconnect; commands cut off mid-flight fail with a transient error the broker retries.
 */
export class RedisTransport extends RedisReader implements StreamTransport {
  readonly kind = 'redis';
  readonly #options: RedisTransportOptions;
  readonly #readers = new Set<RedisReader>();

  private constructor(client: Client, options: RedisTransportOptions) {
    super(client);
    this.#options = options;
  }

  /** Connect and resolve once the connection is ready. */
  static async connect(options: RedisTransportOptions): Promise<RedisTransport> {
    const client = createRedisClient(options);
    await client.connect();
    return new RedisTransport(client, options);
  }

  async add(stream: string, fields: Record<string, string>, maxLen: number): Promise<string> {
    return this.client.xAdd(stream, '*', fields, {
      TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: maxLen },
    });
  }

  async addMany(
    stream: string,
    entries: readonly Record<string, string>[],
    maxLen: number,
  ): Promise<string[]> {
    const multi = this.client.multi();
    for (const fields of entries)
      multi.xAdd(stream, '*', fields, {
        TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: maxLen },
      });
    return (await multi.exec()).map(String);
  }

  async ensureGroup(stream: string, group: string): Promise<void> {
    try {
      await this.client.xGroupCreate(stream, group, '0', { MKSTREAM: true });
    } catch (err) {
      if (!isBusyGroup(err)) throw err;
    }
  }

  async range(stream: string, count: number): Promise<{ id: string; fields: Record<string, string> }[]> {
    const rows = await this.client.xRange(stream, '-', '+', { COUNT: count });
    return (rows ?? []).map((r) => ({ id: r.id, fields: r.message }));
  }

  async length(stream: string): Promise<number> {
    return this.client.xLen(stream);
  }

  async pendingCount(stream: string, group: string): Promise<number> {
    const summary = await this.client.xPending(stream, group);
    return summary.pending;
  }

  async openReader(): Promise<StreamReader> {
    const client = createRedisClient(this.#options);
    await client.connect();
    const reader = new RedisReader(client);
    this.#readers.add(reader);
    return {
      readNew: async (...args) => reader.readNew(...args),
      claimStale: async (...args) => reader.claimStale(...args),
      ack: async (...args) => reader.ack(...args),
      close: async () => {
        this.#readers.delete(reader);
        await reader.close();
      },
    };
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async reconnect(): Promise<void> {
    if (!this.client.isOpen) await this.client.connect();
  }

  override async close(): Promise<void> {
    await Promise.all([...this.#readers].map(async (r) => r.close()));
    if (this.client.isOpen) await this.client.close();
  }
}
