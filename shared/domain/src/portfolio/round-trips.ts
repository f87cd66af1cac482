import { Big } from 'big.js';

import type { Decimal } from '../decimal.js';
import type { ExitReason } from '../strategies/strategy.js';
import type { Fill } from './ledger.js';

/** A fill with what a trader's report needs: the symbol, its time, its cost and who asked for it. */
export interface AttributedFill extends Fill {
  symbol: string;
  commission: Decimal;
  tradedAt: Date;
  /** The strategy whose signal placed the order, or `manual`. */
  strategy: string;
  /** For a sell: what made it (the strategy, a protective order, a trader); `signal` when unknown. */
  exitReason?: ExitReason;
}

/** A closed trade: from the fill that opened a position to the one that made it flat again. */
export interface RoundTrip {
  symbol: string;
  /** The strategy of the opening fill. */
  strategy: string;
  /** Shares bought over the trip. */
  qty: Decimal;
  entryAt: Date;
  exitAt: Date;
  /** Average price paid and received. */
  entryPrice: Decimal;
  exitPrice: Decimal;
  /** Received − paid − commissions. */
  pnl: Decimal;
  /** pnl ÷ paid, in %. */
  returnPct: number;
  durationMs: number;
  /** What closed it: the sell that made the position flat. */
  exitReason: ExitReason;
}

interface OpenTrip {
  strategy: string;
  entryAt: Date;
  held: Big;
  bought: Big;
  paid: Big;
  sold: Big;
  received: Big;
  commissions: Big;
}

/**
 * The closed trades of a long-only book, from its fills in time order: a trip opens when a symbol's
 * position leaves zero and closes when it is back at zero; buys in between add to it, partial sells
 * reduce it. A sell larger than the position (a fill the book never saw the buy of) closes what is
 * held. Trips still open are not answered. Exact decimals.
 */
export function roundTrips(fills: readonly AttributedFill[]): RoundTrip[] {
  const open = new Map<string, OpenTrip>();
  const closed: RoundTrip[] = [];
  for (const f of fills) {
    const qty = new Big(f.qty);
    const price = new Big(f.price);
    let trip = open.get(f.symbol);
    if (f.side === 'buy') {
      trip ??= {
        strategy: f.strategy,
        entryAt: f.tradedAt,
        held: new Big(0),
        bought: new Big(0),
        paid: new Big(0),
        sold: new Big(0),
        received: new Big(0),
        commissions: new Big(0),
      };
      trip.held = trip.held.plus(qty);
      trip.bought = trip.bought.plus(qty);
      trip.paid = trip.paid.plus(qty.times(price));
      trip.commissions = trip.commissions.plus(f.commission);
      open.set(f.symbol, trip);
      continue;
    }
    if (!trip) continue;
    const sold = qty.gt(trip.held) ? trip.held : qty;
    trip.held = trip.held.minus(sold);
    trip.sold = trip.sold.plus(sold);
    trip.received = trip.received.plus(sold.times(price));
    trip.commissions = trip.commissions.plus(f.commission);
    if (trip.held.gt(0)) continue;
    open.delete(f.symbol);
    const pnl = trip.received.minus(trip.paid).minus(trip.commissions);
    closed.push({
      symbol: f.symbol,
      strategy: trip.strategy,
      qty: trip.bought.toString(),
      entryAt: trip.entryAt,
      exitAt: f.tradedAt,
      entryPrice: trip.paid.div(trip.bought).round(6).toString(),
      exitPrice: trip.received.div(trip.sold).round(6).toString(),
      pnl: pnl.round(6).toString(),
      returnPct: trip.paid.eq(0) ? 0 : Number(pnl.div(trip.paid).times(100).toFixed(4)),
      durationMs: f.tradedAt.getTime() - trip.entryAt.getTime(),
      exitReason: f.exitReason ?? 'signal',
    });
  }
  return closed;
}

/** How a group of closed trades did. */
export interface TripSummary {
  key: string;
  trades: number;
  wins: number;
  winRatePct: number;
  pnl: Decimal;
  avgReturnPct: number;
}

/** Closed trades summed by a key (the strategy, the symbol, the exit's day or week), in the order each key first appears. */
export function summariseTrips(trips: readonly RoundTrip[], keyOf: (t: RoundTrip) => string): TripSummary[] {
  const groups = new Map<string, RoundTrip[]>();
  for (const t of trips) {
    const key = keyOf(t);
    const group = groups.get(key);
    if (group) group.push(t);
    else groups.set(key, [t]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const wins = group.filter((t) => new Big(t.pnl).gt(0)).length;
    return {
      key,
      trades: group.length,
      wins,
      winRatePct: Number(((wins / group.length) * 100).toFixed(2)),
      pnl: group.reduce((acc, t) => acc.plus(t.pnl), new Big(0)).toString(),
      avgReturnPct: Number((group.reduce((acc, t) => acc + t.returnPct, 0) / group.length).toFixed(4)),
    };
  });
}

/** The UTC day of a time, `YYYY-MM-DD`. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** The Monday (UTC) of a time's week, `YYYY-MM-DD`. */
export function utcWeek(at: Date): string {
  const monday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return utcDay(monday);
}
