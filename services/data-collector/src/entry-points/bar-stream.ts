import type { Clock } from '@trading/domain';
import { barProblem, systemClock, timeframeMs } from '@trading/domain';
import type { Config, Logger, Metrics } from '@trading/platform';
import { errorMessage } from '@trading/platform';
import {
  type AlpacaMarketDataClient,
  AlpacaMarketStream,
  type SocketPolicy,
  type StreamBar,
} from '@trading/providers';

import type { CandleIngest } from './candle-ingest.js';

/** How often one symbol's holes may cost a REST request (a quiet minute looks like a lost bar). */
export const HOLE_REPAIR_MS = 300_000;

/** Dependencies of {@link createBarStream}. */
export interface BarStreamDeps {
  config: Config;
  ingest: CandleIngest;
  market: AlpacaMarketDataClient;
  logger: Logger;
  metrics: Metrics;
  now?: Clock;
  /** Socket timing (tests shorten it). */
  policy?: Partial<SocketPolicy>;
}

/** The data-collector's market-data stream. */
export interface BarStream {
  /** Whether the stream is connected, authenticated and subscribed. */
  readonly live: boolean;
  /** Symbols whose missed bars are still to be fetched (their publication is held until then). */
  readonly repairing: readonly string[];
  /** Follow the watch list: connect on the first call, subscribe and unsubscribe after. */
  follow(symbols: readonly string[]): void;
  /**
   * The safety net, run at every poll tick: retry repairs that failed (live or not: a held symbol
   * publishes nothing until its gap is filled), and while live (at most every
   * STREAM_SAFETY_POLL_MS) compare each symbol's latest REST bar with the newest stored one,
   * repairing a symbol the stream left behind.
   */
  check(symbols: readonly string[]): Promise<void>;
  /** Wait until the stream's queued bars and running repairs are done. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Bars pushed by Alpaca's market-data stream, stored and published through the one ingest the
 * poll uses. With a one-minute timeframe the stream's `bars` (and `updatedBars`, corrections) are
 * the bars; with a longer one its minute bars are the clock: a symbol is fetched from REST as soon
 * as one of its bars is due. **Gap repair**: whenever the server confirms a subscription (after
 * each connection, and for a symbol that joined the watch list) the symbol's newest stored bar is
 * read before any bar of the new session is stored, its publication is held, and REST fetches
 * everything after it; then what was held goes out, oldest first. So every closed bar is stored
 * and published once, in order, whether the stream, the repair or the poll brought it (a failed
 * repair keeps holding and is retried by {@link BarStream.check}).
 */
export function createBarStream(deps: BarStreamDeps): BarStream {
  const { config, ingest, market, logger, metrics } = deps;
  const now = deps.now ?? systemClock;
  const oneMinute = config.collectorTimeframe === '1Min';
  const barMs = timeframeMs(config.collectorTimeframe);
  const repaired = metrics.counter(
    'collector_gap_bars_repaired_total',
    'Bars the stream missed (an outage, a restart, a new symbol) that the REST repair stored',
    ['symbol'],
  );
  /**
   * Symbol → the stored bar its repair fetches after (undefined: the backfill window), and a token
   * renewed by each new session: a repair that finishes under an older token runs again, so a
   * second outage during a repair is covered too.
   */
  const pending = new Map<string, { after: Date | undefined; token: object; before?: number }>();
  /**
   * Symbol → the stored bar before a hole the stream left while the socket stayed up (a bar lost in
   * the middle of a session), and when each symbol's hole was last repaired: a minute without trades
   * looks the same, so each symbol asks REST at most once per {@link HOLE_REPAIR_MS}.
   */
  const holes = new Map<string, { after: Date; before: number }>();
  const holeRepairedAt = new Map<string, number>();
  const inRepair = new Set<string>();
  /** Symbol → first bar the current session streamed: the repair's gap ends before it. */
  const firstStreamed = new Map<string, number>();
  /** Symbol → when its next longer-timeframe bar is due from REST. */
  const nextDue = new Map<string, number>();
  const running = new Set<Promise<void>>();
  /** Flushes due when a bar stored before its end (the close tolerance) ends. */
  const atClose = new Set<NodeJS.Timeout>();
  let lastCheck = 0;
  let started = false;

  async function repair(symbol: string): Promise<void> {
    const seen = new Set<number>();
    for (let job = pending.get(symbol); job; job = pending.get(symbol)) {
      const bars = await ingest.fetch(symbol, job.after);
      const end = job.before ?? firstStreamed.get(symbol) ?? Number.POSITIVE_INFINITY;
      const gap = bars.filter((b) => b.ts.getTime() < end && !seen.has(b.ts.getTime()));
      for (const b of gap) seen.add(b.ts.getTime());
      if (gap.length > 0) {
        repaired.inc({ symbol }, gap.length);
        logger.info('stream gap repaired', { symbol, bars: gap.length, after: job.after });
      }
      if (pending.get(symbol)?.token !== job.token) continue;
      pending.delete(symbol);
      ingest.hold(symbol, false);
    }
    await ingest.flush();
  }

  function startRepair(symbol: string): void {
    if (inRepair.has(symbol)) return;
    inRepair.add(symbol);
    const run = repair(symbol)
      .catch((err: unknown) => {
        logger.warn('stream gap not repaired yet: the symbol is held, retried at the next check', {
          symbol,
          error: errorMessage(err),
        });
      })
      .finally(() => {
        inRepair.delete(symbol);
        running.delete(run);
      });
    running.add(run);
  }

  function markPending(symbol: string, after: Date | undefined, before?: number): void {
    const job = pending.get(symbol);
    pending.set(symbol, { after: job?.after ?? after, token: {}, before: job ? job.before : before });
    ingest.hold(symbol, true);
  }

  /** Repair the holes found, each symbol at most once per {@link HOLE_REPAIR_MS}. */
  function repairHoles(): void {
    const at = now().getTime();
    for (const [symbol, hole] of holes) {
      if (pending.has(symbol) || at - (holeRepairedAt.get(symbol) ?? 0) < HOLE_REPAIR_MS) continue;
      holes.delete(symbol);
      holeRepairedAt.set(symbol, at);
      logger.info('stream skipped bars: repairing the hole from REST', { symbol, after: hole.after });
      markPending(symbol, hole.after, hole.before);
      startRepair(symbol);
    }
  }

  async function onSubscribed(symbols: string[], first: boolean): Promise<void> {
    if (first) firstStreamed.clear();
    // Read before any bar of this session is stored: the gap starts after what we had.
    const stored = await ingest.latest(symbols.filter((s) => !pending.has(s)));
    for (const symbol of symbols) markPending(symbol, stored.get(symbol));
    for (const symbol of symbols) startRepair(symbol);
  }

  /** One-minute bars: stored as they came (a minute's close brings every symbol's at once: one write). */
  async function storeStreamed(bySymbol: ReadonlyMap<string, StreamBar[]>): Promise<void> {
    // Symbols not in repair: a bar more than one interval after the newest stored one says the
    // stream skipped some (read before this batch is stored).
    const streaming = [...bySymbol.keys()].filter((s) => !pending.has(s));
    const newest = streaming.length > 0 ? await ingest.latest(streaming) : new Map<string, Date>();
    for (const [symbol, list] of bySymbol) {
      const first = list.find((b) => b.channel === 'bars');
      if (!first) continue;
      if (!firstStreamed.has(symbol)) firstStreamed.set(symbol, first.ts.getTime());
      const last = newest.get(symbol);
      if (last && first.ts.getTime() - last.getTime() > barMs) {
        const hole = holes.get(symbol);
        holes.set(symbol, {
          after: hole && hole.after < last ? hole.after : last,
          before: Math.max(hole?.before ?? 0, first.ts.getTime()),
        });
      }
    }
    const stored = await ingest.storeAll(bySymbol, true);
    repairHoles();
    // A bar stored a moment before its end is published at its end (by this clock), not before.
    const ends = [...stored.values()].flat().map((b) => b.ts.getTime() + barMs);
    const wait = Math.max(...ends) - now().getTime();
    if (wait > 0) {
      const timer = setTimeout(() => {
        atClose.delete(timer);
        ingest.flush().catch((err: unknown) => {
          logger.warn('bars not published at their close; the next flush sends them', {
            error: errorMessage(err),
          });
        });
      }, wait + 1);
      timer.unref();
      atClose.add(timer);
    }
  }

  /** A longer timeframe: a symbol's minute bar is the clock; its own bar comes from REST when due. */
  async function fetchDue(symbols: Iterable<string>): Promise<void> {
    for (const symbol of symbols) {
      if ((nextDue.get(symbol) ?? 0) > now().getTime() || pending.has(symbol)) continue;
      const latest = (await ingest.fetch(symbol)).at(-1)?.ts ?? (await ingest.latest([symbol])).get(symbol);
      // Due when the bar after the newest stored one has closed; retried each minute until then.
      const due = latest ? latest.getTime() + 2 * barMs : 0;
      nextDue.set(symbol, Math.max(due, now().getTime() + 60_000));
    }
  }

  async function onBars(bars: StreamBar[]): Promise<void> {
    const bySymbol = new Map<string, StreamBar[]>();
    for (const bar of bars) {
      const list = bySymbol.get(bar.symbol);
      if (list) list.push(bar);
      else bySymbol.set(bar.symbol, [bar]);
    }
    try {
      if (oneMinute) await storeStreamed(bySymbol);
      else await fetchDue(bySymbol.keys());
      await ingest.flush();
    } catch (err) {
      // Not stored (the database away a moment): these bars are now a gap, repaired from REST
      // from the first of them, the symbols held meanwhile (a later bar must not overtake them).
      for (const [symbol, list] of bySymbol) {
        const first = Math.min(...list.map((b) => b.ts.getTime()));
        if (Number.isFinite(first)) markPending(symbol, new Date(first - 1));
      }
      throw err;
    }
  }

  const stream = new AlpacaMarketStream({
    config,
    channels: oneMinute ? ['bars', 'updatedBars'] : ['bars'],
    logger,
    metrics,
    policy: deps.policy,
    handler: { onBars, onSubscribed },
  });

  async function compareLatest(symbols: readonly string[]): Promise<void> {
    if (!oneMinute) return;
    const [latest, storedAll] = await Promise.all([market.getLatestBars(symbols), ingest.latest(symbols)]);
    for (const symbol of symbols) {
      const bar = latest.get(symbol);
      // A bar the screening refuses is no sign of a gap (it would be refused again).
      if (!bar || barProblem(bar, now()) !== undefined || pending.has(symbol)) continue;
      const provider = bar.ts;
      if (provider.getTime() + barMs > now().getTime()) continue;
      const stored = storedAll.get(symbol);
      if (stored && stored.getTime() >= provider.getTime()) continue;
      logger.warn('stream missed bars: repairing from REST', { symbol, stored, provider });
      markPending(symbol, stored);
      startRepair(symbol);
    }
  }

  return {
    get live() {
      return stream.live;
    },
    get repairing() {
      return [...pending.keys()].sort();
    },
    follow(symbols) {
      if (!started) {
        started = true;
        stream.start(symbols);
      } else stream.setSymbols(symbols);
    },
    async check(symbols) {
      for (const symbol of pending.keys()) startRepair(symbol);
      repairHoles();
      if (!stream.live || now().getTime() - lastCheck < config.streamSafetyPollMs) return;
      lastCheck = now().getTime();
      await compareLatest(symbols);
    },
    async idle() {
      await stream.idle();
      await Promise.all(running);
    },
    async close() {
      for (const timer of atClose) clearTimeout(timer);
      atClose.clear();
      await stream.close();
      await Promise.all(running);
    },
  };
}
