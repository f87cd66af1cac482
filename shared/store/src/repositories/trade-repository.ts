import type { Decimal, ExitReason, Side } from '@trading/domain';
import type { Knex } from 'knex';

import { newestPage, type Page } from './list-options.js';
import { PROTECTIVE_ROLES } from './order-repository.js';

/** Why a fill (a sell's matters): its protective part, the strategy's reason, a force-exit, a trader. */
const EXIT_REASON = `case
  when orders.role in (${PROTECTIVE_ROLES.map((r) => `'${r}'`).join(', ')}) then orders.role
  when orders.signal_id is not null then coalesce(signals.exit_reason, 'signal')
  when orders.client_order_id like 'man-exit-%' then 'force_exit'
  else 'manual' end as exit_reason`;

/** One fill of an order. */
export interface NewTrade {
  orderId: string;
  brokerTradeId: string;
  symbol: string;
  side: Side;
  qty: Decimal;
  price: Decimal;
  commission?: Decimal;
  tradedAt: Date;
}

export interface TradeRow extends Required<NewTrade> {
  id: string;
}

export interface TradeFilter extends Page {
  symbol?: string;
  /** Only fills at or after this time. */
  since?: Date;
}

/** Repository of `trades`: a fill is recorded once per broker trade id. */
export class TradeRepository {
  constructor(private readonly knex: Knex) {}

  /** Record a fill; resolves false when it was already recorded. */
  async insertOnce(trade: NewTrade): Promise<boolean> {
    const rows = await this.knex('trades').insert(trade).onConflict('brokerTradeId').ignore().returning('id');
    return rows.length === 1;
  }

  /** Fills of one order (served by idx_trades_order_id). */
  async byOrder(orderId: string): Promise<TradeRow[]> {
    return this.knex<TradeRow>('trades')
      .where({ orderId })
      .orderBy([{ column: 'tradedAt' }, { column: 'id' }]);
  }

  /** Fills newest first (served by idx_trades_symbol_traded when filtered by symbol). */
  async list(filter: TradeFilter): Promise<TradeRow[]> {
    const q = this.knex<TradeRow>('trades');
    if (filter.symbol) void q.where({ symbol: filter.symbol });
    if (filter.since) void q.where('tradedAt', '>=', filter.since);
    return newestPage(q, 'tradedAt', filter);
  }

  /**
   * Every fill since a time, oldest first, with the strategy whose signal placed its order (`manual`
   * for a trader's): what closed trades and performance by strategy are computed from.
   */
  async attributed(
    since: Date,
    limit = 50_000,
    symbol?: string,
  ): Promise<(TradeRow & { strategy: string; exitReason: ExitReason })[]> {
    const query = this.knex('trades')
      .join('orders', 'orders.id', 'trades.orderId')
      .leftJoin('signals', 'signals.id', 'orders.signalId')
      .where('trades.tradedAt', '>=', since);
    if (symbol !== undefined) void query.where('trades.symbol', symbol);
    return query
      .select(
        'trades.*',
        this.knex.raw("coalesce(signals.strategy, 'manual') as strategy"),
        this.knex.raw(EXIT_REASON),
      )
      .orderBy([{ column: 'trades.tradedAt' }, { column: 'trades.id' }])
      .limit(limit);
  }

  /**
   * A symbol's newest fills placed on the bars of a timeframe: a strategy's fill on the bar of its
   * signal, a trader's on the newest bar stored when it filled (the market's time then, which in a
   * replay or simulation is not the clock's). Newest first.
   */
  async onBars(
    symbol: string,
    timeframe: string,
    limit: number,
  ): Promise<(TradeRow & { strategy: string; barTs: Date | null; exitReason: ExitReason })[]> {
    const newestBar = this.knex('candles')
      .max('ts')
      .where('candles.symbol', symbol)
      .andWhere('candles.timeframe', timeframe)
      .andWhereRaw('candles.created_at <= trades.traded_at');
    return this.knex('trades')
      .join('orders', 'orders.id', 'trades.orderId')
      .leftJoin('signals', 'signals.id', 'orders.signalId')
      .where('trades.symbol', symbol)
      .select(
        'trades.*',
        this.knex.raw("coalesce(signals.strategy, 'manual') as strategy"),
        this.knex.raw('coalesce(signals.bar_ts, (?)) as bar_ts', [newestBar]),
        this.knex.raw(EXIT_REASON),
      )
      .orderBy([
        { column: 'trades.tradedAt', order: 'desc' },
        { column: 'trades.id', order: 'desc' },
      ])
      .limit(limit);
  }
}
