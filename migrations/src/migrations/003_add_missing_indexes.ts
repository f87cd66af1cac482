import type { Knex } from 'knex';

/** The six indexes of spec item 2-3, by name. */
export const INDEXES = [
  { name: 'idx_signals_symbol_created', table: 'signals', columns: ['symbol', 'created_at'], unique: false },
  {
    name: 'idx_orders_symbol_status_created',
    table: 'orders',
    columns: ['symbol', 'status', 'created_at'],
    unique: false,
  },
  { name: 'idx_trades_order_id', table: 'trades', columns: ['order_id'], unique: false },
  { name: 'idx_trades_symbol_traded', table: 'trades', columns: ['symbol', 'traded_at'], unique: false },
  {
    name: 'idx_portfolio_snapshots_at',
    table: 'portfolio_snapshots',
    columns: ['snapshot_at'],
    unique: false,
  },
  { name: 'idx_symbol_scores_symbol', table: 'symbol_scores', columns: ['symbol'], unique: true },
] as const;

export async function up(knex: Knex): Promise<void> {
  for (const idx of INDEXES) {
    await knex.schema.alterTable(idx.table, (t) => {
      if (idx.unique) t.unique([...idx.columns], { indexName: idx.name, useConstraint: false });
      else t.index([...idx.columns], idx.name);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const idx of [...INDEXES].reverse()) {
    await knex.raw('drop index if exists ??', [idx.name]);
  }
}
