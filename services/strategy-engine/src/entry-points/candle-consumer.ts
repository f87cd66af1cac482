import { type ProtectiveExits, type StrategyBar, toDecimal } from '@trading/domain';
import {
  type Broker,
  createEvent,
  createOutbox,
  type EventEnvelope,
  payloadOf,
  type SignalPayload,
  STREAMS,
} from '@trading/messaging';
import { type Logger, type Metrics } from '@trading/platform';
import { type CandleRow, type Repositories, type SignalExits, type StoredSignal } from '@trading/store';
import type { ConfiguredStrategy } from '@trading/strategy-sdk';

import { netSignals } from '../domain/net-signals.js';
import { type HeldPosition, StrategyBook } from '../domain/strategy-book.js';

/** Dependencies of the candle consumer. */
export interface CandleConsumerDeps {
  strategies: readonly ConfiguredStrategy[];
  repos: Repositories;
  broker: Broker;
  logger: Logger;
  metrics: Metrics;
}

/** History replayed when a book is rebuilt, at least (more when a strategy's indicators need it). */
const MIN_REBUILD_BARS = 250;

const toBar = (row: Pick<CandleRow, 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume'>): StrategyBar => ({
  ts: row.ts.getTime(),
  open: Number(row.open),
  high: Number(row.high),
  low: Number(row.low),
  close: Number(row.close),
  volume: Number(row.volume),
});

/** Protective exits as decimal strings (6 places), as the signal stores and sends them. */
function storedExits(exits: ProtectiveExits): SignalExits | null {
  const out: SignalExits = {};
  if (exits.stopPrice !== undefined && exits.stopPrice > 0) out.stopPrice = exits.stopPrice.toFixed(6);
  if (exits.takeProfitPrice !== undefined) out.takeProfitPrice = exits.takeProfitPrice.toFixed(6);
  if (exits.trailPercent !== undefined) out.trailPercent = exits.trailPercent.toFixed(4);
  return Object.keys(out).length > 0 ? out : null;
}

/** What the book holds in `symbol` now (flat: nothing to look up further). */
async function heldPosition(repos: Repositories, symbol: string): Promise<HeldPosition | undefined> {
  const row = await repos.positions.get(symbol);
  if (!row || Number(row.qty) === 0) return undefined;
  const opening = await repos.ledger.opening(symbol, row.qty);
  return {
    qty: Number(row.qty),
    avgCost: Number(row.avgCost),
    openedAt: opening?.occurredAt,
    signalBarTs: opening?.signalBarTs,
  };
}

/** The `signal.created` event of a stored signal; its id is the signal's, so downstream can de-duplicate. */
export function signalEvent(row: StoredSignal): EventEnvelope<SignalPayload> {
  return createEvent<SignalPayload>(
    'signal.created',
    {
      signalId: row.id,
      symbol: row.symbol,
      strategy: row.strategy,
      side: row.side,
      strength: row.strength,
      price: row.price,
      timeframe: row.timeframe,
      barTs: row.barTs.toISOString(),
      reason: row.reason,
      params: row.params,
      ...(row.exits && { exits: row.exits }),
      ...(row.exitReason && { exitReason: row.exitReason }),
    },
    { id: row.id },
  );
}

/**
 * Handles `candle.closed` events: keeps a {@link StrategyBook} per symbol and timeframe, rebuilt
 * from stored candles the first time a symbol is seen (after a start or restart), runs every
 * strategy on the bar, stores each signal once per (strategy, symbol, bar) and announces it on
 * `strategy.signals` through the outbox (stored first, then sent once). So a restart or a redelivery produces no spurious,
 * missed or duplicate signal.
 */
export function createCandleConsumer(deps: CandleConsumerDeps): (event: EventEnvelope) => Promise<void> {
  const books = new Map<string, StrategyBook>();
  const signalsTotal = deps.metrics.counter('signals_total', 'Signals produced, by strategy and side', [
    'strategy',
    'side',
  ]);
  // Every stored signal goes out once: one the last delivery stored but could not send goes now.
  const outbox = createOutbox<StoredSignal>({
    broker: deps.broker,
    stream: STREAMS.signals,
    source: {
      pending: async (limit) => deps.repos.signals.unpublished(limit),
      markPublished: async (rows) => deps.repos.signals.markPublished(rows.map((r) => r.id)),
    },
    toEvent: signalEvent,
    onPublished: (row) => {
      signalsTotal.inc({ strategy: row.strategy, side: row.side });
      deps.logger.info('signal', {
        symbol: row.symbol,
        strategy: row.strategy,
        side: row.side,
        reason: row.reason,
      });
    },
  });

  async function bookFor(symbol: string, timeframe: string, before: Date): Promise<StrategyBook> {
    const key = `${symbol}:${timeframe}`;
    let book = books.get(key);
    if (!book) {
      book = new StrategyBook(deps.strategies);
      const history = await deps.repos.candles.recentBefore(
        symbol,
        timeframe,
        before,
        Math.max(MIN_REBUILD_BARS, book.historyBars),
      );
      book.rebuild(history.map(toBar));
      books.set(key, book);
      deps.logger.info('strategy state rebuilt from stored candles', {
        symbol,
        timeframe,
        bars: history.length,
      });
    }
    return book;
  }

  // Signals stored but not yet sent: at start a crash may have left some; afterwards only a candle
  // that stored one (or a flush that failed) makes a flush worth its query. Candles of other symbols
  // may be handled meanwhile: each candle that stored a signal flushes (the outbox runs one flush at
  // a time, each sending everything stored before it).
  let leftover = true;
  return async (event) => {
    const candle = payloadOf(event, 'candle.closed');
    const ts = new Date(candle.ts);
    const book = await bookFor(candle.symbol, candle.timeframe, ts);
    let stored = false;
    const held = await heldPosition(deps.repos, candle.symbol);
    const { kept, cancelled } = netSignals(book.update(toBar({ ...candle, ts }), held));
    if (cancelled.length > 0) {
      deps.logger.info('strategies disagree on this bar: no signal', {
        symbol: candle.symbol,
        ts: candle.ts,
        signals: cancelled.map((s) => `${s.strategy} ${s.side}`),
      });
    }
    for (const signal of kept) {
      stored = true;
      await deps.repos.signals.insertOnce({
        symbol: candle.symbol,
        strategy: signal.strategy,
        side: signal.side,
        strength: toDecimal(signal.strength.toFixed(4)),
        price: candle.close,
        params: signal.params,
        reason: signal.reason,
        timeframe: candle.timeframe,
        barTs: ts,
        exits: signal.exits && storedExits(signal.exits),
        exitReason: signal.exitReason ?? (signal.side === 'sell' ? 'signal' : null),
      });
    }
    if (!stored && !leftover) return;
    leftover = false;
    try {
      await outbox.flush();
    } catch (err) {
      leftover = true;
      throw err;
    }
  };
}
