import type { Knex } from 'knex';

/**
 * The trader's switches: `paused` stops strategies' entries (their exits still go); `halted`
 * (which implies paused) also refuses strategies' exits and a trader's buys. With why and who.
 */
export interface TradingControl {
  paused: boolean;
  halted: boolean;
  reason: string | null;
  /** Who changed it last: `api`, `telegram`, `dashboard`; `default` before anyone did. */
  changedBy: string;
  changedAt: Date | null;
}

/** The trading mode a control stands for. */
export type TradingMode = 'running' | 'entries_stopped' | 'halted';

/** `running`, `entries_stopped` (paused) or `halted`. */
export function tradingMode(control: Pick<TradingControl, 'paused' | 'halted'>): TradingMode {
  if (control.halted) return 'halted';
  return control.paused ? 'entries_stopped' : 'running';
}

const RUNNING: TradingControl = {
  paused: false,
  halted: false,
  reason: null,
  changedBy: 'default',
  changedAt: null,
};

/** Repository of `trading_control`: one row at most; none means trading runs. */
export class TradingControlRepository {
  constructor(private readonly knex: Knex) {}

  async get(): Promise<TradingControl> {
    const row = await this.knex<TradingControl & { id: number }>('trading_control')
      .select('paused', 'halted', 'reason', 'changedBy', 'changedAt')
      .where({ id: 1 })
      .first();
    return row ?? RUNNING;
  }

  /** Set the mode; answers the state now stored. A halt is stored paused too (see the migration). */
  async set(change: { mode: TradingMode; reason?: string; changedBy: string }): Promise<TradingControl> {
    const [row] = (await this.knex('trading_control')
      .insert({
        id: 1,
        paused: change.mode !== 'running',
        halted: change.mode === 'halted',
        reason: change.reason ?? null,
        changedBy: change.changedBy,
        changedAt: this.knex.fn.now(),
      })
      .onConflict('id')
      .merge()
      .returning('*')) as (TradingControl & { id: number })[];
    if (!row) throw new Error('upsert returned no row');
    return {
      paused: row.paused,
      halted: row.halted,
      reason: row.reason,
      changedBy: row.changedBy,
      changedAt: row.changedAt,
    };
  }
}
