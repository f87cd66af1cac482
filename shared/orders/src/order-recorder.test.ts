import type { BrokerOrder } from '@trading/domain';
import { createBroker } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { loadConfig } from '@trading/platform';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import { captureLogger, createPostgresDatabase, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

import { createOrderRecorder } from './order-recorder.js';

describe('order recorder: the broker’s report is a fact to record (real PostgreSQL)', function () {
  this.timeout(30_000);
  let db: Db;
  let repos: Repositories;
  let drop: () => Promise<void>;
  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    db = createDb(loadConfig({ DATABASE_URL: pg.url }));
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
  });
  after(async () => {
    await db.close();
    await drop();
  });

  const report = (id: string, status: BrokerOrder['status'], filledQty: string): BrokerOrder => ({
    id,
    clientOrderId: `c-${id}`,
    symbol: 'GOOG',
    side: 'buy',
    type: 'market',
    qty: '10',
    filledQty,
    filledAvgPrice: filledQty === '0' ? null : '100',
    limitPrice: null,
    status,
    createdAt: new Date(),
    submittedAt: new Date(),
    filledAt: status === 'filled' ? new Date() : null,
  });

  /** A recorder over the test's store and an in-process event bus, keeping its alerts and log lines. */
  const recorder = async () => {
    const { logger, lines } = captureLogger([], 'warn');
    const broker = await createBroker(loadConfig({}), { logger });
    const alerts: string[] = [];
    const record = createOrderRecorder({
      repos,
      broker,
      logger,
      notifier: { notify: async (text) => void alerts.push(text) },
    });
    return { broker, alerts, lines, record };
  };

  it('an over-fill (15 of 10, or partials 6 + 6) is recorded with its fills, alerted once, and never blocks', async () => {
    const { broker, alerts, lines, record } = await recorder();
    try {
      const over = await record(report('o1', 'filled', '15'), null);
      expect(over.status).to.equal('filled');
      expect(Number(over.filledQty)).to.equal(15);
      expect((await repos.trades.byOrder(over.id)).map((t) => Number(t.qty))).to.deep.equal([15]);

      await record(report('o2', 'partially_filled', '6'), null);
      const twice = await record(report('o2', 'filled', '12'), null);
      expect(Number(twice.filledQty)).to.equal(12);
      expect((await repos.trades.byOrder(twice.id)).map((t) => Number(t.qty))).to.deep.equal([6, 6]);
      // The same report again (the poll after the stream) changes nothing and says nothing.
      await record(report('o2', 'filled', '12'), null);
      expect(alerts.filter((a) => a.includes('over-fill'))).to.have.length(2);
      expect(alerts[0]).to.match(/over-fill: buy GOOG ordered 10, the broker reports 15 filled/);
      expect(lines.join('\n')).to.include('more filled than ordered');
    } finally {
      await broker.close();
    }
  });

  it('a fill far from the market (0.50 with the newest bar at 50) is recorded and alerted; a near one is not', async () => {
    await repos.candles.upsertMany([
      {
        symbol: 'FARX',
        timeframe: '1Min',
        ts: new Date(Date.now() - 120_000),
        open: '50',
        high: '50',
        low: '50',
        close: '50',
        volume: '10',
      },
    ]);
    const { broker, alerts, record } = await recorder();
    try {
      const at = (id: string, price: string): BrokerOrder => ({
        ...report(id, 'filled', '10'),
        symbol: 'FARX',
        filledAvgPrice: price,
      });
      await record(at('f1', '0.5'), null);
      await record(at('f2', '51'), null);
      expect(alerts.filter((a) => a.includes('far from the market'))).to.deep.equal([
        '⚠️ fill far from the market: buy FARX at 0.5, the newest bar closed at 50',
      ]);
    } finally {
      await broker.close();
    }
  });
});
