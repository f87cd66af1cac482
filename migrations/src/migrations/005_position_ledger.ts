import type { Knex } from 'knex';

// The portfolio's ledger: every entry that moved a position, so a position is folded from it and the
// dashboard can say why a position changed. Fills (keyed by the broker's trade id) and adjustments
// (keyed by the reconciliation that posted them, with the reason), quantity signed. Fills recorded
// before the ledger existed are copied in, in the order they traded.
/** The ledger's read path: a symbol's entries in the order they apply. */
export const POSITION_ENTRIES_INDEX = {
  name: 'idx_position_entries_symbol',
  table: 'position_entries',
  columns: ['symbol', 'occurred_at', 'id'],
  unique: false,
} as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('position_entries', (t) => {
    t.bigIncrements('id').primary();
    t.string('symbol', 12).notNullable();
    t.string('kind', 12).notNullable();
    t.string('entry_key', 96).notNullable().unique({ indexName: 'position_entries_entry_key_key' });
    t.decimal('qty', 20, 6).notNullable();
    t.decimal('price', 18, 6).notNullable();
    t.text('reason').nullable();
    t.uuid('order_id').nullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index([...POSITION_ENTRIES_INDEX.columns], POSITION_ENTRIES_INDEX.name);
    t.check("kind in ('fill', 'adjustment')", [], 'position_entries_kind_valid');
    t.check('qty <> 0', [], 'position_entries_qty_nonzero');
    t.check("price > 0 or kind = 'adjustment'", [], 'position_entries_fill_price_positive');
    t.check('price >= 0', [], 'position_entries_price_nonnegative');
  });
  await knex.raw(`
    insert into position_entries (symbol, kind, entry_key, qty, price, order_id, occurred_at)
    select symbol, 'fill', broker_trade_id, case side when 'buy' then qty else -qty end, price, order_id, traded_at
    from trades order by traded_at, id`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('position_entries');
}

/** What `down` would destroy: asked before it runs, so data is never dropped unawares. */
export const drops = { tables: ['position_entries'] };
