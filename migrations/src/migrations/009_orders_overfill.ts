import type { Knex } from 'knex';

// A broker may report more filled than ordered (an over-fill, partials 6 + 6 on 10). That report is a
// fact to record, not one the database may refuse: a refused recording held the order open forever
// and every decision behind it. The filled quantity stays non-negative; its upper bound goes.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table orders drop constraint if exists orders_filled_qty_range');
  await knex.raw('alter table orders add constraint orders_filled_qty_nonnegative check (filled_qty >= 0)');
}

// Back to the old bound for new rows only (not valid): rows an over-fill recorded stay as they are.
export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table orders drop constraint if exists orders_filled_qty_nonnegative');
  await knex.raw(
    'alter table orders add constraint orders_filled_qty_range check (filled_qty >= 0 and filled_qty <= qty) not valid',
  );
}
