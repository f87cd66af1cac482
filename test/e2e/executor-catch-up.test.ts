// The built order-executor, restarted with a fill it never recorded (a kill between the broker's
// fill and the book's): before it decides any signal it records what became of its open orders, so
// a sell of that symbol can never be recorded before the buy it sells (the book would go negative).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { type Broker, createBroker, createEvent, type SignalPayload, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { loadConfig } from '@trading/platform';
import { AlpacaTradingClient } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import {
  captureLogger,
  createPostgresDatabase,
  freePort,
  freshRedisDb,
  requirePostgres,
  requireRedis,
  waitFor,
} from '@trading/testkit';
import { expect } from 'chai';
import { createClient } from 'redis';

import { buildWorkspace } from '../support/build-workspace.js';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('order-executor (built) restarted with a fill it never recorded', function () {
  this.timeout(120_000);
  let alpaca: AlpacaServer;
  let db: Db;
  let repos: Repositories;
  let broker: Broker;
  let redisUrl: string;
  let databaseUrl: string;
  let child: ChildProcess | undefined;
  let drop: () => Promise<void>;

  before(async function () {
    requireRedis(this);
    buildWorkspace();
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    databaseUrl = pg.url;
    redisUrl = await freshRedisDb(this);
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000' });
    alpaca.setPrice('SIM', '100');
    const config = loadConfig({
      DATABASE_URL: pg.url,
      REDIS_URL: redisUrl,
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_TRADING_URL: alpaca.url,
    });
    db = createDb(config);
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    broker = await createBroker(config, { logger: captureLogger([], 'error').logger });

    // Before the "kill": a buy recorded as accepted, filled at the broker since.
    const trading = AlpacaTradingClient.fromConfig(config);
    const filled = await trading.submitOrder({
      clientOrderId: 'lost-fill',
      symbol: 'SIM',
      side: 'buy',
      qty: '10',
    });
    await trading.close();
    await repos.orders.upsert({
      clientOrderId: 'lost-fill',
      signalId: null,
      symbol: 'SIM',
      side: 'buy',
      type: 'market',
      qty: '10',
      limitPrice: null,
      status: 'accepted',
      brokerOrderId: filled.id,
    });
    // A sell signal waiting on the stream, approved on the broker's position of 10.
    const barTs = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    const { row } = await repos.signals.insertOnce({
      symbol: 'SIM',
      strategy: 'sma-cross',
      side: 'sell',
      strength: '1',
      price: '100',
      params: {},
      reason: 'exit',
      timeframe: '1Min',
      barTs,
    });
    await broker.publish(
      STREAMS.signals,
      createEvent<SignalPayload>(
        'signal.created',
        {
          signalId: row.id,
          symbol: 'SIM',
          strategy: row.strategy,
          side: 'sell',
          strength: '1',
          price: '100',
          timeframe: '1Min',
          barTs: barTs.toISOString(),
          reason: row.reason,
          params: {},
        },
        { id: row.id },
      ),
    );
  });

  after(async () => {
    child?.kill('SIGTERM');
    await broker?.close();
    await db?.close();
    await alpaca?.close();
    await drop?.();
  });

  it('records the lost fill before it decides the waiting sell', async () => {
    // Asking the broker about an order is slow: the sync takes time the decision does not.
    alpaca.faults.set({ mode: 'slow', delayMs: 1500, path: /by_client_order_id/ });
    child = spawn(process.execPath, [join(ROOT, 'services/order-executor/dist/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        HEALTH_PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        ALPACA_API_KEY: 'k',
        ALPACA_API_SECRET: 's',
        ALPACA_DATA_URL: alpaca.url,
        ALPACA_TRADING_URL: alpaca.url,
        ALPACA_DATA_STREAM_URL: alpaca.dataStreamUrl,
        RISK_COOLDOWN_SECONDS: '0',
        RISK_MARKET_HOURS_ONLY: 'false',
        ORDER_POLL_MS: '200',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor(
      async () =>
        (await db.knex('orders').where({ symbol: 'SIM', side: 'sell', status: 'filled' })).length === 1,
      { timeoutMs: 60_000, what: 'the sell filled' },
    );
    await waitFor(async () => (await repos.orders.findByClientOrderId('lost-fill'))?.status === 'filled', {
      what: 'the lost fill recorded',
    });
    // In the order the portfolio reads them: the buy's fill comes before anything of the sell.
    const client = createClient({ url: redisUrl });
    await client.connect();
    const events = ((await client.xRange(STREAMS.orders, '-', '+')) ?? []).map(
      (e) =>
        JSON.parse(e.message.event ?? '{}') as {
          payload: { clientOrderId: string; side: string; status: string };
        },
    );
    await client.close();
    const buyFilled = events.findIndex(
      (e) => e.payload.clientOrderId === 'lost-fill' && e.payload.status === 'filled',
    );
    const firstSell = events.findIndex((e) => e.payload.side === 'sell');
    expect(buyFilled, 'the buy fill published').to.be.at.least(0);
    expect(firstSell, 'the sell published').to.be.at.least(0);
    expect(buyFilled, 'the buy fill before the sell').to.be.lessThan(firstSell);
  });
});
