// The whole trading path on real PostgreSQL and Redis with the local Alpaca: bars → candles →
// signals → one order or a recorded rejection per signal → fills → positions → snapshots. History
// is backfilled first (its signals are stale, never traded), then bars arrive one at a time on a
// clock, as live, and only those are traded.
import { foldFills } from '@trading/domain';
import { type AlpacaServer } from '@trading/simulator';
import { createRepositories, type Db } from '@trading/store';
import { googBars, waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { type InProcessPipeline, startInProcessPipeline } from '../support/in-process-pipeline.js';

describe('full pipeline: bars → signals → orders → fills → positions → snapshots', function () {
  this.timeout(180_000);
  const HISTORY = 300;
  const LIVE = 160;
  const DAY = 86_400_000;
  let alpaca: AlpacaServer;
  let db: Db;
  let pipeline: InProcessPipeline;
  let clock = 0;
  const bars = googBars().slice(0, HISTORY + LIVE);
  const closeOf = (i: number): number => Date.parse(bars[i]?.t ?? '') + DAY + 1000;

  before(async function () {
    clock = closeOf(HISTORY - 1);
    pipeline = await startInProcessPipeline(this, {
      cash: '100000',
      now: () => new Date(clock),
      env: { SYMBOLS: 'GOOG', STRATEGIES: 'sma-cross', BACKFILL_DAYS: '36500' },
    });
    ({ alpaca, db } = pipeline);
    alpaca.setBars('GOOG', bars.slice(0, HISTORY));
  });
  after(async () => pipeline.close());
  const collect = async () => pipeline.collect();
  const idle = async () => pipeline.idle();

  it('trades only live bars: every signal one order or one recorded rejection, positions equal the fills', async () => {
    await collect();
    await waitFor(idle, { timeoutMs: 60_000, intervalMs: 100, what: 'the history processed' });
    const historic = await db
      .knex<{ status: string; rejectionRule: string | null; barTs: Date }>('signals')
      .select('status', 'rejectionRule', 'barTs');
    expect(historic.length).to.be.greaterThan(1);
    // Only a signal on the newest bar (closed a second ago) may trade; every older one is history.
    const newest = Date.parse(bars[HISTORY - 1]?.t ?? '');
    for (const s of historic) {
      if (s.barTs.getTime() === newest) continue;
      expect([s.status, s.rejectionRule]).to.deep.equal(['rejected', 'stale_signal']);
    }
    expect(alpaca.orders().length, 'no order from backfilled history').to.be.at.most(1);

    for (let i = HISTORY; i < HISTORY + LIVE; i++) {
      alpaca.setBars('GOOG', bars.slice(0, i + 1));
      clock = closeOf(i);
      await collect();
      await waitFor(idle, { timeoutMs: 20_000, intervalMs: 20, what: `bar ${String(i)} processed` });
    }
    await waitFor(
      async () =>
        Number(
          (await db.knex('signals').where({ status: 'new' }).count<{ n: string }[]>('* as n'))[0]?.n ?? 1,
        ) === 0 && (await idle()),
      { timeoutMs: 30_000, intervalMs: 100, what: 'every signal decided' },
    );

    const signals = await db.knex('signals').select('id', 'status', 'side', 'rejectionRule');
    const orders = await db.knex('orders').select('signalId', 'clientOrderId', 'status');
    for (const s of signals as { id: string; status: string; rejectionRule: string | null }[]) {
      const mine = (orders as { signalId: string }[]).filter((o) => o.signalId === s.id);
      if (s.status === 'ordered') expect(mine, s.id).to.have.length(1);
      else expect([s.status, mine.length, s.rejectionRule !== null]).to.deep.equal(['rejected', 0, true]);
    }
    const atBroker = alpaca.orders().map((o) => o.clientOrderId);
    expect(new Set(atBroker).size).to.equal(atBroker.length);
    expect(atBroker.length).to.equal((orders as unknown[]).length);
    expect(atBroker.length).to.be.greaterThan(0);

    const trades = await db
      .knex('trades')
      .where({ symbol: 'GOOG' })
      .orderBy([{ column: 'tradedAt' }, { column: 'id' }]);
    const folded = foldFills(trades as { side: 'buy' | 'sell'; qty: string; price: string }[]);
    const position = await createRepositories(db.knex).positions.get('GOOG');
    expect(Number(position?.qty)).to.equal(Number(folded.qty));
    expect(Number(position?.qty)).to.equal(
      alpaca.orders().reduce((q, o) => q + (o.side === 'buy' ? 1 : -1) * Number(o.qty), 0),
    );
  });
});
