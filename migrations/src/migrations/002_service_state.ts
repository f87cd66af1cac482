import type { Knex } from 'knex';

// What the services need beyond the design's tables:
// - candles.published_at: the data-collector publishes a bar once, and knows which it has not yet
//   published after a restart;
// - signals: timeframe and the bar that produced the signal (a re-run over the same bar yields the
//   same signal, so a restart cannot publish a duplicate), when it was published on
//   strategy.signals, and the executor's decision, with the rule and numbers of a rejection.
//
// Rows that exist before the columns do are filled, never left to look new: a bar already stored was
// already seen downstream (marked published, so it is not replayed into the strategies), a signal
// already stored was already published (so the executor never sees it again), and one with an order
// was ordered. `bar_ts` cannot be known for such a signal and stays null; readers accept that.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('candles', (t) => {
    t.timestamp('published_at', { useTz: true }).nullable();
  });
  await knex('candles').update({ published_at: knex.ref('created_at') });
  await knex.schema.alterTable('signals', (t) => {
    t.string('timeframe', 8).notNullable().defaultTo('1Day');
    t.timestamp('bar_ts', { useTz: true }).nullable();
    t.string('status', 16).notNullable().defaultTo('new');
    t.string('rejection_rule', 64).nullable();
    t.jsonb('rejection_details').nullable();
    t.timestamp('published_at', { useTz: true }).nullable();
    t.unique(['strategy', 'symbol', 'timeframe', 'bar_ts'], { indexName: 'signals_strategy_symbol_bar_key' });
    t.check("status in ('new', 'ordered', 'rejected')", [], 'signals_status_valid');
  });
  await knex('signals').update({ published_at: knex.ref('created_at') });
  await knex('signals')
    .whereExists(knex('orders').select(knex.raw('1')).whereRaw('orders.signal_id = signals.id'))
    .update({ status: 'ordered' });
}

/** What `down` would destroy: asked before it runs, so data is never dropped unawares. */
export const drops = {
  columns: {
    signals: ['timeframe', 'bar_ts', 'status', 'rejection_rule', 'rejection_details', 'published_at'],
    candles: ['published_at'],
  },
};

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('signals', (t) => {
    t.dropChecks(['signals_status_valid']);
    t.dropUnique(['strategy', 'symbol', 'timeframe', 'bar_ts'], 'signals_strategy_symbol_bar_key');
    t.dropColumns('timeframe', 'bar_ts', 'status', 'rejection_rule', 'rejection_details', 'published_at');
  });
  await knex.schema.alterTable('candles', (t) => {
    t.dropColumn('published_at');
  });
}
