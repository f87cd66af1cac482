import { type BacktestJobPayload, type Broker, createBroker, createEvent, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { loadConfig } from '@trading/platform';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import { builtinCatalog } from '@trading/strategy-sdk';
import {
  captureLogger,
  createPostgresDatabase,
  freshRedisDb,
  googBars,
  googStrategyBars,
  requirePostgres,
  waitFor,
} from '@trading/testkit';
import { expect } from 'chai';

import { backtest } from '../domain/backtest.js';
import { createJobConsumer } from './job-consumer.js';

describe('backtester worker: backtest.jobs → backtest_runs (real PostgreSQL and Redis)', function () {
  this.timeout(60_000);
  let db: Db;
  let repos: Repositories;
  let broker: Broker;
  let drop: () => Promise<void>;
  const { logger } = captureLogger([], 'error');

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    db = createDb(loadConfig({ DATABASE_URL: pg.url }));
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    const bars = googBars();
    for (let i = 0; i < bars.length; i += 500) {
      await repos.candles.upsertMany(
        bars.slice(i, i + 500).map((b) => ({
          symbol: 'GOOG',
          timeframe: '1Day',
          ts: new Date(b.t),
          open: String(b.o),
          high: String(b.h),
          low: String(b.l),
          close: String(b.c),
          volume: String(b.v),
        })),
      );
    }
    broker = await createBroker(loadConfig({ REDIS_URL: await freshRedisDb(this) }), { logger });
    await broker.consume(
      STREAMS.backtestJobs,
      'backtester',
      'b1',
      createJobConsumer({ repos, logger, strategies: builtinCatalog() }),
    );
  });
  after(async () => {
    await broker.close();
    await db.close();
    await drop();
  });

  async function submit(job: Omit<BacktestJobPayload, 'runId'>): Promise<string> {
    const run = await repos.backtests.create(job);
    await broker.publish(
      STREAMS.backtestJobs,
      createEvent<BacktestJobPayload>('backtest.requested', { ...job, runId: run.id }),
    );
    await waitFor(
      async () => ['succeeded', 'failed'].includes((await repos.backtests.get(run.id))?.status ?? ''),
      { what: 'the run to finish' },
    );
    return run.id;
  }
  const job = {
    symbol: 'GOOG',
    timeframe: '1Day',
    strategy: 'sma-cross',
    params: { fast: 10, slow: 20 },
    from: '2000-01-01T00:00:00Z',
    to: '2020-01-01T00:00:00Z',
    model: { commission: 0.002 },
  };

  it('runs a queued job over stored candles and stores the same result the CLI computes', async () => {
    const id = await submit(job);
    const run = await repos.backtests.get(id);
    expect(run?.status).to.equal('succeeded');
    expect(run?.startedAt).to.be.instanceOf(Date);
    expect(run?.finishedAt).to.be.instanceOf(Date);
    const result = run?.result as {
      stats: { trades: number; returnPct: number };
      trades: unknown[];
      equity: unknown[];
    };
    const direct = backtest(
      googStrategyBars(),
      builtinCatalog().configure('sma-cross', { fast: 10, slow: 20 }),
      { commission: 0.002 },
    );
    expect(result.stats.trades).to.equal(direct.stats.trades);
    expect(result.stats.returnPct).to.be.closeTo(direct.stats.returnPct, 1e-9);
    expect(result.trades).to.have.length(direct.run.trades.length);
    expect(result.equity.length).to.be.within(400, 501);
  });

  it('marks a run failed with the reason when the request is bad, and keeps consuming', async () => {
    const unknown = await submit({ ...job, strategy: 'moon-phase' });
    expect(await repos.backtests.get(unknown)).to.deep.include({ status: 'failed' });
    expect((await repos.backtests.get(unknown))?.error).to.match(/unknown strategy 'moon-phase'/);
    const empty = await submit({ ...job, symbol: 'NONE' });
    expect((await repos.backtests.get(empty))?.error).to.match(
      /^no 1Day candles for NONE between 2000-01-01T00:00:00/,
    );
    expect(await broker.pending(STREAMS.backtestJobs, 'backtester')).to.equal(0);
  });

  it('does nothing for a redelivered job whose run is already taken', async () => {
    const id = await submit(job);
    const before = await repos.backtests.get(id);
    await broker.publish(
      STREAMS.backtestJobs,
      createEvent<BacktestJobPayload>('backtest.requested', { ...job, runId: id }),
    );
    await waitFor(async () => (await broker.pending(STREAMS.backtestJobs, 'backtester')) === 0);
    expect((await repos.backtests.get(id))?.finishedAt?.getTime()).to.equal(before?.finishedAt?.getTime());
  });

  it('takes over a run left running by an attempt that died, when its job is redelivered', async () => {
    const run = await repos.backtests.create(job);
    await repos.backtests.markRunning(run.id);
    const event = createEvent<BacktestJobPayload>('backtest.requested', { ...job, runId: run.id });
    const handle = createJobConsumer({ repos, logger, strategies: builtinCatalog() });
    await handle(event, { stream: STREAMS.backtestJobs, entryId: '1-0', deliveries: 1 });
    expect(
      (await repos.backtests.get(run.id))?.status,
      'a first delivery leaves a running run alone',
    ).to.equal('running');
    await handle(event, { stream: STREAMS.backtestJobs, entryId: '1-0', deliveries: 2 });
    expect((await repos.backtests.get(run.id))?.status).to.equal('succeeded');
  });
});
