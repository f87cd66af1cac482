export type { Db, PoolSettings } from './create-db.js';
export { createDb, poolSettings } from './create-db.js';
export type { BacktestRunRow, BacktestStatus } from './repositories/backtest-run-repository.js';
export { BacktestRunRepository } from './repositories/backtest-run-repository.js';
export type { CandleRow } from './repositories/candle-repository.js';
export { CandleRepository } from './repositories/candle-repository.js';
export { ChangeMarkRepository } from './repositories/change-mark-repository.js';
export type { OutboxRow } from './repositories/event-outbox-repository.js';
export { EventOutboxRepository } from './repositories/event-outbox-repository.js';
export type { Page } from './repositories/list-options.js';
export { daysAgo } from './repositories/list-options.js';
export type { NewsItem, NewsRow } from './repositories/news-repository.js';
export { NewsRepository } from './repositories/news-repository.js';
export type { NewOrder, OrderFilter, OrderRole, OrderRow } from './repositories/order-repository.js';
export { isProtective, OrderRepository, PROTECTIVE_ROLES } from './repositories/order-repository.js';
export type {
  PortfolioSnapshot,
  PortfolioSnapshotRow,
} from './repositories/portfolio-snapshot-repository.js';
export { PortfolioSnapshotRepository } from './repositories/portfolio-snapshot-repository.js';
export type { LedgerEntryRow, NewLedgerEntry } from './repositories/position-ledger-repository.js';
export { PositionLedgerRepository, toLedgerEntry } from './repositories/position-ledger-repository.js';
export type { Position, PositionRow } from './repositories/position-repository.js';
export { PositionRepository } from './repositories/position-repository.js';
export type { Repositories } from './repositories/repositories.js';
export { createRepositories } from './repositories/repositories.js';
export type {
  ListedSignal,
  NewSignal,
  SignalExits,
  SignalFilter,
  SignalRow,
  SignalStatus,
  StoredSignal,
} from './repositories/signal-repository.js';
export { SignalRepository } from './repositories/signal-repository.js';
export type { SymbolScore, SymbolScoreRow } from './repositories/symbol-score-repository.js';
export { SymbolScoreRepository } from './repositories/symbol-score-repository.js';
export type { NewTrade, TradeFilter, TradeRow } from './repositories/trade-repository.js';
export { TradeRepository } from './repositories/trade-repository.js';
export type { TradingControl, TradingMode } from './repositories/trading-control-repository.js';
export { TradingControlRepository, tradingMode } from './repositories/trading-control-repository.js';
export { readWatchlist } from './repositories/watchlist.js';
export { waitForDatabase } from './wait-for-database.js';
