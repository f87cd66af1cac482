import { expect } from 'chai';

import { type ApiFixture, startApiFixture } from '../../testing/api-fixture.js';

type Json = Record<string, unknown>;
const errorFields = (body: Json) =>
  (body.error as { details: { field: string }[] }).details.map((d) => d.field);

describe('read endpoints (real PostgreSQL): signals, trades, positions, portfolio, scores, strategies, candles, summary', function () {
  this.timeout(30_000);
  let api: ApiFixture;
  const day = (d: number) => new Date(Date.now() - d * 86_400_000);

  before(async function () {
    api = await startApiFixture(this, {
      STRATEGIES: 'sma-cross',
      STRATEGY_PARAMS: '{"sma-cross":{"fast":5,"slow":30}}',
    });
    const { repos } = api;
    for (let d = 1; d <= 3; d++) {
      for (const symbol of ['GOOG', 'MSFT']) {
        await repos.signals.insertOnce({
          symbol,
          strategy: d === 3 ? 'rsi-reversion' : 'sma-cross',
          side: 'buy',
          strength: '1',
          price: '100',
          params: {},
          reason: `signal ${symbol} ${String(d)}`,
          timeframe: '1Day',
          barTs: day(d),
        });
      }
    }
    const order = await repos.orders.upsert({
      clientOrderId: 'man-seed',
      signalId: null,
      symbol: 'GOOG',
      side: 'buy',
      type: 'market',
      qty: '2',
      status: 'filled',
    });
    await repos.trades.insertOnce({
      orderId: order.id,
      brokerTradeId: 't-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: '2',
      price: '100.5',
      tradedAt: day(1),
    });
    await repos.trades.insertOnce({
      orderId: order.id,
      brokerTradeId: 't-old',
      symbol: 'GOOG',
      side: 'buy',
      qty: '1',
      price: '90',
      tradedAt: day(60),
    });
    await repos.ledger.append([
      {
        kind: 'fill',
        symbol: 'GOOG',
        side: 'buy',
        qty: '2',
        price: '100.5',
        entryKey: 't-1',
        orderId: order.id,
        occurredAt: day(1),
      },
      {
        kind: 'adjustment',
        symbol: 'GOOG',
        qty: '-1',
        price: '100.5',
        reason: 'reconciliation: the broker holds 1, the book held 2',
        entryKey: 'reconcile:GOOG:1',
        occurredAt: day(0),
      },
    ]);
    await repos.positions.upsert({
      symbol: 'GOOG',
      qty: '2',
      avgCost: '100.5',
      marketPrice: '101',
      realizedPnl: '0',
      unrealizedPnl: '1',
    });
    await repos.positions.upsert({
      symbol: 'MSFT',
      qty: '0',
      avgCost: '0',
      marketPrice: null,
      realizedPnl: '5',
      unrealizedPnl: '0',
    });
    for (const [d, equity] of [
      [40, '99000'],
      [2, '100000'],
      [1, '100201'],
    ] as const) {
      await repos.snapshots.insert({
        snapshotAt: day(d),
        cash: '99800',
        equity,
        positionsValue: '201',
        realizedPnl: '0',
        unrealizedPnl: '1',
        openPositions: 1,
      });
    }
    for (const [symbol, score] of [
      ['GOOG', '0.8'],
      ['MSFT', '0.3'],
      ['AAPL', '0.55'],
    ] as const) {
      await repos.scores.upsert({
        symbol,
        score,
        technicalScore: score,
        newsScore: '0',
        llmScore: null,
        rationale: '',
        scoredAt: day(0),
      });
    }
    await repos.candles.upsertMany(
      [3, 2, 1].map((d) => ({
        symbol: 'GOOG',
        timeframe: '1Day',
        ts: day(d),
        open: '100',
        high: '102',
        low: '99',
        close: String(100 + d),
        volume: '1000',
      })),
    );
  });
  after(async () => {
    await api?.close();
  });

  const get = async (path: string) => api.call('GET', `/api/v1${path}`);
  const data = async (path: string) => {
    const res = await get(path);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(200);
    return res.body.data as Json[];
  };

  describe('GET /signals', () => {
    it('lists newest first with the page it served', async () => {
      const res = await get('/signals');
      expect(res.status).to.equal(200);
      expect(res.body.data).to.have.length(6);
      expect(res.body.page).to.deep.equal({ limit: 50, offset: 0 });
    });

    it('filters by symbol, strategy and days and pages with a stable order', async () => {
      const goog = await data('/signals?symbol=GOOG&strategy=sma-cross');
      expect(goog.map((s) => [s.symbol, s.strategy])).to.deep.equal([
        ['GOOG', 'sma-cross'],
        ['GOOG', 'sma-cross'],
      ]);
      const p1 = await data('/signals?limit=4');
      const p2 = await data('/signals?limit=4&offset=4');
      expect(new Set([...p1, ...p2].map((s) => s.id)).size).to.equal(6);
    });

    const bad: [string, string][] = [
      ['limit=0', 'query.limit'],
      ['limit=1001', 'query.limit'],
      ['limit=ten', 'query.limit'],
      ['days=0', 'query.days'],
      ['days=366', 'query.days'],
      ['symbol=goog', 'query.symbol'],
      ['symbol=TOOLONG', 'query.symbol'],
      ['color=red', 'query.color'],
      ['offset=-1', 'query.offset'],
      ['limit=1&limit=2', 'query.limit'],
    ];
    for (const [query, field] of bad) {
      it(`answers 400 naming ${field} for ?${query}`, async () => {
        const res = await get(`/signals?${query}`);
        expect(res.status).to.equal(400);
        expect((res.body.error as { code: string }).code).to.equal('VALIDATION_FAILED');
        expect(errorFields(res.body)).to.include(field);
      });
    }
  });

  it('GET /trades: fills newest first within the days asked, by symbol', async () => {
    expect((await data('/trades')).map((t) => t.brokerTradeId)).to.deep.equal(['t-1']);
    expect((await data('/trades?days=90&symbol=GOOG')).map((t) => t.brokerTradeId)).to.deep.equal([
      't-1',
      't-old',
    ]);
    expect(await data('/trades?symbol=MSFT')).to.deep.equal([]);
    expect((await get('/trades?days=400')).status).to.equal(400);
  });

  it('GET /positions: open positions only', async () => {
    expect((await data('/positions')).map((p) => p.symbol)).to.deep.equal(['GOOG']);
    expect((await get('/positions?limit=5')).status).to.equal(400);
  });

  it('GET /positions/:symbol/entries: the ledger newest first, with the reason of an adjustment', async () => {
    const entries = await data('/positions/GOOG/entries');
    expect(entries.map((e) => [e.kind, Number(e.qty), e.reason])).to.deep.equal([
      ['adjustment', -1, 'reconciliation: the broker holds 1, the book held 2'],
      ['fill', 2, null],
    ]);
    expect(await data('/positions/GOOG/entries?limit=1')).to.have.length(1);
    expect(await data('/positions/MSFT/entries')).to.deep.equal([]);
    expect((await get('/positions/goog/entries')).status).to.equal(400);
    expect((await get('/positions/GOOG/entries?limit=0')).status).to.equal(400);
  });

  it('GET /portfolio: the latest snapshot; /portfolio/history: oldest first within the days', async () => {
    const latest = (await get('/portfolio')).body.data as Json;
    expect(Number(latest.equity)).to.equal(100201);
    const history = await data('/portfolio/history');
    expect(history.map((s) => Number(s.equity))).to.deep.equal([100000, 100201]);
    expect(await data('/portfolio/history?days=60')).to.have.length(3);
    expect((await get('/portfolio/history?days=0')).status).to.equal(400);
  });

  it('GET /scores: best first, paged', async () => {
    expect((await data('/scores')).map((s) => s.symbol)).to.deep.equal(['GOOG', 'AAPL', 'MSFT']);
    expect((await data('/scores?limit=1&offset=1')).map((s) => s.symbol)).to.deep.equal(['AAPL']);
  });

  it('GET /strategies: each strategy with its defaults, the parameters in use and their JSON Schema', async () => {
    const list = await data('/strategies');
    const sma = list.find((s) => s.name === 'sma-cross');
    expect(sma).to.deep.include({
      enabled: true,
      defaults: { fast: 10, slow: 20 },
      params: { fast: 5, slow: 30 },
    });
    expect(sma?.parameters).to.have.nested.property('properties.fast.type', 'integer');
    expect(list.find((s) => s.name === 'rsi-reversion')?.enabled).to.equal(false);
  });

  it('GET /candles/:symbol: newest bars oldest first; 400 for a bad symbol or timeframe', async () => {
    const bars = await data('/candles/GOOG?limit=2');
    expect(bars.map((b) => Number(b.close))).to.deep.equal([102, 101]);
    expect(await data('/candles/MSFT')).to.deep.equal([]);
    expect(errorFields((await get('/candles/goog')).body)).to.include('params.symbol');
    expect(errorFields((await get('/candles/GOOG?timeframe=2Min')).body)).to.include('query.timeframe');
  });

  it('with API_CACHE_MS, serves repeated reads from one query until an API write clears it', async function () {
    const cached = await startApiFixture(this, { API_CACHE_MS: '60000' });
    try {
      const first = await cached.call('GET', '/api/v1/orders');
      await cached.repos.orders.upsert({
        clientOrderId: 'man-behind-the-cache',
        signalId: null,
        symbol: 'MSFT',
        side: 'buy',
        type: 'market',
        qty: '1',
        status: 'new',
      });
      // Within the TTL the cached answer is served; another query string is another entry; a
      // successful write through the API clears them all.
      expect((await cached.call('GET', '/api/v1/orders')).body).to.deep.equal(first.body);
      expect((await cached.call('GET', '/api/v1/orders?limit=5')).body.data).to.have.length(1);
      const queued = await cached.call('POST', '/api/v1/backtests', {
        body: { symbol: 'GOOG', strategy: 'sma-cross', from: '2020-01-01', to: '2021-01-01' },
      });
      expect(queued.status).to.equal(202);
      expect((await cached.call('GET', '/api/v1/orders')).body.data).to.have.length(1);
    } finally {
      await cached.close();
    }
  });

  it('GET /summary: portfolio, positions, open orders, today’s signals by status and recent activity', async () => {
    const summary = (await get('/summary')).body.data as Json;
    expect(Number((summary.portfolio as Json).equity)).to.equal(100201);
    expect((summary.positions as Json[]).map((p) => p.symbol)).to.deep.equal(['GOOG']);
    expect(summary.openOrders).to.equal(0);
    expect(summary.openOrderList).to.deep.equal([]);
    expect(summary.signalsToday).to.deep.equal({ new: 6, ordered: 0, rejected: 0 });
    expect(summary.recentSignals).to.have.length(6);
    expect(summary.recentOrders).to.have.length(1);
    // A manual order has no signal price to compare its fill with.
    expect((summary.recentOrders as Json[])[0]).to.include({ signalPrice: null });
    // A trading URL without "paper" in it is real money, and the summary says so.
    expect(summary).to.include({ mode: 'live' });
  });

  it('GET /signals never answers 500 on a row an older version wrote (no bar recorded)', async () => {
    await api.db.knex('signals').insert({
      symbol: 'OLDV',
      strategy: 'sma-cross',
      side: 'buy',
      price: 10,
      reason: 'from before bars were recorded',
      params: '{}',
      barTs: null,
    });
    const res = await api.call('GET', '/api/v1/signals?symbol=OLDV');
    expect(res.status).to.equal(200);
    expect((res.body.data as { barTs: unknown }[])[0]?.barTs).to.equal(null);
    await api.db.knex('signals').where({ symbol: 'OLDV' }).delete();
  });
});
