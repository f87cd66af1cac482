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

  /** The oldest snapshot: where the account started. */
  async first(): Promise<PortfolioSnapshotRow | undefined> {
    return this.knex<PortfolioSnapshotRow>('portfolio_snapshots')
      .orderBy([{ column: 'snapshotAt' }, { column: 'id' }])
      .first();
  }

  /**
   * Each UTC day's last snapshot since a time, oldest first, with the last snapshot before that time
   * first (the close the first day's profit is measured from), however many snapshots a day holds.
   */
  async dailyCloses(since: Date): Promise<(PortfolioSnapshotRow & { day: string })[]> {
    const { rows } = await this.knex.raw<{ rows: (PortfolioSnapshotRow & { day: string })[] }>(
      `select * from ((select *, to_char(snapshot_at at time zone 'UTC', 'YYYY-MM-DD') as day
          from portfolio_snapshots where snapshot_at < ? order by snapshot_at desc, id desc limit 1)
       union all
       (select distinct on (day) * from (
          select *, to_char(snapshot_at at time zone 'UTC', 'YYYY-MM-DD') as day
            from portfolio_snapshots where snapshot_at >= ?) s
        order by day, snapshot_at desc, id desc)) u
       order by snapshot_at, id`,
      [since, since],
    );
    return rows;
  }
}
