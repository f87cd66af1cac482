import { type BacktestJobPayload, decodeEnvelope, type EventEnvelope, STREAMS } from '@trading/messaging';
import { expect } from 'chai';

import { type ApiFixture, startApiFixture } from '../../testing/api-fixture.js';

type Json = Record<string, unknown>;
const errorOf = (body: Json) => body.error as { code: string; details: { field: string }[] };

describe('backtests API (real PostgreSQL and Redis): queue a job, read its status', function () {
  this.timeout(30_000);
  let api: ApiFixture;
  const request = {
    symbol: 'GOOG',
    strategy: 'sma-cross',
    params: { fast: 5 },
    from: '2020-01-01T00:00:00Z',
    to: '2024-01-01T00:00:00Z',
  };

  before(async function () {
    api = await startApiFixture(this);
    await api.broker.ensureGroup(STREAMS.backtestJobs, 'api-test');
  });
  after(async () => {
    await api?.close();
  });

  it('answers 202 with the queued run and its Location, and puts backtest.requested on backtest.jobs', async () => {
    const res = await api.call('POST', '/api/v1/backtests', { body: request });
    expect(res.status).to.equal(202);
    const run = res.body.data as Json;
    expect(run).to.include({ status: 'queued', result: null });
    expect(res.headers.get('location')).to.equal(`/api/v1/backtests/${String(run.id)}`);

    const [entry] = await api.broker.readGroup(STREAMS.backtestJobs, 'api-test', 't', 10);
    const event = decodeEnvelope(entry?.fields ?? {}) as EventEnvelope<BacktestJobPayload>;
    expect(event.type).to.equal('backtest.requested');
    expect(event.payload).to.deep.include({
      runId: run.id,
      symbol: 'GOOG',
      strategy: 'sma-cross',
      timeframe: '1Day',
      params: { fast: 5, slow: 20 },
    });
  });

  it('queues, without a timeframe, the one the platform collects (minute bars in the simulation)', async function () {
    const minute = await startApiFixture(this, { COLLECTOR_TIMEFRAME: '1Min' });
    try {
      await minute.broker.ensureGroup(STREAMS.backtestJobs, 'api-test');
      const res = await minute.call('POST', '/api/v1/backtests', { body: request });
      expect(res.status).to.equal(202);
      const [entry] = await minute.broker.readGroup(STREAMS.backtestJobs, 'api-test', 't', 10);
      const event = decodeEnvelope(entry?.fields ?? {}) as EventEnvelope<BacktestJobPayload>;
      expect(event.payload.timeframe).to.equal('1Min');
    } finally {
      await minute.close();
    }
  });

  it('answers the run by id as the backtester moves it along; 404 for an unknown id', async () => {
    const { body } = await api.call('POST', '/api/v1/backtests', { body: request });
    const id = String((body.data as Json).id);
    await api.repos.backtests.markRunning(id);
    await api.repos.backtests.succeed(id, { stats: { trades: 3 } });
    const res = await api.call('GET', `/api/v1/backtests/${id}`);
    expect(res.status).to.equal(200);
    expect(res.body.data).to.deep.include({
      status: 'succeeded',
      result: { stats: { trades: 3 } },
      error: null,
    });
    expect((await api.call('GET', '/api/v1/backtests/00000000-0000-4000-8000-000000000000')).status).to.equal(
      404,
    );
  });

  const bad: [string, Json, string][] = [
    ['an unknown strategy', { ...request, strategy: 'moon-phase' }, 'VALIDATION_FAILED'],
    ['bad strategy parameters', { ...request, params: { fast: 30, slow: 10 } }, 'VALIDATION_FAILED'],
    ['from after to', { ...request, from: '2025-01-01T00:00:00Z' }, 'VALIDATION_FAILED'],
    ['a missing symbol', { ...request, symbol: undefined }, 'VALIDATION_FAILED'],
    ['a bad timeframe', { ...request, timeframe: '2Min' }, 'VALIDATION_FAILED'],
    ['a commission of 50%', { ...request, model: { commission: 0.5 } }, 'VALIDATION_FAILED'],
    ['a non-numeric parameter', { ...request, params: { fast: 'five' } }, 'VALIDATION_FAILED'],
  ];
  for (const [what, body, code] of bad) {
    it(`answers 400 ${code} for ${what}, and queues nothing`, async () => {
      const before = await api.broker.length(STREAMS.backtestJobs);
      const res = await api.call('POST', '/api/v1/backtests', { body });
      expect(res.status).to.equal(400);
      expect(errorOf(res.body).code).to.equal(code);
      expect(await api.broker.length(STREAMS.backtestJobs)).to.equal(before);
    });
  }
});
