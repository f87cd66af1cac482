import { oneAtATime } from '@trading/platform';

import type { Broker } from './broker.js';
import type { EventEnvelope } from './event-envelope.js';

/**
 * Where an outbox finds what was stored but not yet published, and records what it published:
 * a table's rows with a "sent" mark (candles, signals, news).
 */
export interface OutboxSource<Row> {
  /** Stored rows not yet published, oldest first, at most `limit`. */
  pending(limit: number): Promise<Row[]>;
  /** Record that these rows were published. */
  markPublished(rows: readonly Row[]): Promise<void>;
}

/** Options of {@link createOutbox}. */
export interface OutboxOptions<Row> {
  broker: Broker;
  stream: string;
  source: OutboxSource<Row>;
  /** The event a row becomes; its id must derive from the row, so a republish is recognised. */
  toEvent(row: Row): EventEnvelope;
  /** Rows per round trip (100). */
  batch?: number;
  /** Called after each row is published (metrics, logs). */
  onPublished?(row: Row): void;
}

/**
 * "Store, then publish once": the one way every service announces what it stored. The row is
 * written first (with no "sent" mark); `flush` publishes every pending row and marks it. A crash
 * between the two leaves the row pending, and the next flush (on the next run, or after a restart)
 * publishes it: nothing stored is ever left unannounced, and consumers drop the rare duplicate by
 * the event's id. Flushes run one at a time. Resolves how many rows were published.
 */
export function createOutbox<Row>(options: OutboxOptions<Row>): { flush(): Promise<number> } {
  const batch = options.batch ?? 100;
  const flushOnce = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const rows = await options.source.pending(batch);
      if (rows.length === 0) return total;
      // One round trip a batch, in order.
      await options.broker.publishMany(
        options.stream,
        rows.map((row) => options.toEvent(row)),
      );
      for (const row of rows) options.onPublished?.(row);
      await options.source.markPublished(rows);
      total += rows.length;
      if (rows.length < batch) return total;
    }
  };
  // One flush at a time: two at once (a stream and a poll in one process) would both read a
  // pending row before either marked it, and publish it twice.
  return { flush: oneAtATime(flushOnce) };
}
