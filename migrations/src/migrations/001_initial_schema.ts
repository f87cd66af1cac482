import type { Knex } from 'knex';

// Money and quantities are numeric (exact), times timestamptz. CHECKs keep impossible rows out.
const PRICE = [18, 6] as const;
const QTY = [20, 6] as const;
const SIDES = "('buy', 'sell')";
const ORDER_STATUSES =
  "('new', 'pending_new', 'accepted', 'partially_filled', 'filled', 'done_for_day', 'canceled', 'expired', 'replaced', 'pending_cancel', 'pending_replace', 'rejected', 'suspended', 'stopped', 'calculated')";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('candles', (t) => {
    t.bigIncrements('id').primary();
    t.string('symbol', 12).notNullable();
    t.string('timeframe', 8).notNullable();
    t.timestamp('ts', { useTz: true }).notNullable();
    t.decimal('open', ...PRICE).notNullable();
    t.decimal('high', ...PRICE).notNullable();
    t.decimal('low', ...PRICE).notNullable();
    t.decimal('close', ...PRICE).notNullable();
    t.decimal('volume', ...QTY).notNullable();
    t.decimal('vwap', ...PRICE).nullable();
    t.integer('trade_count').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['symbol', 'timeframe', 'ts'], { indexName: 'candles_symbol_timeframe_ts_key' });
    t.check('open > 0 and high > 0 and low > 0 and close > 0', [], 'candles_prices_positive');
    t.check('high >= low', [], 'candles_high_ge_low');
    t.check('volume >= 0', [], 'candles_volume_nonnegative');
  });

  await knex.schema.createTable('news', (t) => {
    t.bigIncrements('id').primary();
    t.string('provider', 32).notNullable();
    t.string('provider_id', 64).notNullable();
    t.string('symbol', 12).notNullable();
    t.text('headline').notNullable();
    t.text('summary').notNullable().defaultTo('');
    t.string('source', 128).notNullable().defaultTo('');
    t.text('url').notNullable().defaultTo('');
    t.timestamp('published_at', { useTz: true }).notNullable();
    t.decimal('sentiment', 6, 4).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['provider', 'provider_id', 'symbol'], { indexName: 'news_provider_id_symbol_key' });
    t.check('sentiment between -1 and 1', [], 'news_sentiment_range');
  });

  await knex.schema.createTable('signals', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('symbol', 12).notNullable();
    t.string('strategy', 64).notNullable();
    t.string('side', 4).notNullable();
    t.decimal('strength', 6, 4).notNullable().defaultTo(1);
    t.decimal('price', ...PRICE).notNullable();
    t.jsonb('params').notNullable().defaultTo('{}');
    t.text('reason').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`side in ${SIDES}`, [], 'signals_side_valid');
    t.check('price > 0', [], 'signals_price_positive');
    t.check('strength between 0 and 1', [], 'signals_strength_range');
  });

  await knex.schema.createTable('orders', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('client_order_id', 48).notNullable().unique({ indexName: 'orders_client_order_id_key' });
    t.string('broker_order_id', 64).nullable().unique({ indexName: 'orders_broker_order_id_key' });
    t.uuid('signal_id').nullable().references('id').inTable('signals').onDelete('SET NULL');
    t.string('symbol', 12).notNullable();
    t.string('side', 4).notNullable();
    t.string('type', 16).notNullable().defaultTo('market');
    t.decimal('qty', ...QTY).notNullable();
    t.decimal('limit_price', ...PRICE).nullable();
    t.string('status', 20).notNullable().defaultTo('new');
    t.decimal('filled_qty', ...QTY)
      .notNullable()
      .defaultTo(0);
    t.decimal('filled_avg_price', ...PRICE).nullable();
    t.text('reject_reason').nullable();
    t.timestamp('submitted_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`side in ${SIDES}`, [], 'orders_side_valid');
    t.check(`status in ${ORDER_STATUSES}`, [], 'orders_status_valid');
    t.check("type in ('market', 'limit', 'stop', 'stop_limit')", [], 'orders_type_valid');
    t.check('qty > 0', [], 'orders_qty_positive');
    t.check('limit_price is null or limit_price > 0', [], 'orders_limit_price_positive');
    t.check('filled_qty >= 0 and filled_qty <= qty', [], 'orders_filled_qty_range');
    t.check('filled_avg_price is null or filled_avg_price > 0', [], 'orders_fill_price_positive');
  });

  await knex.schema.createTable('trades', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('order_id').notNullable().references('id').inTable('orders').onDelete('CASCADE');
    t.string('broker_trade_id', 64).notNullable().unique({ indexName: 'trades_broker_trade_id_key' });
    t.string('symbol', 12).notNullable();
    t.string('side', 4).notNullable();
    t.decimal('qty', ...QTY).notNullable();
    t.decimal('price', ...PRICE).notNullable();
    t.decimal('commission', ...PRICE)
      .notNullable()
      .defaultTo(0);
    t.timestamp('traded_at', { useTz: true }).notNullable();
    t.check(`side in ${SIDES}`, [], 'trades_side_valid');
    t.check('qty > 0', [], 'trades_qty_positive');
    t.check('price > 0', [], 'trades_price_positive');
    t.check('commission >= 0', [], 'trades_commission_nonnegative');
  });

  await knex.schema.createTable('positions', (t) => {
    t.string('symbol', 12).primary();
    // Signed: negative for a short position.
    t.decimal('qty', ...QTY).notNullable();
    t.decimal('avg_cost', ...PRICE).notNullable();
    t.decimal('market_price', ...PRICE).nullable();
    t.decimal('realized_pnl', ...PRICE)
      .notNullable()
      .defaultTo(0);
    t.decimal('unrealized_pnl', ...PRICE)
      .notNullable()
      .defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check('avg_cost >= 0', [], 'positions_avg_cost_nonnegative');
    t.check('market_price is null or market_price > 0', [], 'positions_market_price_positive');
  });

  await knex.schema.createTable('portfolio_snapshots', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('snapshot_at', { useTz: true }).notNullable();
    t.decimal('cash', ...PRICE).notNullable();
    t.decimal('equity', ...PRICE).notNullable();
    t.decimal('positions_value', ...PRICE).notNullable();
    t.decimal('realized_pnl', ...PRICE)
      .notNullable()
      .defaultTo(0);
    t.decimal('unrealized_pnl', ...PRICE)
      .notNullable()
      .defaultTo(0);
    t.integer('open_positions').notNullable().defaultTo(0);
    t.check('open_positions >= 0', [], 'portfolio_snapshots_open_positions_nonnegative');
  });

  await knex.schema.createTable('symbol_scores', (t) => {
    t.bigIncrements('id').primary();
    // Unique per symbol through idx_symbol_scores_symbol (migration 003).
    t.string('symbol', 12).notNullable();
    t.decimal('score', 8, 4).notNullable();
    t.decimal('technical_score', 8, 4).notNullable();
    t.decimal('news_score', 8, 4).notNullable();
    t.decimal('llm_score', 8, 4).nullable();
    t.text('rationale').notNullable().defaultTo('');
    t.timestamp('scored_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('backtest_runs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('status', 16).notNullable().defaultTo('queued');
    t.jsonb('params').notNullable();
    t.jsonb('result').nullable();
    t.text('error').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true }).nullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.check("status in ('queued', 'running', 'succeeded', 'failed')", [], 'backtest_runs_status_valid');
  });
}

const TABLES = [
  'backtest_runs',
  'symbol_scores',
  'portfolio_snapshots',
  'positions',
  'trades',
  'orders',
  'signals',
  'news',
  'candles',
];

/** What `down` would destroy: asked before it runs, so data is never dropped unawares. */
export const drops = { tables: TABLES };

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.schema.dropTableIfExists(table);
}
