import type { Knex } from 'knex';

import { BacktestRunRepository } from './backtest-run-repository.js';
import { CandleRepository } from './candle-repository.js';
import { ChangeMarkRepository } from './change-mark-repository.js';
import { EventOutboxRepository } from './event-outbox-repository.js';
import { NewsRepository } from './news-repository.js';
import { OrderRepository } from './order-repository.js';
import { PortfolioSnapshotRepository } from './portfolio-snapshot-repository.js';
import { PositionLedgerRepository } from './position-ledger-repository.js';
import { PositionRepository } from './position-repository.js';
import { SignalRepository } from './signal-repository.js';
import { SymbolScoreRepository } from './symbol-score-repository.js';
import { TradeRepository } from './trade-repository.js';
import { TradingControlRepository } from './trading-control-repository.js';

/** Every table's repository over one knex. */
export interface Repositories {
  candles: CandleRepository;
  news: NewsRepository;
  signals: SignalRepository;
  orders: OrderRepository;
  trades: TradeRepository;
  positions: PositionRepository;
  ledger: PositionLedgerRepository;
  snapshots: PortfolioSnapshotRepository;
  scores: SymbolScoreRepository;
  backtests: BacktestRunRepository;
  outbox: EventOutboxRepository;
  control: TradingControlRepository;
  changes: ChangeMarkRepository;
  /** Run `work` in one transaction, over repositories bound to it: all of it is stored, or none. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
}

export function createRepositories(knex: Knex): Repositories {
  return {
    candles: new CandleRepository(knex),
    news: new NewsRepository(knex),
    signals: new SignalRepository(knex),
    orders: new OrderRepository(knex),
    trades: new TradeRepository(knex),
    positions: new PositionRepository(knex),
    ledger: new PositionLedgerRepository(knex),
    snapshots: new PortfolioSnapshotRepository(knex),
    scores: new SymbolScoreRepository(knex),
    backtests: new BacktestRunRepository(knex),
    outbox: new EventOutboxRepository(knex),
    control: new TradingControlRepository(knex),
    changes: new ChangeMarkRepository(knex),
    transaction: async (work) => knex.transaction(async (trx) => work(createRepositories(trx))),
  };
}
