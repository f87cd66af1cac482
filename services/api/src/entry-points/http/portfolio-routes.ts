import {
  daysAgo,
  type LedgerEntryRow,
  type PortfolioSnapshotRow,
  type PositionRow,
  type Repositories,
} from '@trading/store';
import Joi from 'joi';

import { decimal, listOf, one, serialId, timestamp } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { days, limit, symbol } from './input-schemas.js';

/** A position on the wire. */
export const positionSchema = Joi.object({
  symbol: Joi.string(),
  qty: decimal.description('Signed: negative for a short'),
  avgCost: decimal,
  marketPrice: decimal.allow(null),
  realizedPnl: decimal,
  unrealizedPnl: decimal,
  updatedAt: timestamp,
}).label('Position');

/** A position as answered. */
export function presentPosition(p: PositionRow): Record<string, unknown> {
  return {
    symbol: p.symbol,
    qty: p.qty,
    avgCost: p.avgCost,
    marketPrice: p.marketPrice,
    realizedPnl: p.realizedPnl,
    unrealizedPnl: p.unrealizedPnl,
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** A ledger entry on the wire: what moved a position, and for an adjustment why. */
export const ledgerEntrySchema = Joi.object({
  id: serialId,
  kind: Joi.string().valid('fill', 'adjustment'),
  qty: decimal.description('Signed change of the position'),
  price: decimal,
  reason: Joi.string().allow(null).description("An adjustment's reason; null for a fill"),
  orderId: Joi.string().guid().allow(null),
  occurredAt: timestamp,
}).label('LedgerEntry');

/** A ledger entry as answered. */
export function presentLedgerEntry(e: LedgerEntryRow): Record<string, unknown> {
  return {
    id: e.id,
    kind: e.kind,
    qty: e.qty,
    price: e.price,
    reason: e.reason,
    orderId: e.orderId,
    occurredAt: e.occurredAt.toISOString(),
  };
}

/** A portfolio snapshot on the wire. */
export const snapshotSchema = Joi.object({
  id: serialId,
  snapshotAt: timestamp,
  cash: decimal,
  equity: decimal,
  positionsValue: decimal,
  realizedPnl: decimal,
  unrealizedPnl: decimal,
  openPositions: Joi.number().integer(),
}).label('PortfolioSnapshot');

/** A snapshot as answered. */
export function presentSnapshot(s: PortfolioSnapshotRow): Record<string, unknown> {
  return {
    id: s.id,
    snapshotAt: s.snapshotAt.toISOString(),
    cash: s.cash,
    equity: s.equity,
    positionsValue: s.positionsValue,
    realizedPnl: s.realizedPnl,
    unrealizedPnl: s.unrealizedPnl,
    openPositions: s.openPositions,
  };
}

/** Positions and the portfolio: open positions, the latest snapshot, and its history. */
export function portfolioEndpoints(repos: Repositories): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/positions',
      operationId: 'listPositions',
      summary: 'Open positions, by symbol',
      tag: 'portfolio',
      responses: {
        200: { description: 'Every open position', schema: listOf(positionSchema, 'PositionList') },
      },
      async handle() {
        return { body: { data: (await repos.positions.open()).map(presentPosition) } };
      },
    }),
    endpoint<{ limit: number }, { symbol: string }>({
      method: 'get',
      path: '/positions/:symbol/entries',
      operationId: 'listPositionEntries',
      summary: "Why a position is what it is: its ledger's newest entries (fills and adjustments)",
      tag: 'portfolio',
      params: Joi.object({ symbol: symbol.required() }),
      query: Joi.object({ limit }),
      responses: {
        200: { description: 'Newest entries first', schema: listOf(ledgerEntrySchema, 'LedgerEntryList') },
      },
      async handle({ params, query }) {
        const entries = await repos.ledger.recent(params.symbol, query.limit);
        return { body: { data: entries.map(presentLedgerEntry) } };
      },
    }),
    endpoint({
      method: 'get',
      path: '/portfolio',
      operationId: 'getPortfolio',
      summary: 'The latest portfolio snapshot (null before the first one)',
      tag: 'portfolio',
      responses: {
        200: {
          description: 'The latest snapshot',
          schema: one(snapshotSchema.allow(null), 'PortfolioAnswer'),
        },
      },
      async handle() {
        const latest = await repos.snapshots.latest();
        return { body: { data: latest ? presentSnapshot(latest) : null } };
      },
    }),
    endpoint<{ days: number; limit: number }>({
      method: 'get',
      path: '/portfolio/history',
      operationId: 'getPortfolioHistory',
      summary: 'Portfolio snapshots of the last days, oldest first',
      tag: 'portfolio',
      query: Joi.object({ days, limit: limit.max(1000).default(1000) }),
      responses: {
        200: { description: 'Snapshots, oldest first', schema: listOf(snapshotSchema, 'PortfolioHistory') },
      },
      async handle({ query }) {
        const rows = await repos.snapshots.since(daysAgo(query.days), query.limit);
        return { body: { data: rows.map(presentSnapshot) } };
      },
    }),
  ];
}
