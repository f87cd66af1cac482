import {
  appliedMigrations,
  DataLossRefusedError,
  EVENT_OUTBOX_INDEX,
  INDEXES,
  migrateDown,
  migrateLatest,
  migrateRollbackAll,
  POSITION_ENTRIES_INDEX,
  SIGNALS_CREATED_INDEX,
} from '@trading/migrations';
import { forEachDatabase } from '@trading/testkit';
import { expect } from 'chai';

const TABLES = [
  'backtest_runs',
  'candles',
  'event_outbox',
  'news',
  'orders',
  'portfolio_snapshots',
  'position_entries',
  'positions',
  'signals',
  'symbol_scores',
  'trades',
  'trading_control',
];

forEachDatabase(
  'migrations',
  (get) => {
    async function tables(): Promise<string[]> {
      const { rows } = await get().db.knex.raw<{ rows: { tablename: string }[] }>(
        "select tablename from pg_tables where schemaname = 'public' and tablename not like 'knex_%' order by tablename",
      );
      return rows.map((r) => r.tablename);
    }

    it('go up to latest, creating the twelve tables', async () => {
      expect(await migrateLatest(get().db.knex)).to.deep.equal([
        '001_initial_schema',
        '002_service_state',
        '003_add_missing_indexes',
        '004_signals_created_index',
        '005_position_ledger',
        '006_news_outbox',
        '007_event_outbox',
        '008_trading_control',
        '009_orders_overfill',
        '010_orders_decided_at',
        '011_trading_halt',
        '012_protective_orders',
      ]);
      expect(await tables()).to.deep.equal(TABLES);
    });

    it('create the six indexes of spec 2-3 and the signals and ledger listing indexes, by name, idx_symbol_scores_symbol unique', async () => {
      const { rows } = await get().db.knex.raw<{ rows: { indexname: string; indexdef: string }[] }>(
        "select indexname, indexdef from pg_indexes where schemaname = 'public' and indexname like 'idx_%' order by indexname",
      );
      const all = [...INDEXES, SIGNALS_CREATED_INDEX, POSITION_ENTRIES_INDEX, EVENT_OUTBOX_INDEX];
      expect(rows.map((r) => r.indexname)).to.deep.equal(all.map((i) => i.name).sort());
      for (const idx of all) {
        const def = rows.find((r) => r.indexname === idx.name)?.indexdef ?? '';
        expect(def, idx.name).to.include(`ON public.${idx.table}`);
        expect(def, idx.name).to.include(`(${idx.columns.join(', ')})`);
        expect(def.startsWith('CREATE UNIQUE INDEX'), idx.name).to.equal(idx.unique);
      }
    });

    it('go down one step at a time, each down undoing its up', async () => {
      const { knex } = get().db;
      expect(await migrateDown(knex)).to.deep.equal(['012_protective_orders']);
      expect(await migrateDown(knex)).to.deep.equal(['011_trading_halt']);
      expect(await migrateDown(knex)).to.deep.equal(['010_orders_decided_at']);
      expect(await migrateDown(knex)).to.deep.equal(['009_orders_overfill']);
      expect(await migrateDown(knex)).to.deep.equal(['008_trading_control']);
      expect(await tables()).not.to.include('trading_control');
      expect(await migrateDown(knex)).to.deep.equal(['007_event_outbox']);
      expect(await tables()).not.to.include('event_outbox');
      expect(await migrateDown(knex)).to.deep.equal(['006_news_outbox']);
      expect(await migrateDown(knex)).to.deep.equal(['005_position_ledger']);
      expect(await tables()).not.to.include('position_entries');
      expect(await migrateDown(knex)).to.deep.equal(['004_signals_created_index']);
      expect(await knex('pg_indexes').where({ indexname: SIGNALS_CREATED_INDEX.name })).to.have.length(0);
      expect(await migrateDown(knex)).to.deep.equal(['003_add_missing_indexes']);
      const { rows } = await knex.raw<{ rows: unknown[] }>(
        "select 1 from pg_indexes where indexname like 'idx_%'",
      );
      expect(rows).to.have.length(0);
      expect(await migrateDown(knex)).to.deep.equal(['002_service_state']);
      const cols = await knex('information_schema.columns').where({
        table_name: 'candles',
        column_name: 'published_at',
      });
      expect(cols).to.have.length(0);
      expect(await migrateDown(knex)).to.deep.equal(['001_initial_schema']);
      expect(await tables()).to.deep.equal([]);
      expect(await appliedMigrations(knex)).to.deep.equal([]);
    });

    it('refuse to drop a table or a column that holds rows, saying what, unless forced', async () => {
      const { knex } = get().db;
      await migrateLatest(knex);
      await knex('candles').insert({
        symbol: 'GOOG',
        timeframe: '1Day',
        ts: new Date('2024-01-02T05:00:00Z'),
        open: 1,
        high: 1,
        low: 1,
        close: 1,
        volume: 1,
        publishedAt: new Date(),
      });
      // Index-only steps, constraints, empty columns and tables drop no data and go down freely.
      expect(await migrateDown(knex)).to.deep.equal(['012_protective_orders']);
      expect(await migrateDown(knex)).to.deep.equal(['011_trading_halt']);
      expect(await migrateDown(knex)).to.deep.equal(['010_orders_decided_at']);
      expect(await migrateDown(knex)).to.deep.equal(['009_orders_overfill']);
      expect(await migrateDown(knex)).to.deep.equal(['008_trading_control']);
      expect(await migrateDown(knex)).to.deep.equal(['007_event_outbox']);
      expect(await migrateDown(knex)).to.deep.equal(['006_news_outbox']);
      expect(await migrateDown(knex)).to.deep.equal(['005_position_ledger']);
      expect(await migrateDown(knex)).to.deep.equal(['004_signals_created_index']);
      expect(await migrateDown(knex)).to.deep.equal(['003_add_missing_indexes']);
      const refused = await migrateDown(knex).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(DataLossRefusedError);
      expect((refused as Error).message).to.equal(
        'refusing to undo 002_service_state: it would drop candles.published_at (1 rows); back up first, then run it again with --force',
      );
      expect(await appliedMigrations(knex)).to.have.length(2);
      expect(await migrateDown(knex, { force: true })).to.deep.equal(['002_service_state']);
      expect(await migrateDown(knex).catch((e: unknown) => (e as Error).message)).to.match(
        /refusing to undo 001_initial_schema: it would drop candles \(1 rows\)/,
      );
      expect(await tables()).to.deep.equal(
        TABLES.filter((t) => !['position_entries', 'event_outbox', 'trading_control'].includes(t)),
      );
    });

    it('going up again fills the added columns of rows an older version wrote: nothing looks new', async () => {
      const { knex } = get().db;
      const [signal] = await knex('signals')
        .insert({ symbol: 'GOOG', strategy: 's', side: 'buy', price: 10, reason: 'r', params: '{}' })
        .returning<{ id: string }[]>('id');
      const [order] = await knex('orders')
        .insert({
          clientOrderId: 'sig-old',
          signalId: signal?.id,
          symbol: 'GOOG',
          side: 'sell',
          type: 'market',
          qty: 1,
          status: 'filled',
        })
        .returning<{ id: string }[]>('id');
      await knex('trades').insert({
        orderId: order?.id,
        brokerTradeId: 'old-fill',
        symbol: 'GOOG',
        side: 'sell',
        qty: 1,
        price: 10,
        tradedAt: new Date('2024-01-02T15:00:00Z'),
      });
      await migrateLatest(knex);
      // The ledger starts from the fills already recorded, signed.
      const [entry] = await knex('position_entries').select('kind', 'entryKey', 'qty', 'orderId');
      expect(entry).to.deep.equal({
        kind: 'fill',
        entryKey: 'old-fill',
        qty: '-1.000000',
        orderId: order?.id,
      });
      const candle = await knex('candles').first();
      expect(candle?.publishedAt).to.be.instanceOf(Date);
      const row = await knex('signals').where({ id: signal?.id }).first();
      expect(row).to.deep.include({ status: 'ordered', barTs: null });
      expect(row?.publishedAt).to.be.instanceOf(Date);
      await migrateRollbackAll(knex);
    });

    it('go up again after a full rollback', async () => {
      const { knex } = get().db;
      await migrateLatest(knex);
      expect(await migrateRollbackAll(knex)).to.have.length(12);
      await migrateLatest(knex);
      expect(await tables()).to.deep.equal(TABLES);
      expect(await appliedMigrations(knex)).to.have.length(12);
    });
  },
  { migrate: false },
);

