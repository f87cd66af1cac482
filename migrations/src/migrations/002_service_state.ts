import type { Knex } from 'knex';

// What the services need beyond the design's tables:
// - candles.published_at: the data-collector publishes a bar once, and knows which it has not yet
//   published after a restart;
// - signals: timeframe and the bar that produced the signal (a re-run over the same bar yields the
//   same signal, so a restart cannot publish a duplicate), when it was published on
//   strategy.signals, and the executor's decision, with the rule and numbers of a rejection.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('candles', (t) => {
    t.timestamp('published_at', { useTz: true }).nullable();
  });
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
}

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
