import { expect } from 'chai';

import { type ApiFixture, startApiFixture } from '../../testing/api-fixture.js';

type Json = Record<string, unknown>;

describe('performance API (real PostgreSQL, Redis, local Alpaca): closed trades and P&L by strategy, symbol, day, week', function () {
  this.timeout(30_000);
  let api: ApiFixture;

  before(async function () {
    api = await startApiFixture(this);
  });
  after(async () => {
    await api?.close();
  });

  const order = async (symbol: string, side: 'buy' | 'sell', qty: number) => {
    const res = await api.call('POST', '/api/v1/orders', { body: { symbol, side, qty } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  };

  it('answers empty lists before any trade closed', async () => {
    const res = await api.call('GET', '/api/v1/performance');
    expect(res.status).to.equal(200);
    expect(res.body.data).to.deep.include({ closedTrades: [], byStrategy: [], daily: [] });
  });

  it('pairs the fills of a position from open to flat into one closed trade, and sums it per strategy, symbol, day and week', async () => {
    api.alpaca.setPrice('GOOG', '100');
    await order('GOOG', 'buy', 5);
    api.alpaca.setPrice('GOOG', '110');
    await order('GOOG', 'sell', 5);
    api.alpaca.setPrice('AAPL', '50');
    await order('AAPL', 'buy', 2);
    const res = await api.call('GET', '/api/v1/performance?days=7');
    expect(res.status).to.equal(200);
    const data = res.body.data as Json;
    const trades = data.closedTrades as Json[];
    expect(trades).to.have.length(1);
    expect(trades[0]).to.include({ symbol: 'GOOG', strategy: 'manual', qty: '5', exitReason: 'manual' });
    expect(Number(trades[0]?.pnl)).to.equal(50);
    expect(Number(trades[0]?.entryPrice)).to.equal(100);
    expect(Number(trades[0]?.exitPrice)).to.equal(110);
    expect(data.byStrategy).to.deep.equal([
      {
        key: 'manual',
        trades: 1,
        wins: 1,
        winRatePct: 100,
        pnl: (data.byStrategy as Json[])[0]?.pnl,
        avgReturnPct: 10,
      },
    ]);
    expect((data.bySymbol as Json[]).map((s) => s.key)).to.deep.equal(['GOOG']);
    expect((data.daily as Json[]).map((d) => d.key)).to.deep.equal([new Date().toISOString().slice(0, 10)]);
    expect(data.weekly).to.have.length(1);
  });

  it("places a trader's fills on the newest bar stored when they filled (the market's time, not the clock's)", async () => {
    const bar = new Date(Date.now() - 86_400_000);
    await api.repos.candles.upsertMany([
      {
        symbol: 'MSFT',
        timeframe: '1Day',
        ts: bar,
        open: '300',
        high: '300',
        low: '300',
        close: '300',
        volume: '1',
      },
    ]);
    api.alpaca.setPrice('MSFT', '300');
    await order('MSFT', 'buy', 1);
    const res = await api.call('GET', '/api/v1/candles/MSFT/fills?timeframe=1Day');
    expect(res.status).to.equal(200);
    const [fill] = res.body.data as Json[];
    expect(fill).to.include({ barTs: bar.toISOString(), side: 'buy', strategy: 'manual' });
    expect(fill?.tradedAt).not.to.equal(fill?.barTs);
  });

  it("GET /candles/:symbol/plots: the running strategy's series over the newest bars, settled before the first shown", async () => {
    const day = 86_400_000;
    await api.repos.candles.upsertMany(
      Array.from({ length: 60 }, (_, i) => ({
        symbol: 'PLOT',
        timeframe: '1Day',
        ts: new Date(Date.UTC(2024, 0, 1) + i * day),
        open: String(100 + i),
        high: String(101 + i),
        low: String(99 + i),
        close: String(100 + i),
        volume: '1',
      })),
    );
    const res = await api.call('GET', '/api/v1/candles/PLOT/plots?timeframe=1Day&limit=10');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const data = res.body.data as {
      strategy: string;
      series: { name: string; points: { ts: string; value: number }[] }[];
    };
    expect(data.strategy).to.equal('sma-cross');
    expect(data.series.map((s) => s.name)).to.deep.equal(['SMA(10)', 'SMA(20)']);
    // The last of 60 closes 100…159: SMA(10) of 150…159 is 154.5; every shown point has a value.
    expect(data.series[0]?.points).to.have.length(10);
    expect(data.series[0]?.points.at(-1)?.value).to.equal(154.5);
    expect((await api.call('GET', '/api/v1/candles/PLOT/plots?strategy=moon')).status).to.equal(400);
  });

  it('refuses days outside 1-365 with 400', async () => {
    expect((await api.call('GET', '/api/v1/performance?days=0')).status).to.equal(400);
  });
});
