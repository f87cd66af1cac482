import type { Decimal, Side } from '@trading/domain';
import type { Knex } from 'knex';

import { newestFirst, newestPage, type Page } from './list-options.js';

export type SignalStatus = 'new' | 'ordered' | 'rejected';

/** A strategy's decision about one bar. */
export interface NewSignal {
  symbol: string;
  strategy: string;
  side: Side;
  strength: Decimal;
  price: Decimal;
  params: Record<string, unknown>;
  reason: string;
  timeframe: string;
  barTs: Date;
  /** An entry's protective exits (decimal prices; the trail in percent); null without any. */
  exits?: SignalExits | null;
  /** Why an exit was decided: the strategy (`signal`) or its holding limit (`time`). */
  exitReason?: 'signal' | 'time' | null;
}

/** Protective exits as stored and sent: decimal strings. */
export interface SignalExits {
  stopPrice?: string;
  takeProfitPrice?: string;
  trailPercent?: string;
}

export interface SignalRow extends Omit<NewSignal, 'barTs'> {
  id: string;
  /** Null for a signal an older version stored before the bar was recorded. */
  barTs: Date | null;
  status: SignalStatus;
  rejectionRule: string | null;
  rejectionDetails: Record<string, unknown> | null;
  publishedAt: Date | null;
  createdAt: Date;
}

/** A signal as this version stores it: always with its bar. */
export type StoredSignal = SignalRow & { barTs: Date };

/** A signal as lists show it: every column but the outbox's bookkeeping. */
export type ListedSignal = Omit<SignalRow, 'publishedAt'>;

/** The columns of {@link ListedSignal}: a list reads (and the driver parses) nothing else. */
const LISTED_COLUMNS = [
  'id',
  'symbol',
  'strategy',
  'side',
  'strength',
  'price',
  'timeframe',
  'barTs',
  'reason',
  'params',
  'status',
  'rejectionRule',
  'rejectionDetails',
  'createdAt',
] as const satisfies readonly (keyof ListedSignal)[];

/** Filters of {@link SignalRepository.list}. */
export interface SignalFilter extends Page {
  symbol?: string;
  strategy?: string;
  since?: Date;
  status?: SignalStatus;
}

/** Repository of `signals`: one signal per strategy, symbol and bar. */
export class SignalRepository {
  constructor(private readonly knex: Knex) {}

  /**
   * Store a signal once per (strategy, symbol, timeframe, bar). Resolves to the stored row and whether
   * this call created it: a re-run over the same bar returns the existing signal with `created: false`.
   */
  async insertOnce(signal: NewSignal): Promise<{ row: StoredSignal; created: boolean }> {
    const [inserted] = (await this.knex('signals')
      .insert({
        ...signal,
        params: JSON.stringify(signal.params),
        exits: signal.exits ? JSON.stringify(signal.exits) : null,
      })
      .onConflict(['strategy', 'symbol', 'timeframe', 'barTs'])
      .ignore()
      .returning('*')) as StoredSignal[];
    if (inserted) return { row: inserted, created: true };
    const existing = await this.knex<StoredSignal>('signals')
      .where({
        strategy: signal.strategy,
        symbol: signal.symbol,
        timeframe: signal.timeframe,
        barTs: signal.barTs,
      })
      .first();
    if (!existing) throw new Error('signal vanished between insert and select');
    return { row: existing, created: false };
  }

  async get(id: string): Promise<SignalRow | undefined> {
    return this.knex<SignalRow>('signals').where({ id }).first();
  }

  /** The price each of these signals was made at (its bar's close), by signal id. */
  async pricesOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.knex<SignalRow>('signals').whereIn('id', ids).select('id', 'price');
    return new Map(rows.map((r) => [r.id, r.price]));
  }

  /** Latest N signals of a symbol (served by idx_signals_symbol_created). */
  async latestForSymbol(symbol: string, limit: number): Promise<SignalRow[]> {
    return this.knex<SignalRow>('signals').where({ symbol }).orderBy(newestFirst('createdAt')).limit(limit);
  }

  /** Signals newest first, filtered; stable order for paging. */
  async list(filter: SignalFilter): Promise<ListedSignal[]> {
    const q = this.knex<ListedSignal>('signals').select<ListedSignal[]>([...LISTED_COLUMNS]);
    if (filter.symbol) void q.where({ symbol: filter.symbol });
    if (filter.strategy) void q.where({ strategy: filter.strategy });
    if (filter.since) void q.where('createdAt', '>=', filter.since);
    if (filter.status) void q.where({ status: filter.status });
    return newestPage(q, 'createdAt', filter);
  }

  /** How many signals since a time, by status (every status present, zero when none). */
  async countByStatus(since: Date): Promise<Record<SignalStatus, number>> {
    const rows: { status: SignalStatus; n: string | number }[] = await this.knex('signals')
      .where('createdAt', '>=', since)
      .groupBy('status')
      .select('status', this.knex.raw('count(*) as n'));
    const counts: Record<SignalStatus, number> = { new: 0, ordered: 0, rejected: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  /** Signals stored but not yet sent on strategy.signals, oldest first. */
  async unpublished(limit: number): Promise<StoredSignal[]> {
    return this.knex<StoredSignal>('signals')
      .whereNull('publishedAt')
      .whereNotNull('barTs')
      .orderBy([{ column: 'createdAt' }, { column: 'id' }])
      .limit(limit);
  }

  /** Record that signals went out on strategy.signals. */
  async markPublished(ids: readonly string[], at: Date = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await this.knex('signals').whereIn('id', ids).update({ publishedAt: at });
  }

  /** Record the executor's decision; a rejection carries its rule and the numbers behind it. */
  async setDecision(
    id: string,
    status: SignalStatus,
    rejection?: { rule: string; details: Record<string, unknown> },
  ): Promise<void> {
    await this.knex('signals')
      .where({ id })
      .update({
        status,
        rejectionRule: rejection?.rule ?? null,
        rejectionDetails: rejection ? JSON.stringify(rejection.details) : null,
      });
  }
}
