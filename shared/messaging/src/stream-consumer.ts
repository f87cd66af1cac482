import { CircuitOpenError, DataError } from '@trading/domain';
import type { Logger, Metrics, TopLevelHandler } from '@trading/platform';
import { classifyError, errorMessage, sleep } from '@trading/platform';

import { deadLetterStream, decodeEnvelope, type EventEnvelope } from './event-envelope.js';
import { KeyedLanes } from './keyed-lanes.js';
import type { StreamEntry, StreamReader, StreamTransport } from './stream-transport.js';

/** What a handler learns about the delivery besides the event. */
export interface DeliveryInfo {
  stream: string;
  entryId: string;
  /** 1 on first delivery; more when the entry was reclaimed after a failure or a crash. */
  deliveries: number;
}

/** Processes one event. Resolving acks the entry; throwing leaves it for redelivery (or the dead letters). */
export type EventHandler = (event: EventEnvelope, info: DeliveryInfo) => Promise<void>;

/** Tuning of a consume loop. */
export interface ConsumeOptions {
  /** Entries read per call (one at a time: with `concurrency`, up to the room left). */
  batchSize?: number;
  /** How long one read waits for new entries (ms); also bounds how fast stop() is noticed. */
  blockMs?: number;
  /** Entries pending longer than this are reclaimed by a live consumer (ms). */
  visibilityTimeoutMs: number;
  /** Deliveries after which a failing entry is dead-lettered. */
  maxDeliveries: number;
  /** Cap of the dead-letter stream. */
  maxLen: number;
  /**
   * Entries handled at once, as they arrive (default 1: a batch at a time, in order). Entries with
   * the same {@link ConsumeOptions.keyOf} key are still handled in stream order.
   */
  concurrency?: number;
  /** The key whose events keep their order when handled at once (a symbol); the event's id by default. */
  keyOf?: (event: EventEnvelope) => string;
}

/** A running consume loop. */
export interface Consumer {
  /** Stop reading, finish the batch in hand (each handled entry acked), release the connection. */
  stop(): Promise<void>;
}

/** Dependencies of a consume loop. */
export interface ConsumerDeps {
  transport: StreamTransport;
  logger: Logger;
  metrics?: Metrics;
  onFatal?: TopLevelHandler;
}

const MAX_LOOP_BACKOFF_MS = 5000;

/**
 * The consume loop shared by the Redis broker and its in-process twin, so both have one semantics:
 * at-least-once delivery; ack only after the handler resolved; entries idle past the visibility
 * timeout reclaimed (XAUTOCLAIM); data errors and undecodable entries dead-lettered at once; handler
 * bugs (fatal errors) retried by redelivery until `maxDeliveries`, then dead-lettered with their last
 * error. Transient failures (a dependency down, a circuit open) are redelivered until the dependency
 * heals and never dead-lettered: an outage must not throw away the events that arrived during it.
 * Broker outages do not end the loop: it backs off and reconnects.
 */
