import type { Knex } from 'knex';

const STATUSES =
  "'new', 'pending_new', 'accepted', 'partially_filled', 'filled', 'done_for_day', 'canceled', 'expired', 'replaced', 'pending_cancel', 'pending_replace', 'rejected', 'suspended', 'stopped', 'calculated'";

// Protective exits held at the broker. A signal keeps the exits its entry asked for (prices) and
// why an exit was decided (`signal` or `time`). An order knows its part (the entry, an exit, or a
// stop-loss / take-profit / trailing-stop protecting an entry, linked by parent_order_id), its stop
// price and trail; trailing stops join the order types, and `held` (a leg waiting for its entry)
// the statuses. Every column is added nullable: a binary
// from before this migration (a rollback) still reads and writes these tables.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('signals', (t) => {
    t.jsonb('exits').nullable();
    t.string('exit_reason', 16).nullable();
  });
  await knex.schema.alterTable('orders', (t) => {
    t.uuid('parent_order_id').nullable().references('id').inTable('orders').onDelete('SET NULL');
    t.string('role', 16).nullable();
    t.decimal('stop_price', 18, 6).nullable();
    t.decimal('trail_percent', 9, 4).nullable();
    t.dropChecks(['orders_type_valid']);
    t.check("type in ('market', 'limit', 'stop', 'stop_limit', 'trailing_stop')", [], 'orders_type_valid');
    t.check(
      "role is null or role in ('entry', 'exit', 'stop_loss', 'take_profit', 'trailing_stop')",
      [],
      'orders_role_valid',
    );
  });
  await knex.schema.alterTable('orders', (t) => {
    t.index(['parent_order_id'], 'orders_parent_order_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.dropIndex(['parent_order_id'], 'orders_parent_order_id_index');
    t.dropChecks(['orders_role_valid', 'orders_type_valid', 'orders_status_valid']);
    t.check("type in ('market', 'limit', 'stop', 'stop_limit')", [], 'orders_type_valid');
    t.check(`status in (${STATUSES})`, [], 'orders_status_valid');
    t.dropColumn('trail_percent');
    t.dropColumn('stop_price');
    t.dropColumn('role');
    t.dropColumn('parent_order_id');
  });
  await knex.schema.alterTable('signals', (t) => {
    t.dropColumn('exit_reason');
    t.dropColumn('exits');
  });
}

/** What `down` would destroy: asked before it runs, so data is never dropped unawares. */
export const drops = {
  columns: {
    orders: ['parent_order_id', 'role', 'stop_price', 'trail_percent'],
    signals: ['exits', 'exit_reason'],
  },
};
