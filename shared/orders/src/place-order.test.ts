import { randomUUID } from 'node:crypto';

import { type PriceSource, toQuantity } from '@trading/domain';
import { type Broker, createBroker, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { loadConfig } from '@trading/platform';
import { AlpacaMarketDataClient, AlpacaTradingClient } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import {
  captureLogger,
  createPostgresDatabase,
  freshRedisDb,
  requirePostgres,
  waitFor,
} from '@trading/testkit';
import { expect } from 'chai';
import fc from 'fast-check';

import { riskLimits } from './assess-order.js';
import { createBrokerState } from './broker-state.js';
import { createOrderRecorder } from './order-recorder.js';
import { createPlaceOrder, type PlaceOrderRequest } from './place-order.js';

describe('placeOrder, the one order path (real PostgreSQL, Redis, local Alpaca)', function () {
  this.timeout(60_000);
  let db: Db;
  let repos: Repositories;
  let broker: Broker;
  let alpaca: AlpacaServer;
  let drop: () => Promise<void>;
  let trading: AlpacaTradingClient;
  let prices: AlpacaMarketDataClient;
  let n = 0;
  const { logger } = captureLogger([], 'warn');
  const notifier = { notify: async () => undefined };

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    db = createDb(loadConfig({ DATABASE_URL: pg.url }));
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    broker = await createBroker(loadConfig({ REDIS_URL: await freshRedisDb(this) }), { logger });
  });
  beforeEach(async () => {
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000' });
    alpaca.setPrice('GOOG', '100');
    const config = loadConfig({
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_DATA_URL: alpaca.url,
      RISK_COOLDOWN_SECONDS: '0',
      RETRY_BASE_DELAY_MS: '10',
    });
    trading = AlpacaTradingClient.fromConfig(config);
    prices = AlpacaMarketDataClient.fromConfig(config);
  });
  afterEach(async () => {
    await Promise.all([trading.close(), prices.close()]);
    await alpaca.close();
  });
  after(async () => {
    await broker.close();
    await db.close();
    await drop();
  });

  /**
   * An order path over this test's storage, with the risk settings of `env` (no cooldown unless
   * said); `snapshotMs` shares the broker's numbers between its decisions that long, as the executor does.
   */
  const orderPath = (
    env: Record<string, string> = {},
    options: {
      snapshotMs?: number;
      now?: () => number;
      clients?: { trading: AlpacaTradingClient; prices: PriceSource };
    } = {},
  ) => {
    const broking = options.clients?.trading ?? trading;
    return createPlaceOrder({
      repos,
      broker,
      notifier,
      logger,
      trading: broking,
      prices: options.clients?.prices ?? prices,
      limits: riskLimits(loadConfig({ RISK_COOLDOWN_SECONDS: '0', ...env })),
      ...(options.snapshotMs === undefined
        ? {}
        : {
            brokerState: createBrokerState(broking, {
              maxAgeMs: options.snapshotMs,
              ...(options.now ? { now: options.now } : {}),
            }),
          }),
    });
  };
  const place = async (
    request: Omit<PlaceOrderRequest, 'clientOrderId'> & { clientOrderId?: string },
    cooldownSeconds = '0',
  ) =>
    orderPath({ RISK_COOLDOWN_SECONDS: cooldownSeconds })({
      clientOrderId: request.clientOrderId ?? `t-${++n}`,
      ...request,
    });
  /** A stored signal on a bar that closed a moment ago, at the broker's price of 100. */
  const freshSignal = async (symbol: string, side: 'buy' | 'sell') => {
    const barTs = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    const { row } = await repos.signals.insertOnce({
      symbol,
      strategy: `test-${randomUUID()}`,
      side,
      strength: '1',
      price: '100',
      params: {},
      reason: 'test',
      timeframe: '1Min',
      barTs,
    });
    return { signalId: row.id, price: '100', barTs, timeframe: '1Min' as const };
  };

  /** A strategy's buy signal on `symbol`, placed through `path`: no repeated entry, nothing held. */
  const expectEntryPlaced = async (
    path: ReturnType<typeof orderPath>,
    clientOrderId: string,
    symbol: string,
  ): Promise<void> => {
    const entry = await path({
      clientOrderId,
      symbol,
      side: 'buy',
      signal: await freshSignal(symbol, 'buy'),
    });
    expect(entry.outcome, JSON.stringify(entry)).to.equal('placed');
  };

  it('places, records and publishes an order, and a replay of its id answers the same order', async () => {
    const published = await broker.length(STREAMS.orders);
    const first = await place({ clientOrderId: 'same-1', symbol: 'GOOG', side: 'buy', qty: toQuantity('3') });
    expect(first.outcome).to.equal('placed');
    const again = await place({ clientOrderId: 'same-1', symbol: 'GOOG', side: 'buy', qty: toQuantity('3') });
    expect(again.outcome).to.equal('existing');
    expect(alpaca.orders().filter((o) => o.clientOrderId === 'same-1')).to.have.length(1);
    const row = await repos.orders.findByClientOrderId('same-1');
    expect(row).to.include({ symbol: 'GOOG', side: 'buy', status: 'filled' });
    expect(await broker.length(STREAMS.orders)).to.be.greaterThan(published);
  });

  it('answers conflict, and sends nothing, when the id names another order', async () => {
    await place({ clientOrderId: 'other-1', symbol: 'GOOG', side: 'buy', qty: toQuantity('1') });
    const conflict = await place({
      clientOrderId: 'other-1',
      symbol: 'GOOG',
      side: 'sell',
      qty: toQuantity('1'),
    });
    expect(conflict.outcome).to.equal('conflict');
    expect(alpaca.orders().filter((o) => o.clientOrderId === 'other-1')).to.have.length(1);
  });

  it('submits, once, an order recorded before a crash that kept it from the broker', async () => {
    await repos.orders.upsert({
      clientOrderId: 'crashed-1',
      signalId: null,
      symbol: 'GOOG',
      side: 'buy',
      type: 'market',
      qty: '2',
      limitPrice: null,
      status: 'new',
    });
    const resumed = await place({
      clientOrderId: 'crashed-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: toQuantity('2'),
    });
    expect(resumed.outcome).to.equal('existing');
    await place({ clientOrderId: 'crashed-1', symbol: 'GOOG', side: 'buy', qty: toQuantity('2') });
    expect(alpaca.orders().filter((o) => o.clientOrderId === 'crashed-1')).to.have.length(1);
    expect((await repos.orders.findByClientOrderId('crashed-1'))?.brokerOrderId).to.be.a('string');
  });

  describe('an order recorded before a crash and never sent: resuming is a decision like any other', () => {
    const recorded = async (clientOrderId: string, signalId: string | null, qty = '2') =>
      repos.orders.upsert({
        clientOrderId,
        signalId,
        symbol: 'GOOG',
        side: 'buy',
        type: 'market',
        qty,
        limitPrice: null,
        status: 'new',
      });

    it('paused since: refused (trading_paused), the row cancelled, nothing sent', async () => {
      const signal = await freshSignal('GOOG', 'buy');
      await recorded('rec-paused', signal.signalId);
      await repos.control.set({ mode: 'entries_stopped', reason: 'FOMC', changedBy: 'api' });
      try {
        const resumed = await place({ clientOrderId: 'rec-paused', symbol: 'GOOG', side: 'buy', signal });
        expect(resumed).to.deep.include({ outcome: 'refused', rule: 'trading_paused' });
      } finally {
        await repos.control.set({ mode: 'running', changedBy: 'test' });
      }
      expect(await repos.orders.findByClientOrderId('rec-paused')).to.include({
        status: 'canceled',
        rejectReason: 'not sent after a restart: trading_paused',
      });
      expect(alpaca.orders().filter((o) => o.clientOrderId === 'rec-paused')).to.deep.equal([]);
    });

    it('its signal past the age limit, or the fresh price far from it: refused, never sent', async () => {
      const old = {
        signalId: randomUUID(),
        price: '100',
        barTs: new Date(Date.now() - 197_000),
        timeframe: '1Min' as const,
      };
      await recorded('rec-old', null);
      const late = await place({ clientOrderId: 'rec-old', symbol: 'GOOG', side: 'buy', signal: old });
      expect(late).to.deep.include({ outcome: 'refused', rule: 'stale_signal' });
      const signal = await freshSignal('GOOG', 'buy');
      await recorded('rec-moved', null);
      alpaca.setPrice('GOOG', '150');
      const moved = await place({ clientOrderId: 'rec-moved', symbol: 'GOOG', side: 'buy', signal });
      expect(moved).to.deep.include({ outcome: 'refused', rule: 'price_deviation' });
      expect(alpaca.orders().filter((o) => o.clientOrderId.startsWith('rec-'))).to.deep.equal([]);
    });

    it("over the notional cap at the fresh price: refused; a trader's order within the rules is sent once", async () => {
      await recorded('rec-big', null, '500');
      const big = await place({
        clientOrderId: 'rec-big',
        symbol: 'GOOG',
        side: 'buy',
        qty: toQuantity('500'),
      });
      expect(big).to.deep.include({ outcome: 'refused', rule: 'max_position_size' });
      await recorded('rec-ok', null);
      const ok = await place({ clientOrderId: 'rec-ok', symbol: 'GOOG', side: 'buy', qty: toQuantity('2') });
      expect(ok.outcome).to.equal('existing');
      expect(alpaca.orders().filter((o) => o.clientOrderId.startsWith('rec-'))).to.have.length(1);
    });
  });

  it('refuses a requested size above what the risk rules allow, recording and sending nothing', async () => {
    const refused = await place({
      clientOrderId: 'big-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: toQuantity('1000000'),
    });
    expect(refused).to.deep.include({ outcome: 'refused', rule: 'max_quantity' });
    expect(await repos.orders.findByClientOrderId('big-1')).to.equal(undefined);
    expect(alpaca.orders().filter((o) => o.clientOrderId === 'big-1')).to.deep.equal([]);
  });

  it('refuses an oversized order for its size, not for the cooldown a recent order in the symbol started', async () => {
    alpaca.setPrice('MSFT', '100');
    expect((await place({ symbol: 'MSFT', side: 'buy', qty: toQuantity('1') })).outcome).to.equal('placed');
    const big = await place({ symbol: 'MSFT', side: 'buy', qty: toQuantity('1000000') }, '3600');
    expect(big).to.deep.include({ outcome: 'refused', rule: 'max_quantity' });
    const small = await place({ symbol: 'MSFT', side: 'buy', qty: toQuantity('1') }, '3600');
    expect(small).to.deep.include({ outcome: 'refused', rule: 'cooldown' });
  });

  it("lets a trader sell a held position during the symbol's cooldown: an exit only lowers risk", async () => {
    alpaca.setPrice('AMZN', '50');
    expect((await place({ symbol: 'AMZN', side: 'buy', qty: toQuantity('4') })).outcome).to.equal('placed');
    const exit = await place({ symbol: 'AMZN', side: 'sell' }, '3600');
    expect(exit.outcome).to.equal('placed');
    expect(exit.outcome === 'placed' && Number(exit.order.qty)).to.equal(4);
    const signalled = await place(
      { symbol: 'AMZN', side: 'buy', signal: await freshSignal('AMZN', 'buy') },
      '3600',
    );
    expect(signalled).to.deep.include({ outcome: 'refused', rule: 'cooldown' });
  });

  it("paused (entries stopped): refuses a strategy's buy naming who and why; its sell (an exit) and a trader's orders still go", async () => {
    alpaca.setPrice('NVDA', '100');
    await repos.control.set({ mode: 'entries_stopped', reason: 'FOMC today', changedBy: 'telegram' });
    try {
      const fromSignal = await place({
        symbol: 'NVDA',
        side: 'buy',
        signal: await freshSignal('NVDA', 'buy'),
      });
      expect(fromSignal).to.deep.include({ outcome: 'refused', rule: 'trading_paused' });
      expect(fromSignal.outcome === 'refused' && fromSignal.details).to.deep.include({
        pausedBy: 'telegram',
        reason: 'FOMC today',
      });
      expect(alpaca.orders().filter((o) => o.symbol === 'NVDA')).to.deep.equal([]);
      expect((await place({ symbol: 'NVDA', side: 'buy', qty: toQuantity('1') })).outcome).to.equal('placed');
      const exit = await place({ symbol: 'NVDA', side: 'sell', signal: await freshSignal('NVDA', 'sell') });
      expect(exit.outcome).to.equal('placed');
    } finally {
      await repos.control.set({ mode: 'running', changedBy: 'test' });
    }
  });

  it("halted: refuses every strategy order and a trader's buy (trading_halted); a trader's sell still goes", async () => {
    alpaca.setPrice('AMD', '50');
    expect((await place({ symbol: 'AMD', side: 'buy', qty: toQuantity('2') })).outcome).to.equal('placed');
    await repos.control.set({ mode: 'halted', reason: 'broker outage', changedBy: 'api' });
    try {
      for (const side of ['buy', 'sell'] as const) {
        const fromSignal = await place({ symbol: 'AMD', side, signal: await freshSignal('AMD', side) });
        expect(fromSignal, side).to.deep.include({ outcome: 'refused', rule: 'trading_halted' });
      }
      const traderBuy = await place({ symbol: 'AMD', side: 'buy', qty: toQuantity('1') });
      expect(traderBuy).to.deep.include({ outcome: 'refused', rule: 'trading_halted' });
      expect(traderBuy.outcome === 'refused' && traderBuy.details).to.deep.include({
        reason: 'broker outage',
      });
      expect((await place({ symbol: 'AMD', side: 'sell', qty: toQuantity('2') })).outcome).to.equal('placed');
      expect(
        alpaca
          .orders()
          .filter((o) => o.symbol === 'AMD')
          .map((o) => o.side),
      ).to.deep.equal(['buy', 'sell']);
    } finally {
      await repos.control.set({ mode: 'running', changedBy: 'test' });
    }
  });

  it("records the broker's refusal once, and a replay answers it without asking the broker again", async () => {
    alpaca.faults.set({ mode: 'refuse', status: 422, times: 1, path: /^\/v2\/orders$/, message: 'bad qty' });
    const refused = await place({
      clientOrderId: 'refused-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: toQuantity('1'),
    });
    expect(refused).to.deep.include({ outcome: 'brokerRefused', brokerStatus: 422 });
    const before = alpaca.faults.injected;
    const replay = await place({
      clientOrderId: 'refused-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: toQuantity('1'),
    });
    expect(replay.outcome).to.equal('brokerRefused');
    expect(alpaca.faults.injected).to.equal(before);
    expect(await repos.orders.findByClientOrderId('refused-1')).to.include({ status: 'rejected' });
  });

  describe('the fresh price is a recent trade that agrees with the stored bars', () => {
    const storeBars = async (symbol: string, closes: string[]) => {
      const start = Math.floor(Date.now() / 60_000) * 60_000 - closes.length * 60_000;
      await repos.candles.upsertMany(
        closes.map((c, i) => ({
          symbol,
          timeframe: '1Min' as const,
          ts: new Date(start + i * 60_000),
          open: c,
          high: c,
          low: c,
          close: c,
          volume: '100',
        })),
      );
    };

    it('a latest trade of 0.01 and a signal at 0.01 against bars at 100: refused, no 1,000,000-share order', async () => {
      await storeBars('PENY', ['100', '100.5', '99.8', '100.2', '0.01']);
      alpaca.setPrice('PENY', '0.01');
      const signal = await freshSignal('PENY', 'buy');
      const refused = await place({ symbol: 'PENY', side: 'buy', signal: { ...signal, price: '0.01' } });
      expect(refused).to.deep.include({ outcome: 'refused', rule: 'price_deviation' });
      expect(alpaca.orders().filter((o) => o.symbol === 'PENY')).to.deep.equal([]);
    });

    it('a latest trade a week old: refused (stale_price), for a signal and for a trader', async () => {
      await storeBars('OLDT', ['50', '50', '50']);
      alpaca.setPrice('OLDT', '50', new Date(Date.now() - 7 * 86_400_000));
      const signal = await freshSignal('OLDT', 'buy');
      expect(
        await place({ symbol: 'OLDT', side: 'buy', signal: { ...signal, price: '50' } }),
      ).to.deep.include({
        outcome: 'refused',
        rule: 'stale_price',
      });
      expect(await place({ symbol: 'OLDT', side: 'buy', qty: toQuantity('1') })).to.deep.include({
        outcome: 'refused',
        rule: 'stale_price',
      });
    });

    it('a market buy at a penny price is capped in shares (RISK_MAX_ORDER_SHARES), not only in notional', async () => {
      await storeBars('CENT', ['0.02', '0.02', '0.02']);
      alpaca.setPrice('CENT', '0.02');
      const placed = await orderPath({ RISK_MAX_ORDER_SHARES: '5000', RISK_MARKET_HOURS_ONLY: 'false' })({
        clientOrderId: 'cent-1',
        symbol: 'CENT',
        side: 'buy',
      });
      expect(placed.outcome).to.equal('placed');
      expect(Number((placed as { order: { qty: string } }).order.qty)).to.equal(5000);
    });
  });

  it('a cooldown under a simulated clock is measured by that clock: refused within it, allowed after it', async () => {
    alpaca.setPrice('SIMC', '100');
    let simulated = new Date('2004-06-01T15:00:30Z');
    const path = createPlaceOrder({
      repos,
      broker,
      notifier,
      logger,
      trading,
      prices,
      now: () => simulated,
      limits: riskLimits(loadConfig({ RISK_COOLDOWN_SECONDS: '60', RISK_MARKET_HOURS_ONLY: 'false' })),
    });
    const signalAt = async (barTs: string) => {
      const { row } = await repos.signals.insertOnce({
        symbol: 'SIMC',
        strategy: `sim-${randomUUID()}`,
        side: 'buy',
        strength: '1',
        price: '100',
        params: {},
        reason: 'test',
        timeframe: '1Min',
        barTs: new Date(barTs),
      });
      return { signalId: row.id, price: '100', barTs: new Date(barTs), timeframe: '1Min' as const };
    };
    const first = await path({
      clientOrderId: 'simc-1',
      symbol: 'SIMC',
      side: 'buy',
      qty: toQuantity('1'),
      signal: await signalAt('2004-06-01T14:59:00Z'),
    });
    expect(first.outcome).to.equal('placed');
    simulated = new Date('2004-06-01T15:01:10Z');
    const cooling = await path({
      clientOrderId: 'simc-2',
      symbol: 'SIMC',
      side: 'sell',
      signal: await signalAt('2004-06-01T15:00:00Z'),
    });
    expect(cooling).to.deep.include({ outcome: 'refused', rule: 'cooldown' });
    expect(cooling).to.have.nested.property('details.msSinceLastOrder', 40_000);
    simulated = new Date('2004-06-01T15:02:10Z');
    const after = await path({
      clientOrderId: 'simc-3',
      symbol: 'SIMC',
      side: 'sell',
      signal: await signalAt('2004-06-01T15:01:00Z'),
    });
    expect(after.outcome).to.equal('placed');
  });

  it('judges a signal by its age like the executor always did: a bar an hour old is stale', async () => {
    const stale = await place({
      symbol: 'GOOG',
      side: 'buy',
      signal: {
        signalId: '00000000-0000-4000-8000-000000000001',
        price: '100',
        barTs: new Date(Date.now() - 3_600_000),
        timeframe: '1Min',
      },
    });
    expect(stale).to.deep.include({ outcome: 'refused', rule: 'stale_signal' });
  });

  it('ignores a stale broker report that would reopen a final order or lower its fills', async () => {
    const placed = await place({
      clientOrderId: 'stale-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: toQuantity('2'),
    });
    expect(placed.outcome).to.equal('placed');
    const row = await repos.orders.findByClientOrderId('stale-1');
    expect(row?.status).to.equal('filled');
    const published = await broker.length(STREAMS.orders);
    const record = createOrderRecorder({ repos, broker, notifier, logger });
    const stale = await record(
      {
        id: row?.brokerOrderId ?? '',
        clientOrderId: 'stale-1',
        symbol: 'GOOG',
        side: 'buy',
        type: 'market',
        qty: '2',
        filledQty: '0',
        filledAvgPrice: null,
        limitPrice: null,
        status: 'accepted',
        createdAt: new Date(),
        submittedAt: new Date(),
        filledAt: null,
      },
      null,
    );
    expect(stale).to.include({ status: 'filled', filledQty: row?.filledQty });
    expect(await repos.orders.findByClientOrderId('stale-1')).to.include({ status: 'filled' });
    expect(await broker.length(STREAMS.orders)).to.equal(published);
  });

  it('sends, on the next flush, an order event a crash left in the outbox after its commit', async () => {
    const record = createOrderRecorder({ repos, broker, notifier, logger });
    await record.flush();
    const published = await broker.length(STREAMS.orders);
    // The state of a process killed between committing an order's update and sending its event.
    await repos.outbox.add(STREAMS.orders, {
      id: 'order:crashed:filled:1',
      type: 'order.updated',
      version: 1,
      occurredAt: new Date().toISOString(),
      payload: { note: 'left behind' },
    });
    expect(await record.flush()).to.equal(1);
    expect(await broker.length(STREAMS.orders)).to.equal(published + 1);
    expect(await repos.outbox.unsent(10)).to.deep.equal([]);
    expect(await record.flush()).to.equal(0);
  });
  it('a report that repeats the recorded row writes nothing: no transaction, no event', async () => {
    const placed = await place({ symbol: 'GOOG', side: 'buy', qty: toQuantity('1') });
    if (placed.outcome !== 'placed') throw new Error(placed.outcome);
    const reported = await trading.getOrderByClientId(placed.order.clientOrderId);
    if (!reported) throw new Error('not at the broker');
    const published = await broker.length(STREAMS.orders);
    const record = createOrderRecorder({ repos, broker, notifier, logger });
    expect(await record(reported, null, placed.order)).to.equal(placed.order);
    const row = await repos.orders.findByClientOrderId(placed.order.clientOrderId);
    expect(row?.updatedAt.getTime()).to.equal(placed.order.updatedAt.getTime());
    expect(await broker.length(STREAMS.orders)).to.equal(published);
  });

  it('decides orders asked for at once one after the other: together they never pass an account-wide limit', async () => {
    const symbols = ['CCA', 'CCB', 'CCC', 'CCD', 'CCE'];
    for (const s of symbols) alpaca.setPrice(s, '100');
    // One order path, as in the executor, on a broker snapshot shared by the decisions: only the
    // orders recorded in flight tell one decision about the others.
    const placeAtOnce = orderPath({ RISK_MAX_OPEN_POSITIONS: '2' }, { snapshotMs: 60_000 });
    const outcomes = await Promise.all(
      symbols.map(async (symbol) =>
        placeAtOnce({ clientOrderId: `cc-${symbol}`, symbol, side: 'buy', qty: toQuantity('1') }),
      ),
    );
    expect(outcomes.filter((o) => o.outcome === 'placed')).to.have.length(2);
    expect(outcomes.filter((o) => o.outcome === 'refused' && o.rule === 'max_open_positions')).to.have.length(
      3,
    );
    expect(new Set(alpaca.orders().map((o) => o.symbol)).size).to.equal(2);
  });

  it('orders asked for at once by separate order paths (the API and the executor) pass no limit together: the database lock', async () => {
    const config = loadConfig({ RISK_COOLDOWN_SECONDS: '0', RISK_MAX_OPEN_POSITIONS: '2' });
    const symbols = ['CPA', 'CPB', 'CPC', 'CPD', 'CPE'];
    for (const s of symbols) alpaca.setPrice(s, '100');
    // The race made certain: every path gets its fresh price only once all have asked, so all five
    // decisions start together.
    let release: () => void = () => undefined;
    const together = new Promise<void>((r) => {
      release = r;
    });
    let asked = 0;
    const atOnce = {
      latestPrice: async (symbol: string) => {
        const price = await prices.latestPrice(symbol);
        if (++asked === symbols.length) release();
        await together;
        return price;
      },
    };
    const outcomes = await Promise.all(
      symbols.map(async (symbol) =>
        orderPath(
          { RISK_MAX_OPEN_POSITIONS: '2' },
          { snapshotMs: 60_000, clients: { trading, prices: atOnce } },
        )({ clientOrderId: `cp-${symbol}`, symbol, side: 'buy', qty: toQuantity('1') }),
      ),
    );
    expect(outcomes.filter((o) => o.outcome === 'placed')).to.have.length(2);
    expect(new Set(alpaca.orders().map((o) => o.symbol)).size).to.equal(2);
  });

  it('a snapshot is never fetched while an order of the process is on its way to the broker: a buy after a sell sees the sale', async () => {
    for (const s of ['OVX', 'OVY']) alpaca.setPrice(s, '100');
    let clock = Date.now();
    const placeHere = orderPath({}, { snapshotMs: 60_000, now: () => clock });
    expect(
      (await placeHere({ clientOrderId: 'ov-1', symbol: 'OVX', side: 'buy', qty: toQuantity('9') })).outcome,
    ).to.equal('placed');
    // The sale is recorded, then slow to reach the broker; meanwhile another order needs a new snapshot.
    alpaca.faults.set({ mode: 'slow', delayMs: 400, path: /^\/v2\/orders$/, times: 1 });
    const sale = placeHere({ clientOrderId: 'ov-2', symbol: 'OVX', side: 'sell', qty: toQuantity('9') });
    await waitFor(async () => (await repos.orders.findByClientOrderId('ov-2')) !== undefined, {
      what: 'the sale recorded',
    });
    clock += 61_000;
    const other = placeHere({ clientOrderId: 'ov-3', symbol: 'OVY', side: 'buy', qty: toQuantity('1') });
    expect((await sale).outcome).to.equal('placed');
    expect((await other).outcome).to.equal('placed');
    // A strategy's buy of the symbol just sold is no repeated entry.
    await expectEntryPlaced(placeHere, 'ov-4', 'OVX');
  });

  it('an order is younger than the snapshot its own decision fetched: the next decision on that snapshot counts it', async () => {
    alpaca.setPrice('YGA', '100');
    const placeHere = orderPath({}, { snapshotMs: 2000 });
    expect(
      (await placeHere({ clientOrderId: 'yg-1', symbol: 'YGA', side: 'buy', qty: toQuantity('9') })).outcome,
    ).to.equal('placed');
    await new Promise((r) => setTimeout(r, 2100));
    // The sale's decision waits a moment for the decisions of another process (the API), then
    // fetches a new snapshot (it shows the 9 shares), then records and sends the sale.
    const otherProcess = db.knex.transaction(async (trx) => {
      await createRepositories(trx).orders.lockDecisions();
      await new Promise((r) => setTimeout(r, 100));
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(
      (await placeHere({ clientOrderId: 'yg-2', symbol: 'YGA', side: 'sell', qty: toQuantity('9') })).outcome,
    ).to.equal('placed');
    await otherProcess;
    // On that snapshot, the sale must count: a strategy's buy now is no repeated entry.
    await expectEntryPlaced(placeHere, 'yg-3', 'YGA');
  });

  it('property: any orders asked for at once stay inside the position cap and the open-positions limit', async () => {
    const limits = { RISK_MAX_OPEN_POSITIONS: '2', RISK_MAX_POSITION_SIZE: '1000' };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            symbol: fc.constantFrom('PA', 'PB', 'PC', 'PD'),
            qty: fc.integer({ min: 1, max: 12 }),
          }),
          {
            minLength: 2,
            maxLength: 8,
          },
        ),
        async (asks) => {
          const tag = `P${String(++run)}`;
          const server = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000' });
          const config = loadConfig({
            ALPACA_API_KEY: 'k',
            ALPACA_API_SECRET: 's',
            ALPACA_TRADING_URL: server.url,
            ALPACA_DATA_URL: server.url,
          });
          const runTrading = AlpacaTradingClient.fromConfig(config);
          const runPrices = AlpacaMarketDataClient.fromConfig(config);
          try {
            for (const s of ['PA', 'PB', 'PC', 'PD']) server.setPrice(`${tag}${s}`, '100');
            const placeAtOnce = orderPath(limits, {
              snapshotMs: 60_000,
              clients: { trading: runTrading, prices: runPrices },
            });
            await Promise.all(
              asks.map(async (ask, i) =>
                placeAtOnce({
                  clientOrderId: `${tag}-${String(i)}`,
                  symbol: `${tag}${ask.symbol}`,
                  side: 'buy',
                  qty: toQuantity(String(ask.qty)),
                }),
              ),
            );
            const held = new Map<string, number>();
            for (const o of server.orders()) held.set(o.symbol, (held.get(o.symbol) ?? 0) + Number(o.qty));
            expect(held.size, 'open positions').to.be.at.most(2);
            for (const [symbol, qty] of held) expect(qty * 100, symbol).to.be.at.most(1000);
          } finally {
            await Promise.all([runTrading.close(), runPrices.close()]);
            await server.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
