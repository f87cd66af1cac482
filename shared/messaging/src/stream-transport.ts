/** One stream entry as delivered to a consumer. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
  /** How many times the group has delivered this entry, this delivery included. */
  deliveries: number;
}

/** The low-level stream operations a consumer needs; Redis and the in-process twin implement them. */
export interface StreamReader {
  /** New entries for the group (never delivered before), waiting up to `blockMs` for some. */
  readNew(
    stream: string,
    group: string,
    consumer: string,
    count: number,
    blockMs: number,
  ): Promise<StreamEntry[]>;
  /** Entries pending longer than `minIdleMs` in any consumer, claimed for `consumer` (XAUTOCLAIM). */
  claimStale(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<StreamEntry[]>;
  ack(stream: string, group: string, ids: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** The operations of a whole broker connection. */
export interface StreamTransport extends StreamReader {
  readonly kind: 'redis' | 'memory';
  /** Append an entry, trimming the stream to about `maxLen` entries. */
  add(stream: string, fields: Record<string, string>, maxLen: number): Promise<string>;
  /** Append several entries in one round trip, in order, all or none (Redis: MULTI/EXEC). */
  addMany(stream: string, entries: readonly Record<string, string>[], maxLen: number): Promise<string[]>;
  /** Create the group reading from the start of the stream; does nothing if it exists. */
  ensureGroup(stream: string, group: string): Promise<void>;
  /** Entries from the start of a stream (for dead letters and tests). */
  range(stream: string, count: number): Promise<{ id: string; fields: Record<string, string> }[]>;
  length(stream: string): Promise<number>;
  pendingCount(stream: string, group: string): Promise<number>;
  /** A reader for one consumer's blocking reads (Redis: its own connection, so reads block nobody else). */
  openReader(): Promise<StreamReader>;
  ping(): Promise<void>;
  /** Re-open a lost connection. */
  reconnect(): Promise<void>;
}