forEachDatabase('schema constraints', (get) => {
  const knex = () => get().db.knex;
  const signal = {
    symbol: 'GOOG',
    strategy: 's',
    side: 'buy',
    price: '10',
    reason: 'r',
    params: '{}',
  };

  const refused: [string, string, Record<string, unknown>][] = [
    [
      'an order side other than buy/sell',
      'orders',
      { clientOrderId: 'a', symbol: 'X', side: 'hold', qty: '1' },
    ],
    [
      'an unknown order status',
      'orders',
      { clientOrderId: 'b', symbol: 'X', side: 'buy', qty: '1', status: 'lost' },
    ],
    ['a zero order quantity', 'orders', { clientOrderId: 'c', symbol: 'X', side: 'buy', qty: '0' }],
    [
      'a negative filled quantity',
      'orders',
      { clientOrderId: 'e', symbol: 'X', side: 'buy', qty: '1', filledQty: '-1' },
    ],
    [
      'a negative limit price',
      'orders',
      { clientOrderId: 'd', symbol: 'X', side: 'buy', qty: '1', limitPrice: '-1' },
    ],
    [
      'a client_order_id over 48 characters',
      'orders',
      { clientOrderId: 'x'.repeat(49), symbol: 'X', side: 'buy', qty: '1' },
    ],
    ['a signal price of 0', 'signals', { ...signal, price: '0' }],
    ['a signal without a reason', 'signals', { ...signal, reason: null }],
    [
      'a candle with a negative price',
      'candles',
      {
        symbol: 'X',
        timeframe: '1Day',
        ts: new Date(),
        open: '-1',
        high: '1',
        low: '1',
        close: '1',
        volume: '1',
      },
    ],
    [
      'a trade for an order that does not exist',
      'trades',
      {
        orderId: '00000000-0000-0000-0000-000000000000',
        brokerTradeId: 't',
        symbol: 'X',
        side: 'buy',
        qty: '1',
        price: '1',
        tradedAt: new Date(),
      },
    ],
    ['a backtest status outside the lifecycle', 'backtest_runs', { params: '{}', status: 'paused' }],
  ];
  for (const [name, table, row] of refused) {
    it(`refuses ${name}`, async () => {
      const err = await knex()(table)
        .insert(row)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err, 'insert should fail').to.be.instanceOf(Error);
      expect((err as { code?: string }).code).to.be.oneOf(['23514', '23502', '23503', '22001']);
    });
  }
});
