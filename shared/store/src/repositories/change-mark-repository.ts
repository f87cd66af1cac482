import type { Knex } from 'knex';

/** Reads what changed last across the tables a trader watches. */
export class ChangeMarkRepository {
  constructor(private readonly knex: Knex) {}

  /**
   * One string that changes whenever an order, fill, position, snapshot, signal or the kill switch
   * does: a live view compares it each tick and reloads only when it moved. One cheap query.
   */
  async mark(): Promise<string> {
    const { rows } = await this.knex.raw<{ rows: Record<string, unknown>[] }>(
      `select (select max(updated_at) from orders) as orders,
              (select max(id) from trades) as trades,
              (select max(updated_at) from positions) as positions,
              (select max(id) from portfolio_snapshots) as snapshots,
              (select max(created_at) from signals) as signals,
              (select max(changed_at) from trading_control) as control`,
    );
    return JSON.stringify(rows[0] ?? {});
  }
}
