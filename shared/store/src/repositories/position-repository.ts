import type { Decimal } from '@trading/domain';
import type { Knex } from 'knex';

/** A position in one symbol; `qty` is negative for a short. */
export interface Position {
  symbol: string;
  qty: Decimal;
  avgCost: Decimal;
  marketPrice: Decimal | null;
  realizedPnl: Decimal;
  unrealizedPnl: Decimal;
}

export interface PositionRow extends Position {
  updatedAt: Date;
}

/** Repository of `positions`, keyed by symbol. */
export class PositionRepository {
  constructor(private readonly knex: Knex) {}

  async upsert(position: Position): Promise<PositionRow> {
    const [row] = (await this.knex('positions')
      .insert({ ...position, updatedAt: this.knex.fn.now() })
      .onConflict('symbol')
      .merge()
      .returning('*')) as PositionRow[];
    if (!row) throw new Error('upsert returned no row');
    return row;
  }

  async get(symbol: string): Promise<PositionRow | undefined> {
    return this.knex<PositionRow>('positions').where({ symbol }).first();
  }

  /** Every position, open or flat, by symbol. */
  async all(): Promise<PositionRow[]> {
    return this.knex<PositionRow>('positions').orderBy('symbol');
  }

  /** Positions with a non-zero quantity. */
  async open(): Promise<PositionRow[]> {
    return this.knex<PositionRow>('positions').whereNot('qty', 0).orderBy('symbol');
  }

  /**
   * Mark a position at a price: its market price and unrealised P&L from its quantity and cost as
   * stored now, in one statement, so a fill posted meanwhile is never overwritten.
   */
  async mark(symbol: string, price: Decimal): Promise<void> {
    await this.knex('positions')
      .where({ symbol })
      .update({
        marketPrice: price,
        unrealizedPnl: this.knex.raw('(?::numeric - avg_cost) * qty', [price]),
        updatedAt: this.knex.fn.now(),
      });
  }
}
