import type { Knex } from 'knex';

/** The kill switch: whether strategies may place orders, why not, and who last changed it. */
export interface TradingControl {
  paused: boolean;
  reason: string | null;
  /** Who changed it last: `api`, `telegram`, `dashboard`; `default` before anyone did. */
  changedBy: string;
  changedAt: Date | null;
}

const RUNNING: TradingControl = { paused: false, reason: null, changedBy: 'default', changedAt: null };

/** Repository of `trading_control`: one row at most; none means trading runs. */
export class TradingControlRepository {
  constructor(private readonly knex: Knex) {}

  async get(): Promise<TradingControl> {
    const row = await this.knex<TradingControl & { id: number }>('trading_control')
      .select('paused', 'reason', 'changedBy', 'changedAt')
      .where({ id: 1 })
      .first();
    return row ?? RUNNING;
  }

  /** Pause or resume; answers the state now stored. */
  async set(change: { paused: boolean; reason?: string; changedBy: string }): Promise<TradingControl> {
    const [row] = (await this.knex('trading_control')
      .insert({
        id: 1,
        paused: change.paused,
        reason: change.reason ?? null,
        changedBy: change.changedBy,
        changedAt: this.knex.fn.now(),
      })
      .onConflict('id')
      .merge()
      .returning('*')) as (TradingControl & { id: number })[];
    if (!row) throw new Error('upsert returned no row');
    return { paused: row.paused, reason: row.reason, changedBy: row.changedBy, changedAt: row.changedAt };
  }
}
