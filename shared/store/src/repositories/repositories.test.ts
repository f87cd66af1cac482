import { forEachDatabase } from '@trading/testkit';
import { expect } from 'chai';

import { createRepositories, type Repositories } from './repositories.js';

const day = (d: number): Date => new Date(Date.UTC(2024, 0, d));

forEachDatabase('repositories', (get) => {
  let repos: Repositories;
  before(() => {
    repos = createRepositories(get().db.knex);
  });

  describe('candles', () => {
    const bar = (d: number, close: string) => ({
      symbol: 'GOOG',
      timeframe: '1Day',
      ts: day(d),
      open: '100.10',
      high: '105.123456',
      low: '99.5',
      close,
      volume: '22351900',
    });

    it('upserts by (symbol, timeframe, ts): a second write updates, never duplicates', async () => {
      expect(await repos.candles.upsertMany([bar(1, '101'), bar(2, '102')])).to.equal(2);
      await repos.candles.upsertMany([bar(2, '102.5'), bar(3, '103')]);
      const rows = await repos.candles.recent('GOOG', '1Day', 10);
      expect(rows.map((r) => [r.ts.toISOString(), r.close])).to.deep.equal([
        [day(1).toISOString(), '101.000000'],
        [day(2).toISOString(), '102.500000'],
        [day(3).toISOString(), '103.000000'],
      ]);
    });

    it('keeps money exact: decimals come back as the same text, never floats', async () => {
      const [row] = await repos.candles.range('GOOG', '1Day', day(1), day(1));
      expect(row?.high).to.equal('105.123456');
      expect(typeof row?.volume).to.equal('string');
    });

    it('knows the latest stored bar and the bars not yet published', async () => {
      expect((await repos.candles.latestTs('GOOG', '1Day'))?.toISOString()).to.equal(day(3).toISOString());
      expect(await repos.candles.latestTs('NONE', '1Day')).to.equal(undefined);
      const many = await repos.candles.latestTsMany(['GOOG', 'NONE'], '1Day', day(2));
      expect([...many].map(([s, ts]) => [s, ts.toISOString()])).to.deep.equal([
        ['GOOG', day(2).toISOString()],
      ]);
      const pending = await repos.candles.unpublished(10);
      expect(pending).to.have.length(3);
      await repos.candles.markPublished(pending.slice(0, 2).map((r) => r.id));
      await repos.candles.upsertMany([bar(1, '101.5')]);
      const left = await repos.candles.unpublished(10);
      expect(left.map((r) => r.ts.toISOString())).to.deep.equal([day(3).toISOString()]);
    });
  });

  describe('news', () => {
    const item = (id: string, symbol = 'GOOG') => ({
      provider: 'finnhub',
      providerId: id,
      symbol,
      headline: `headline ${id}`,
      summary: '',
      source: 'Reuters',
      url: 'https://example.test',
      publishedAt: day(5),
      sentiment: '0.5',
    });

    it('stores an item once per provider id and returns only the new ones', async () => {
      expect(await repos.news.insertNew([item('1'), item('2')])).to.have.length(2);
      const again = await repos.news.insertNew([item('2'), item('3')]);
      expect(again.map((r) => r.providerId)).to.deep.equal(['3']);
      expect(await repos.news.latest('GOOG', 10)).to.have.length(3);
    });

    it('averages sentiment since a time', async () => {
      expect(Number(await repos.news.averageSentiment('GOOG', day(1)))).to.equal(0.5);
      expect(await repos.news.averageSentiment('GOOG', day(6))).to.equal(undefined);
    });
  });

  describe('signals', () => {
    const signal = (strategy: string, d: number, symbol = 'GOOG') => ({
      symbol,
      strategy,
      side: 'buy' as const,
      strength: '1',
      price: '101.25',
      params: { fast: 10, slow: 20 },
      reason: 'SMA(10) crossed above SMA(20)',
      timeframe: '1Day',
      barTs: day(d),
    });

    it('stores one signal per strategy, symbol and bar: a re-run returns the same row', async () => {
      const first = await repos.signals.insertOnce(signal('sma-cross', 1));
      const second = await repos.signals.insertOnce(signal('sma-cross', 1));
      expect(first.created).to.equal(true);
      expect(second.created).to.equal(false);
      expect(second.row.id).to.equal(first.row.id);
      expect(first.row.params).to.deep.equal({ fast: 10, slow: 20 });
      expect(first.row.status).to.equal('new');
    });

    it('lists the latest N for a symbol newest first, and filters by strategy', async () => {
      await repos.signals.insertOnce(signal('rsi', 2));
      await repos.signals.insertOnce(signal('rsi', 3));
      await repos.signals.insertOnce(signal('rsi', 3, 'MSFT'));
      const latest = await repos.signals.latestForSymbol('GOOG', 2);
      expect(latest).to.have.length(2);
      expect(latest[0]!.createdAt.getTime()).to.be.at.least(latest[1]!.createdAt.getTime());
      expect(await repos.signals.list({ symbol: 'GOOG', strategy: 'rsi', limit: 10 })).to.have.length(2);
      expect(await repos.signals.list({ limit: 10, since: new Date(Date.now() + 60_000) })).to.have.length(0);
      const page1 = await repos.signals.list({ limit: 2 });
      const page2 = await repos.signals.list({ limit: 2, offset: 2 });
      expect(new Set([...page1, ...page2].map((s) => s.id)).size).to.equal(4);
    });

    it('records a rejection with its rule and numbers', async () => {
      const { row } = await repos.signals.insertOnce(signal('sma-cross', 9));
      await repos.signals.setDecision(row.id, 'rejected', {
        rule: 'max_position_size',
        details: { notional: '12000', limit: '10000' },
      });
      const stored = await repos.signals.get(row.id);
      expect(stored).to.include({ status: 'rejected', rejectionRule: 'max_position_size' });
      expect(stored?.rejectionDetails).to.deep.equal({ notional: '12000', limit: '10000' });
    });
  });

  describe('orders and trades', () => {
    const order = (clientOrderId: string, symbol = 'GOOG') => ({
      clientOrderId,
      signalId: null,
      symbol,
      side: 'buy' as const,
      type: 'market' as const,
      qty: '10',
      status: 'new' as const,
    });

    it('upserts by client_order_id, merging the broker view without losing what it does not say', async () => {
      const created = await repos.orders.upsert(order('sig-1'));
      const accepted = await repos.orders.upsert({
        ...order('sig-1'),
        status: 'accepted',
        brokerOrderId: 'b-1',
      });
      const filled = await repos.orders.upsert({
        ...order('sig-1'),
        status: 'filled',
        filledQty: '10',
        filledAvgPrice: '101.5',
      });
      expect(accepted.id).to.equal(created.id);
      expect(filled).to.include({
        status: 'filled',
        brokerOrderId: 'b-1',
        filledQty: '10.000000',
        filledAvgPrice: '101.500000',
      });
      expect((await repos.orders.findByClientOrderId('sig-1'))?.id).to.equal(created.id);
      expect((await repos.orders.get(created.id))?.clientOrderId).to.equal('sig-1');
    });

    it('lists by status and symbol, and finds the open ones', async () => {
      await repos.orders.upsert(order('sig-2', 'MSFT'));
      await repos.orders.upsert({ ...order('sig-3'), status: 'canceled' });
      expect(
        (await repos.orders.list({ status: 'filled', limit: 10 })).map((o) => o.clientOrderId),
      ).to.deep.equal(['sig-1']);
      expect(
        (await repos.orders.list({ symbol: 'MSFT', limit: 10 })).map((o) => o.clientOrderId),
      ).to.deep.equal(['sig-2']);
      expect((await repos.orders.open()).map((o) => o.clientOrderId)).to.deep.equal(['sig-2']);
    });

    it('records a fill once per broker trade id', async () => {
      const o = await repos.orders.upsert(order('sig-4'));
      const fill = {
        orderId: o.id,
        brokerTradeId: 'fill-1',
        symbol: 'GOOG',
        side: 'buy' as const,
        qty: '4',
        price: '100',
        tradedAt: day(4),
      };
      expect(await repos.trades.insertOnce(fill)).to.equal(true);
      expect(await repos.trades.insertOnce(fill)).to.equal(false);
      await repos.trades.insertOnce({ ...fill, brokerTradeId: 'fill-2', qty: '6', tradedAt: day(5) });
      expect((await repos.trades.byOrder(o.id)).map((t) => t.qty)).to.deep.equal(['4.000000', '6.000000']);
      expect((await repos.trades.list({ symbol: 'GOOG', limit: 1 }))[0]?.brokerTradeId).to.equal('fill-2');
    });
  });

  describe('position ledger: how a position was opened', () => {
    it('finds the fill that took the position away from flat, and the bar of the signal behind its order', async () => {
      const { row: signal } = await repos.signals.insertOnce({
        symbol: 'OPEN',
        strategy: 'sma-cross',
        side: 'buy',
        strength: '1',
        price: '10',
        params: {},
        reason: 'r',
        timeframe: '1Day',
        barTs: day(9),
      });
      const order = await repos.orders.upsert({
        clientOrderId: 'opening-1',
        signalId: signal.id,
        symbol: 'OPEN',
        side: 'buy',
        type: 'market',
        qty: '5',
        status: 'filled',
      });
      const fill = (key: string, qty: string, d: number, orderId: string | null = null) => ({
        kind: 'fill' as const,
        side: Number(qty) > 0 ? ('buy' as const) : ('sell' as const),
        qty: String(Math.abs(Number(qty))),
        price: '10',
        symbol: 'OPEN',
        entryKey: key,
        orderId,
        occurredAt: day(d),
      });
      // An old round trip, then the position now held: 5 from the signal's order, 3 more later.
      await repos.ledger.append([
        fill('t1', '4', 1),
        fill('t2', '-4', 2),
        fill('t3', '5', 10, order.id),
        fill('t4', '3', 11),
      ]);
      const opening = await repos.ledger.opening('OPEN', '8');
      expect(opening?.occurredAt.toISOString()).to.equal(day(10).toISOString());
      expect(opening?.signalBarTs?.toISOString()).to.equal(day(9).toISOString());
      expect(await repos.ledger.opening('OPEN', '0')).to.equal(undefined);
      // A quantity the entries do not explain (held from before the ledger): no opening.
      expect(await repos.ledger.opening('OPEN', '100')).to.equal(undefined);
    });
  });

  describe('positions, snapshots, scores, backtests', () => {
    it('upserts positions by symbol and lists the open ones', async () => {
      const p = {
        symbol: 'GOOG',
        qty: '10',
        avgCost: '100',
        marketPrice: '110',
        realizedPnl: '0',
        unrealizedPnl: '100',
      };
      await repos.positions.upsert(p);
      await repos.positions.upsert({ ...p, qty: '15', avgCost: '103.333333' });
      await repos.positions.upsert({ ...p, symbol: 'MSFT', qty: '0' });
      expect((await repos.positions.get('GOOG'))?.qty).to.equal('15.000000');
      expect((await repos.positions.all()).map((x) => x.symbol)).to.deep.equal(['GOOG', 'MSFT']);
      expect((await repos.positions.open()).map((x) => x.symbol)).to.deep.equal(['GOOG']);
    });

    it('keeps portfolio history by time', async () => {
      const snap = (at: Date, equity: string) => ({
        snapshotAt: at,
        cash: '1000',
        equity,
        positionsValue: '0',
        realizedPnl: '0',
        unrealizedPnl: '0',
        openPositions: 0,
      });
      await repos.snapshots.insert(snap(new Date(Date.now() - 40 * 86_400_000), '9000'));
      await repos.snapshots.insert(snap(new Date(Date.now() - 86_400_000), '10000'));
      await repos.snapshots.insert(snap(new Date(), '10100'));
      expect((await repos.snapshots.latest())?.equity).to.equal('10100.000000');
      const month = await repos.snapshots.since(new Date(Date.now() - 30 * 86_400_000));
      expect(month.map((s) => s.equity)).to.deep.equal(['10000.000000', '10100.000000']);
    });

    it('upserts one score per symbol and ranks them', async () => {
      const score = (symbol: string, s: string) => ({
        symbol,
        score: s,
        technicalScore: s,
        newsScore: '0',
        llmScore: null,
        rationale: 'x',
        scoredAt: new Date(),
      });
      await repos.scores.upsert(score('GOOG', '0.5'));
      await repos.scores.upsert(score('MSFT', '0.7'));
      await repos.scores.upsert(score('GOOG', '0.9'));
      expect((await repos.scores.ranked(10)).map((s) => [s.symbol, s.score])).to.deep.equal([
        ['GOOG', '0.9000'],
        ['MSFT', '0.7000'],
      ]);
    });

    it('idx_symbol_scores_symbol rejects a second row for a symbol', async () => {
      const err = await get()
        .db.knex('symbol_scores')
        .insert({ symbol: 'GOOG', score: '1', technicalScore: '1', newsScore: '1', rationale: '' })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((err as { code?: string }).code).to.equal('23505');
      expect((err as Error).message).to.include('idx_symbol_scores_symbol');
    });

    it('moves a backtest run through queued → running → succeeded | failed, claiming it once', async () => {
      const run = await repos.backtests.create({ strategy: 'sma-cross' });
      expect(run.status).to.equal('queued');
      expect(await repos.backtests.markRunning(run.id)).to.equal(true);
      expect(await repos.backtests.markRunning(run.id)).to.equal(false);
      await repos.backtests.succeed(run.id, { returnPct: 12.5 });
      expect(await repos.backtests.get(run.id)).to.deep.include({
        status: 'succeeded',
        result: { returnPct: 12.5 },
      });
      const bad = await repos.backtests.create({ strategy: 'nope' });
      await repos.backtests.fail(bad.id, 'unknown strategy nope');
      expect(await repos.backtests.get(bad.id)).to.include({
        status: 'failed',
        error: 'unknown strategy nope',
      });
    });
  });

  describe('daily closes', () => {
    it("answers each UTC day's last snapshot, after the last one before the window", async () => {
      const at = async (iso: string, equity: string) =>
        repos.snapshots.insert({
          snapshotAt: new Date(iso),
          cash: equity,
          equity,
          positionsValue: '0',
          realizedPnl: '0',
          unrealizedPnl: '0',
          openPositions: 0,
        });
      await at('2030-03-01T20:00:00Z', '1000');
      await at('2030-03-02T10:00:00Z', '1010');
      await at('2030-03-02T23:59:00Z', '1020');
      await at('2030-03-03T00:01:00Z', '990');
      await at('2030-03-03T12:00:00Z', '1005');
      const closes = await repos.snapshots.dailyCloses(new Date('2030-03-02T00:00:00Z'));
      expect(closes.map((c) => [c.day, Number(c.equity)])).to.deep.equal([
        ['2030-03-01', 1000],
        ['2030-03-02', 1020],
        ['2030-03-03', 1005],
      ]);
    });
  });

  describe('trading control', () => {
    it('reads running before anyone paused, then keeps the last pause or resume with who and why', async () => {
      expect(await repos.control.get()).to.include({
        paused: false,
        halted: false,
        changedBy: 'default',
        changedAt: null,
      });
      const paused = await repos.control.set({
        mode: 'entries_stopped',
        reason: 'earnings week',
        changedBy: 'telegram',
      });
      expect(paused).to.include({
        paused: true,
        halted: false,
        reason: 'earnings week',
        changedBy: 'telegram',
      });
      // A halt is stored paused too: a binary that knows only `paused` still refuses strategies.
      expect(await repos.control.set({ mode: 'halted', changedBy: 'api' })).to.include({
        paused: true,
        halted: true,
      });
      expect(paused.changedAt).to.be.instanceOf(Date);
      await repos.control.set({ mode: 'running', changedBy: 'api' });
      expect(await repos.control.get()).to.include({
        paused: false,
        halted: false,
        reason: null,
        changedBy: 'api',
      });
      expect(await get().db.knex('trading_control').count({ n: '*' })).to.deep.equal([{ n: '1' }]);
    });
  });
});
