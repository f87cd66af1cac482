import { type BrokerPort, foldLedger, unrealizedPnl } from '@trading/domain';
import { type Logger, type Metrics } from '@trading/platform';
import {
  daysAgo,
  type NewLedgerEntry,
  type PositionRow,
  type Repositories,
  toLedgerEntry,
} from '@trading/store';
import { Big } from 'big.js';

/** Dependencies of the portfolio book. */
export interface PortfolioBookDeps {
  repos: Repositories;
  trading: Pick<BrokerPort, 'getAccount'>;
  logger: Logger;
  /** Where the equity and drawdown gauges go (Prometheus alerts on the drawdown). */
  metrics?: Metrics;
}

/** Position keeping and snapshots over the database and the broker's account. */
export interface PortfolioBook {
  /**
   * Post entries (fills, adjustments) to a symbol's ledger, each once, and write the position folded
   * from the whole ledger, priced at its latest candle: the one writer of positions.
   */
  post(symbol: string, entries: readonly NewLedgerEntry[]): Promise<PositionRow>;
  /** Write a portfolio snapshot: the broker's cash and equity with the book's positions and P&L. */
  snapshot(): Promise<void>;
}

export function createPortfolioBook(deps: PortfolioBookDeps): PortfolioBook {
  const { repos } = deps;
  const equityGauge = deps.metrics?.gauge('portfolio_equity_dollars', 'Account equity at the last snapshot');
  const drawdownGauge = deps.metrics?.gauge(
    'portfolio_drawdown_ratio',
    'Fall of equity from its 30-day peak, as a fraction (0.1 = 10% below the peak)',
  );
  let peak: Big | undefined;

  /** Equity against its peak over the last 30 days of snapshots (read once, then followed). */
  async function recordEquity(equity: string): Promise<void> {
    if (!peak) {
      const history = await repos.snapshots.since(daysAgo(30));
      peak = history.reduce((max, s) => (new Big(s.equity).gt(max) ? new Big(s.equity) : max), new Big(0));
    }
    if (new Big(equity).gt(peak)) peak = new Big(equity);
    equityGauge?.set(Number(equity));
    drawdownGauge?.set(peak.gt(0) ? Number(peak.minus(equity).div(peak).toFixed(6)) : 0);
  }

  async function marketPrice(symbol: string, fallback: string): Promise<string> {
    const [candle] = await repos.candles.recentAnyTimeframe(symbol, 1);
    return candle?.close ?? fallback;
  }

  return {
    async post(symbol, entries) {
      const price = await marketPrice(symbol, entries.findLast((e) => e.kind === 'fill')?.price ?? '0');
      // One transaction, one symbol at a time: the entries and the position they fold into change
      // together, so no reader (reconciliation) sees one without the other.
      return repos.transaction(async (tx) => {
        await tx.ledger.lock(symbol);
        await tx.ledger.append(entries);
        const ledger = await tx.ledger.forSymbol(symbol);
        const state = foldLedger(ledger.map(toLedgerEntry));
        const mark = new Big(price).gt(0) ? price : (ledger.findLast((e) => e.kind === 'fill')?.price ?? '0');
        return tx.positions.upsert({
          symbol,
          qty: state.qty,
          avgCost: state.avgCost,
          marketPrice: new Big(mark).gt(0) ? mark : null,
          realizedPnl: state.realizedPnl,
          unrealizedPnl: new Big(mark).gt(0) ? unrealizedPnl(state, mark) : '0',
        });
      });
    },
    async snapshot() {
      // Every open position marked at its newest bar first, so unrealised P&L and the positions'
      // value follow the market between fills (they used to keep the price of the last fill).
      for (const p of await repos.positions.open()) {
        const price = await marketPrice(p.symbol, p.marketPrice ?? p.avgCost);
        if (new Big(price).gt(0) && price !== p.marketPrice) await repos.positions.mark(p.symbol, price);
      }
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
      await recordEquity(account.equity);
    },
  };
}
