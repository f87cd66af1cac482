import type { Knex } from 'knex';

export type BacktestStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface BacktestRunRow {
  id: string;
  status: BacktestStatus;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Repository of `backtest_runs`: queued → running → succeeded | failed. */
export class BacktestRunRepository {
  constructor(private readonly knex: Knex) {}

  async create(params: Record<string, unknown>, id?: string): Promise<BacktestRunRow> {
    const [row] = (await this.knex('backtest_runs')
      .insert({ ...(id ? { id } : {}), params: JSON.stringify(params), status: 'queued' })
      .returning('*')) as BacktestRunRow[];
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async get(id: string): Promise<BacktestRunRow | undefined> {
    return this.knex<BacktestRunRow>('backtest_runs').where({ id }).first();
  }

  /**
   * Claim a queued run; false when it is not queued (already taken by another worker). With
   * `retake`, a run left `running` by an attempt that died (its job redelivered) is claimed too.
   */
  async markRunning(id: string, options: { retake?: boolean } = {}): Promise<boolean> {
    const n = await this.knex('backtest_runs')
      .where({ id })
      .whereIn('status', options.retake ? ['queued', 'running'] : ['queued'])
      .update({ status: 'running', startedAt: this.knex.fn.now() });
    return n === 1;
  }

  async succeed(id: string, result: Record<string, unknown>): Promise<void> {
    await this.knex('backtest_runs')
      .where({ id })
      .update({
        status: 'succeeded',
        result: JSON.stringify(result),
        error: null,
        finishedAt: this.knex.fn.now(),
      });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.knex('backtest_runs')
      .where({ id })
      .update({ status: 'failed', error, finishedAt: this.knex.fn.now() });
  }
}
