import { type AlpacaTradingClient, type Logger, type PositionRow, type Repositories } from '@trading/shared';
import { Big } from 'big.js';

import { foldFills, unrealizedPnl } from '../domain/position-math.js';

/** Dependencies of the portfolio book. */
export interface PortfolioBookDeps {
  repos: Repositories;
  trading: AlpacaTradingClient;
  logger: Logger;
}

/** Position keeping and snapshots over the database and the broker's account. */
export interface PortfolioBook {
  /** Recompute a symbol's position from all its recorded fills, priced at its latest candle. */
  refresh(symbol: string): Promise<PositionRow>;
  /** Write a portfolio snapshot: the broker's cash and equity with the book's positions and P&L. */
  snapshot(): Promise<void>;
}

export function createPortfolioBook(deps: PortfolioBookDeps): PortfolioBook {
  const { repos } = deps;

  async function marketPrice(symbol: string, fallback: string): Promise<string> {
    const [candle] = await repos.candles.recentAnyTimeframe(symbol, 1);
    return candle?.close ?? fallback;
  }

  return {
    async refresh(symbol) {
      const fills = await repos.trades.forSymbol(symbol);
      const state = foldFills(fills);
      const price = await marketPrice(symbol, fills.at(-1)?.price ?? '0');
      return repos.positions.upsert({
        symbol,
        qty: state.qty,
        avgCost: state.avgCost,
        marketPrice: new Big(price).gt(0) ? price : null,
        realizedPnl: state.realizedPnl,
        unrealizedPnl: new Big(price).gt(0) ? unrealizedPnl(state, price) : '0',
      });
    },
    async snapshot() {
      const account = await deps.trading.getAccount();
      const positions = await repos.positions.all();
      const sum = (f: (p: PositionRow) => string): string =>
        positions.reduce((acc, p) => acc.plus(f(p)), new Big(0)).toString();
      await repos.snapshots.insert({
        snapshotAt: new Date(),
        cash: account.cash,
        equity: account.equity,
        positionsValue: sum((p) => new Big(p.qty).times(p.marketPrice ?? p.avgCost).toString()),
        realizedPnl: sum((p) => p.realizedPnl),
        unrealizedPnl: sum((p) => p.unrealizedPnl),
        openPositions: positions.filter((p) => !new Big(p.qty).eq(0)).length,
      });
    },
  };
}
