import type { Candle } from '@trading/domain';
import type { Knex } from 'knex';

/** A stored bar with its id and publication state. */
export interface CandleRow extends Candle {
  id: string;
  publishedAt: Date | null;
  createdAt: Date;
}

/** Repository of `candles`: idempotent on (symbol, timeframe, ts). */
export class CandleRepository {
  constructor(private readonly knex: Knex) {}

  /**
   * Insert bars, updating the prices of stored bars not yet published (a provider may correct a
   * bar); a published bar is final: what strategies acted on is what charts and backtests read.
   * Resolves to the rows inserted or updated.
   */
  async upsertMany(candles: readonly Candle[]): Promise<number> {
    if (candles.length === 0) return 0;
    const rows = await this.knex('candles')
      .insert(candles.map((c) => ({ ...c, vwap: c.vwap ?? null, tradeCount: c.tradeCount ?? null })))
      .onConflict(['symbol', 'timeframe', 'ts'])
      .merge(['open', 'high', 'low', 'close', 'volume', 'vwap', 'tradeCount'])
      .whereNull('candles.publishedAt')
      .returning('id');
    return rows.length;
  }

  /**
   * The bars among `candles` that would change a published bar (another open, high, low, close or
   * volume): corrections, which {@link upsertMany} does not write over it.
   */
  async corrections(candles: readonly Candle[]): Promise<Candle[]> {
    if (candles.length === 0) return [];
    const published = await this.knex<CandleRow>('candles')
      .whereNotNull('publishedAt')
      .whereIn(
        ['symbol', 'timeframe', 'ts'],
        candles.map((c) => [c.symbol, c.timeframe, c.ts]),
      )
      .select('symbol', 'timeframe', 'ts', 'open', 'high', 'low', 'close', 'volume');
    const byKey = new Map(published.map((r) => [`${r.symbol} ${r.timeframe} ${r.ts.toISOString()}`, r]));
    return candles.filter((c) => {
      const row = byKey.get(`${c.symbol} ${c.timeframe} ${c.ts.toISOString()}`);
      return (
        row !== undefined &&
        (['open', 'high', 'low', 'close', 'volume'] as const).some((k) => Number(row[k]) !== Number(c[k]))
      );
    });
  }

  /** Timestamp of the newest stored bar (at or before `notAfter` when given), if any. */
  async latestTs(symbol: string, timeframe: string, notAfter?: Date): Promise<Date | undefined> {
    const q = this.knex('candles').where({ symbol, timeframe });
    if (notAfter) void q.andWhere('ts', '<=', notAfter);
    const row = await q.max<{ max: Date | null }>('ts as max').first();
    return row?.max ?? undefined;
  }

  /** {@link latestTs} of several symbols in one query; a symbol with no bar is absent. */
  async latestTsMany(
    symbols: readonly string[],
    timeframe: string,
    notAfter?: Date,
  ): Promise<Map<string, Date>> {
    if (symbols.length === 0) return new Map();
    const q = this.knex('candles').whereIn('symbol', symbols).andWhere({ timeframe });
    if (notAfter) void q.andWhere('ts', '<=', notAfter);
    const rows = await q.select('symbol').max<{ symbol: string; max: Date }[]>('ts as max').groupBy('symbol');
    return new Map(rows.map((r) => [r.symbol, r.max]));
  }

  /** The newest `limit` bars, returned oldest first (for rebuilding indicator state). */
  async recent(symbol: string, timeframe: string, limit: number): Promise<CandleRow[]> {
    const rows = await this.knex<CandleRow>('candles')
      .where({ symbol, timeframe })
      .orderBy('ts', 'desc')
      .limit(limit);
    return rows.reverse();
  }

  /** The newest `limit` bars strictly before `before`, oldest first (history for rebuilding state). */
  async recentBefore(symbol: string, timeframe: string, before: Date, limit: number): Promise<CandleRow[]> {
    const rows = await this.knex<CandleRow>('candles')
      .where({ symbol, timeframe })
      .andWhere('ts', '<', before)
      .orderBy('ts', 'desc')
      .limit(limit);
    return rows.reverse();
  }

  /** The newest bars of a symbol in any timeframe, newest first (latest price). */
  async recentAnyTimeframe(symbol: string, limit: number): Promise<CandleRow[]> {
    return this.knex<CandleRow>('candles').where({ symbol }).orderBy('ts', 'desc').limit(limit);
  }

  /**
   * One page of bars after `after` (exclusive) up to `to` (inclusive), oldest first: keyset paging
   * over the (symbol, timeframe, ts) key, for reading millions of bars a page at a time.
   */
  async pageAfter(
    symbol: string,
    timeframe: string,
    after: Date,
    to: Date,
    limit: number,
  ): Promise<Pick<CandleRow, 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume'>[]> {
    return this.knex<CandleRow>('candles')
      .select('ts', 'open', 'high', 'low', 'close', 'volume')
      .where({ symbol, timeframe })
      .andWhere('ts', '>', after)
      .andWhere('ts', '<=', to)
      .orderBy('ts', 'asc')
      .limit(limit);
  }

  /** Bars in [from, to], oldest first. */
  async range(
    symbol: string,
    timeframe: string,
    from: Date,
    to: Date,
    limit = 100_000,
  ): Promise<CandleRow[]> {
    return this.knex<CandleRow>('candles')
      .where({ symbol, timeframe })
      .whereBetween('ts', [from, to])
      .orderBy('ts', 'asc')
      .limit(limit);
  }

  /** Bars not yet published on `market.candles`, oldest first. */
  async unpublished(limit: number, except: readonly string[] = []): Promise<CandleRow[]> {
    // Symbols held back are left out in the query, not after it: the oldest rows of one held
    // symbol must not fill every batch and starve the others.
    const q = this.knex<CandleRow>('candles').whereNull('publishedAt');
    if (except.length > 0) void q.whereNotIn('symbol', except);
    return q.orderBy([{ column: 'ts' }, { column: 'id' }]).limit(limit);
  }

  /** Record that bars were published. */
  async markPublished(ids: readonly string[], at: Date = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await this.knex('candles').whereIn('id', ids).update({ publishedAt: at });
  }
}
