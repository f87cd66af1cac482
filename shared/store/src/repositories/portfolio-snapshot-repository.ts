import type { Decimal } from '@trading/domain';
import type { Knex } from 'knex';

import { newestFirst } from './list-options.js';

export interface PortfolioSnapshot {
  snapshotAt: Date;
  cash: Decimal;
  equity: Decimal;
  positionsValue: Decimal;
  realizedPnl: Decimal;
  unrealizedPnl: Decimal;
  openPositions: number;
}

export interface PortfolioSnapshotRow extends PortfolioSnapshot {
  id: string;
}

/** Repository of `portfolio_snapshots`. */
export class PortfolioSnapshotRepository {
  constructor(private readonly knex: Knex) {}

  async insert(snapshot: PortfolioSnapshot): Promise<PortfolioSnapshotRow> {
    const [row] = (await this.knex('portfolio_snapshots')
      .insert(snapshot)
      .returning('*')) as PortfolioSnapshotRow[];
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async latest(): Promise<PortfolioSnapshotRow | undefined> {
    return this.knex<PortfolioSnapshotRow>('portfolio_snapshots').orderBy(newestFirst('snapshotAt')).first();
  }

  /** Snapshots since a time, oldest first (served by idx_portfolio_snapshots_at). */
  async since(since: Date, limit = 10_000): Promise<PortfolioSnapshotRow[]> {
    return this.knex<PortfolioSnapshotRow>('portfolio_snapshots')
      .where('snapshotAt', '>=', since)
      .orderBy([{ column: 'snapshotAt' }, { column: 'id' }])
      .limit(limit);
  }
}
