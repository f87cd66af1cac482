// A position protected by a trailing stop held at the broker, and the platform killed (kill -9)
// while the price falls through it: the broker (the local Alpaca's exchange) sells while the
// platform is down; after the restart the book shows the exit, closed by `trailing_stop`, and no
// second sell is ever sent.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { roundTrips } from '@trading/domain';
import { type Broker, createBroker, createEvent, type SignalPayload, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { loadConfig } from '@trading/platform';
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

import { buildWorkspace } from '../support/build-workspace.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SERVICES = ['order-executor', 'portfolio-manager'];

describe('a trailing stop held at the broker while the platform is killed (kill -9)', function () {
  this.timeout(180_000);
  let alpaca: AlpacaServer;
  let db: Db;
  let repos: Repositories;
  let broker: Broker;
  let env: Record<string, string>;
  let children: ChildProcess[] = [];
  let drop: () => Promise<void>;

  /** The built executor and portfolio manager, as their containers run them. */
  async function start(): Promise<void> {
    children = await Promise.all(
      SERVICES.map(async (service) =>
        spawn(process.execPath, [join(ROOT, `services/${service}/dist/main.js`)], {
          env: { ...env, HEALTH_PORT: String(await freePort()) },
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      ),
    );
  }

  async function killHard(): Promise<void> {
    await Promise.all(
      children.map(
        async (c) =>
          new Promise<void>((resolve) => {
            c.once('exit', () => {
              resolve();
            });
            c.kill('SIGKILL');
          }),
      ),
    );
  }

  before(async function () {
    requireRedis(this);
    buildWorkspace();
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    const redisUrl = await freshRedisDb(this);
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000' });
    alpaca.setPrice('TRL', '100');
    env = {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      DATABASE_URL: pg.url,
      REDIS_URL: redisUrl,
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_DATA_URL: alpaca.url,
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_DATA_STREAM_URL: alpaca.dataStreamUrl,
      RISK_COOLDOWN_SECONDS: '0',
      RISK_MARKET_HOURS_ONLY: 'false',
      RISK_MAX_POSITION_SIZE: '2000',
      ORDER_POLL_MS: '200',
    };
    const config = loadConfig(env);
    db = createDb(config);
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    broker = await createBroker(config, { logger: captureLogger([], 'error').logger });
  });

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await broker?.close();
    await db?.close();
    await alpaca?.close();
    await drop?.();
  });

  it('the broker sells through the trail while the platform is down; the restarted book says trailing_stop, no second sell', async () => {
    await start();
    const barTs = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    const exits = { trailPercent: '5' };
    const { row } = await repos.signals.insertOnce({
      symbol: 'TRL',
      strategy: 'donchian-breakout',
      side: 'buy',
      strength: '1',
      price: '100',
      params: {},
      reason: 'breakout',
      timeframe: '1Min',
      barTs,
      exits,
    });
    const payload: SignalPayload = {
      signalId: row.id,
      symbol: 'TRL',
      strategy: row.strategy,
      side: 'buy',
      strength: '1',
      price: '100',
      timeframe: '1Min',
      barTs: barTs.toISOString(),
      reason: row.reason,
      params: {},
      exits,
    };
    await broker.publish(STREAMS.signals, createEvent('signal.created', payload, { id: row.id }));
    await waitFor(
      async () =>
        (await db.knex('orders').where({ symbol: 'TRL', role: 'trailing_stop', status: 'accepted' }))
          .length === 1,
      { timeoutMs: 60_000, what: 'the trailing stop working at the broker' },
    );
    await waitFor(async () => (await repos.positions.get('TRL'))?.qty === '20.000000', {
      timeoutMs: 30_000,
      what: 'the position of 20 in the book',
    });

    await killHard();
    // While nothing of the platform runs: up to 120, then down through 114 (5 % under the best).
    alpaca.setPrice('TRL', '120');
    alpaca.setPrice('TRL', '113');
    expect(alpaca.wireOrders().find((o) => o.type === 'trailing_stop')).to.include({ status: 'filled' });

    await start();
    await waitFor(async () => (await repos.positions.get('TRL'))?.qty === '0.000000', {
      timeoutMs: 60_000,
      what: 'the book flat after the restart',
    });
    const [trip] = roundTrips(await repos.trades.attributed(new Date(0), 100, 'TRL'));
    expect(trip).to.include({ exitReason: 'trailing_stop', qty: '20', exitPrice: '113' });
    // A few more order polls: nothing else is ever sent.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(
      alpaca
        .orders()
        .filter((o) => o.symbol === 'TRL')
        .map((o) => o.side),
    ).to.deep.equal(['buy', 'sell']);
  });
});
