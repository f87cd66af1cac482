import type { Decimal, LedgerEntry } from '@trading/domain';
import { Big } from 'big.js';
import type { Knex } from 'knex';

import { newestFirst } from './list-options.js';

/** An entry to post: what moved a position, once per `entryKey`, when it happened. */
export type NewLedgerEntry = LedgerEntry & {
  symbol: string;
  /** Unique: the broker's trade id for a fill, the posting reconciliation's key for an adjustment. */
  entryKey: string;
  orderId?: string | null;
  occurredAt: Date;
};

/** When a position was opened, and the bar whose signal opened it (none for a trader's order). */
export interface PositionOpening {
  occurredAt: Date;
  signalBarTs?: Date;
}

/** A posted entry as the dashboard shows it: quantity signed, the reason of an adjustment. */
export interface LedgerEntryRow {
  id: string;
  symbol: string;
  kind: LedgerEntry['kind'];
  entryKey: string;
  qty: Decimal;
  price: Decimal;
  reason: string | null;
  orderId: string | null;
  occurredAt: Date;
  createdAt: Date;
}

/** The domain's view of a row: fills carry a side and a positive quantity. */
export function toLedgerEntry(row: LedgerEntryRow): LedgerEntry {
  if (row.kind === 'adjustment') {
    return { kind: 'adjustment', qty: row.qty, price: row.price, reason: row.reason ?? '' };
  }
  const qty = new Big(row.qty);
  return { kind: 'fill', side: qty.gt(0) ? 'buy' : 'sell', qty: qty.abs().toString(), price: row.price };
}

/** Repository of `position_entries`, the portfolio's ledger: append-only, each entry once. */
export class PositionLedgerRepository {
  constructor(private readonly knex: Knex) {}

  /**
   * Hold a symbol's ledger until the transaction ends (a transaction-scoped advisory lock), so two
   * posts to one symbol fold one after the other, never over each other.
   */
  async lock(symbol: string): Promise<void> {
    await this.knex.raw('select pg_advisory_xact_lock(hashtext(?))', [`position:${symbol}`]);
  }

  /** Post entries; those already posted (same key) are skipped. Resolves how many were new. */
  async append(entries: readonly NewLedgerEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const rows = entries.map((e) => ({
      symbol: e.symbol,
      kind: e.kind,
      entryKey: e.entryKey,
      qty: e.kind === 'fill' && e.side === 'sell' ? new Big(e.qty).neg().toString() : e.qty,
      price: e.price,
      reason: e.kind === 'adjustment' ? e.reason : null,
      orderId: e.orderId ?? null,
      occurredAt: e.occurredAt,
    }));
    const inserted = await this.knex('position_entries')
      .insert(rows)
      .onConflict('entryKey')
      .ignore()
      .returning('id');
    return inserted.length;
  }

  /** Every entry of a symbol in the order it applies (when it happened, then when it was posted). */
  async forSymbol(symbol: string): Promise<LedgerEntryRow[]> {
    return this.knex<LedgerEntryRow>('position_entries')
      .where({ symbol })
      .orderBy([{ column: 'occurredAt' }, { column: 'id' }]);
  }

  /**
   * Symbols with a fill the executor recorded (`trades`) that the ledger has not posted yet: their
   * `order.updated` is still on its way, so the book is behind the broker for a moment.
   */
  async symbolsWithFillsInFlight(): Promise<string[]> {
    const rows = await this.knex('trades')
      .distinct('trades.symbol')
      .leftJoin('position_entries', 'position_entries.entryKey', 'trades.brokerTradeId')
      .whereNull('position_entries.id');
    return (rows as { symbol: string }[]).map((r) => r.symbol);
  }

  /**
   * Fills the executor recorded (`trades`) that the ledger has not posted, as entries to post (the
   * same key and numbers as their `order.updated` would bring), oldest first.
   */
  async unpostedFills(limit: number): Promise<NewLedgerEntry[]> {
    const rows = (await this.knex('trades')
      .select('trades.*')
      .leftJoin('position_entries', 'position_entries.entryKey', 'trades.brokerTradeId')
      .whereNull('position_entries.id')
      .orderBy('trades.tradedAt', 'asc')
      .limit(limit)) as {
      symbol: string;
      side: 'buy' | 'sell';
      qty: string;
      price: string;
      brokerTradeId: string;
      orderId: string;
      tradedAt: Date;
    }[];
    return rows.map((t) => ({
      kind: 'fill',
      symbol: t.symbol,
      side: t.side,
      qty: t.qty,
      price: t.price,
      entryKey: t.brokerTradeId,
      orderId: t.orderId,
      occurredAt: t.tradedAt,
    }));
  }

  /** The newest entries of a symbol, newest first: why its position is what it is. */
  async recent(symbol: string, limit: number): Promise<LedgerEntryRow[]> {
    return this.knex<LedgerEntryRow>('position_entries')
      .where({ symbol })
      .orderBy(newestFirst('occurredAt'))
      .limit(limit);
  }

  /**
   * How the position now held (`qty`, signed) was opened: the entry that took it away from flat
   * (walking back from the newest), and the bar of the signal whose order made it, if one did.
   * Undefined when flat or when the ledger does not explain it (a position older than its entries).
   */
  async opening(symbol: string, qty: Decimal): Promise<PositionOpening | undefined> {
    let left = new Big(qty);
    if (left.eq(0)) return undefined;
    for (const row of await this.recent(symbol, 500)) {
      left = left.minus(row.qty);
      if (!left.eq(0)) continue;
      const signal: { barTs: Date } | undefined = row.orderId
        ? await this.knex('orders')
            .join('signals', 'signals.id', 'orders.signalId')
            .where('orders.id', row.orderId)
            .first<{ barTs: Date } | undefined>('signals.barTs')
        : undefined;
      return { occurredAt: row.occurredAt, signalBarTs: signal?.barTs };
    }
    return undefined;
  }

  /** The newest reconciliation adjustments of every symbol, with why. */
  async adjustments(limit: number): Promise<LedgerEntryRow[]> {
    return this.knex<LedgerEntryRow>('position_entries')
      .where({ kind: 'adjustment' })
      .orderBy(newestFirst('occurredAt'))
      .limit(limit);
  }
}