export function startConsumer(
  deps: ConsumerDeps,
  stream: string,
  group: string,
  consumer: string,
  handler: EventHandler,
  options: ConsumeOptions,
): Consumer {
  const { transport, logger, metrics } = deps;
  const batchSize = options.batchSize ?? 10;
  const blockMs = options.blockMs ?? 500;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const keyOf = options.keyOf ?? ((event: EventEnvelope) => event.id);
  const claimEveryMs = Math.max(50, Math.min(1000, options.visibilityTimeoutMs / 2));
  const lastErrors = new Map<string, { message: string; transient: boolean }>();
  const stopping = new AbortController();
  let reader: StreamReader | undefined;

  async function deadLetter(entry: StreamEntry, reason: string): Promise<void> {
    await transport.add(
      deadLetterStream(stream),
      {
        stream,
        group,
        entryId: entry.id,
        deliveries: String(entry.deliveries),
        error: reason,
        deadAt: new Date().toISOString(),
        event: entry.fields.event ?? JSON.stringify(entry.fields),
      },
      options.maxLen,
    );
    await reader?.ack(stream, group, [entry.id]);
    lastErrors.delete(entry.id);
    metrics?.errorsTotal.inc({ kind: 'dead_letter' });
    logger.warn('event dead-lettered', {
      stream,
      group,
      entryId: entry.id,
      deliveries: entry.deliveries,
      reason,
    });
  }

  /** An entry's event, or the data error that makes it undecodable. */
  function decode(entry: StreamEntry): EventEnvelope | DataError {
    try {
      return decodeEnvelope(entry.fields);
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      return err;
    }
  }

  /** Handle one entry; resolves true when it succeeded and is to be acked with its batch. */
  async function handle(entry: StreamEntry, event: EventEnvelope | DataError): Promise<boolean> {
    const last = lastErrors.get(entry.id);
    // Past the limit without a transient failure on record (a bug, or a consumer that died on it each
    // time): poison; dead-letter it without running the handler again.
    if (entry.deliveries > options.maxDeliveries && !last?.transient) {
      await deadLetter(entry, last?.message ?? `not processed after ${options.maxDeliveries} deliveries`);
      return false;
    }
    if (event instanceof DataError) {
      metrics?.errorsTotal.inc({ kind: 'data' });
      await deadLetter(entry, errorMessage(event));
      return false;
    }
    try {
      const work = handler(event, { stream, entryId: entry.id, deliveries: entry.deliveries });
      await (metrics ? metrics.time(`consume ${stream}`, async () => work) : work);
      // eslint-disable-next-line no-restricted-syntax -- a top-level safety net: every handler failure is classified here, none escapes the loop.
    } catch (err) {
      const kind = err instanceof CircuitOpenError ? 'transient' : classifyError(err);
      metrics?.errorsTotal.inc({ kind });
      if (kind === 'data') {
        await deadLetter(entry, errorMessage(err));
        return false;
      }
      lastErrors.set(entry.id, { message: errorMessage(err), transient: kind === 'transient' });
      if (kind === 'fatal') await deps.onFatal?.(err, `handling ${stream} entry ${entry.id}`);
      else
        logger.warn('event handler failed; will be redelivered', { stream, entryId: entry.id, error: err });
      if (kind === 'fatal' && entry.deliveries >= options.maxDeliveries)
        await deadLetter(entry, errorMessage(err));
      return false;
    }
    lastErrors.delete(entry.id);
    return true;
  }

  /**
   * Handle a batch in order, then ack the successes in one round trip. Every acked entry's handler has
   * resolved; if the process dies before the ack, those entries are redelivered (at-least-once).
   */
  async function handleBatch(batch: readonly StreamEntry[]): Promise<void> {
    const done: string[] = [];
    for (const entry of batch) if (await handle(entry, decode(entry))) done.push(entry.id);
    await reader?.ack(stream, group, done);
  }

  // With `concurrency` > 1 entries are handled as they arrive, up to that many at once, each behind
  // the earlier entries of its key; the successes are acked in one round trip before the next read.
  const lanes = new KeyedLanes();
  const inHand = new Set<string>();
  const acks: string[] = [];

  function dispatch(batch: readonly StreamEntry[]): void {
    for (const entry of batch) {
      // A handler slower than the visibility timeout is reclaimed by its own consumer: not twice.
      if (inHand.has(entry.id)) continue;
      inHand.add(entry.id);
      const event = decode(entry);
      lanes.push(event instanceof DataError ? entry.id : keyOf(event), async () => {
        try {
          if (await handle(entry, event)) {
            acks.push(entry.id);
            return;
          }
          // eslint-disable-next-line no-restricted-syntax -- broker trouble while dead-lettering: the entry stays pending and is reclaimed.
        } catch (err) {
          logger.warn('event not settled; left pending for redelivery', {
            stream,
            entryId: entry.id,
            error: err,
          });
        }
        inHand.delete(entry.id);
      });
    }
  }

  async function flushAcks(): Promise<void> {
    if (acks.length === 0) return;
    const ids = acks.splice(0);
    try {
      await reader?.ack(stream, group, ids);
    } catch (err) {
      acks.unshift(...ids);
      throw err;
    }
    for (const id of ids) inHand.delete(id);
  }

  async function loop(): Promise<void> {
    const pipelined = concurrency > 1;
    let failures = 0;
    let lastClaim = 0;
    while (!stopping.signal.aborted) {
      try {
        reader ??= await transport.openReader();
        if (pipelined) {
          await flushAcks();
          if (lanes.size >= concurrency) {
            await lanes.settled();
            continue;
          }
        }
        const room = pipelined ? concurrency - lanes.size : batchSize;
        let batch: StreamEntry[] = [];
        if (Date.now() - lastClaim >= claimEveryMs) {
          lastClaim = Date.now();
          batch = await reader.claimStale(stream, group, consumer, options.visibilityTimeoutMs, room);
        }
        if (batch.length === 0) batch = await reader.readNew(stream, group, consumer, room, blockMs);
        if (pipelined) dispatch(batch);
        else await handleBatch(batch);
        failures = 0;
        // eslint-disable-next-line no-restricted-syntax -- a top-level safety net: broker trouble (connection lost, group gone after a restart) must not end the loop.
      } catch (err) {
        failures++;
        metrics?.errorsTotal.inc({ kind: classifyError(err) === 'transient' ? 'transient' : 'broker' });
        if (failures === 1 || failures % 20 === 0)
          logger.warn('consumer read failed; backing off', { stream, group, error: err });
        if (err instanceof Error && err.message.startsWith('NOGROUP')) {
          await transport.ensureGroup(stream, group).catch(() => undefined);
        }
        const delay =
          Math.min(MAX_LOOP_BACKOFF_MS, 50 * 2 ** Math.min(failures, 10)) * (0.5 + Math.random() / 2);
        await sleep(delay, stopping.signal).catch(() => undefined);
      }
    }
    // Stopping: the entries in hand finish and are acked (what cannot be is redelivered).
    await lanes.idle();
    await flushAcks().catch(() => undefined);
  }

  const done = loop().finally(async () => {
    await reader?.close();
  });

  return {
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
