import { expect } from 'chai';

import { type ApiFixture, startApiFixture } from '../../testing/api-fixture.js';

type Json = Record<string, unknown>;
const dataOf = (body: Json) => body.data as Json;
const errorOf = (body: Json) => body.error as { code: string; message: string; details: Json };

describe('control API (real PostgreSQL, Redis, local Alpaca): pause, resume, force-exit', function () {
  this.timeout(30_000);
  let api: ApiFixture;

  before(async function () {
    api = await startApiFixture(this);
    api.alpaca.setPrice('GOOG', '100');
  });
  after(async () => {
    await api?.close();
  });

  /** A GOOG buy signal on the bar at `barTs`, refused by `rule` with `details`. */
  const refusedSignal = async (barTs: Date, rule: string, details: Record<string, unknown>) => {
    const { row } = await api.repos.signals.insertOnce({
      symbol: 'GOOG',
      strategy: 'sma-cross',
      side: 'buy',
      strength: '1',
      price: '100',
      params: {},
      reason: 'cross',
      timeframe: '1Min',
      barTs,
    });
    await api.repos.signals.setDecision(row.id, 'rejected', { rule, details });
  };

  it('reads running before anyone paused', async () => {
    const res = await api.call('GET', '/api/v1/control');
    expect(res.status).to.equal(200);
    expect(dataOf(res.body)).to.deep.equal({
      mode: 'running',
      paused: false,
      halted: false,
      reason: null,
      changedBy: 'default',
      changedAt: null,
    });
  });

  it('refuses text PostgreSQL cannot store (NUL, a lone surrogate) with 400 naming the field, in every part', async () => {
    for (const reason of ['halt\u0000now', 'halt\ud800', '\udc00']) {
      const res = await api.call('POST', '/api/v1/control/pause', { body: { reason } });
      expect(res.status, JSON.stringify(reason)).to.equal(400);
      expect(errorOf(res.body).details).to.deep.equal([
        {
          field: 'body.reason',
          message: 'contains a NUL character or a lone UTF-16 surrogate, which cannot be stored',
        },
      ]);
    }
    const order = await api.call('POST', '/api/v1/orders', {
      body: { symbol: 'GOOG', side: 'buy', qty: 1, idempotencyKey: 'k\u0000' },
    });
    expect(order.status).to.equal(400);
    expect((await api.call('GET', '/api/v1/signals?strategy=%00')).status).to.equal(400);
    expect((await api.call('GET', '/api/v1/candles/GO%00G')).status).to.equal(400);
    expect(api.fatals).to.deep.equal([]);
    expect((await api.repos.control.get()).paused).to.equal(false);
  });

  it('a pause always engages, whatever its reason (the Telegram path has no edge check)', async () => {
    const state = await api.controls.pause('telegram', 'halt\u0000now \ud800');
    expect(state.paused).to.equal(true);
    expect((await api.repos.control.get()).reason).to.equal('haltnow \uFFFD');
    await api.controls.resume('test');
  });

  it('pauses with a reason and resumes: stored, answered, and kept in the database for every process', async () => {
    const paused = await api.call('POST', '/api/v1/control/pause', { body: { reason: 'FOMC at 2pm' } });
    expect(paused.status).to.equal(200);
    expect(dataOf(paused.body)).to.include({ paused: true, reason: 'FOMC at 2pm', changedBy: 'api' });
    expect(await api.repos.control.get()).to.include({ paused: true, reason: 'FOMC at 2pm' });
    const resumed = await api.call('POST', '/api/v1/control/resume', { body: {} });
    expect(resumed.status).to.equal(200);
    expect(dataOf(resumed.body)).to.include({ paused: false, changedBy: 'api' });
  });

  it("halt: cancels the open entry orders at the broker, then refuses a trader's buy (422 trading_halted) until resumed", async () => {
    const resting = await api.call('POST', '/api/v1/orders', {
      body: { symbol: 'GOOG', side: 'buy', qty: 1, type: 'limit', limitPrice: '90' },
    });
    expect(resting.status).to.equal(201);
    const id = String(dataOf(resting.body).id);
    const halted = await api.call('POST', '/api/v1/control/halt', { body: { reason: 'broker outage' } });
    expect(halted.status).to.equal(200);
    expect(dataOf(halted.body)).to.include({
      mode: 'halted',
      halted: true,
      paused: true,
      reason: 'broker outage',
    });
    expect(dataOf(halted.body).cancelled).to.deep.equal([id]);
    const atBroker = api.alpaca.orders().find((o) => o.clientOrderId === dataOf(resting.body).clientOrderId);
    expect(atBroker?.status).to.equal('canceled');
    const refused = await api.call('POST', '/api/v1/orders', {
      body: { symbol: 'GOOG', side: 'buy', qty: 1 },
    });
    expect(refused.status).to.equal(422);
    expect(errorOf(refused.body).details).to.deep.include({ rule: 'trading_halted' });
    const resumed = await api.call('POST', '/api/v1/control/resume', { body: {} });
    expect(dataOf(resumed.body)).to.include({ mode: 'running', halted: false, paused: false });
  });

  it('lists in /activity, newest first, who paused or resumed and the signals a rule refused, with the numbers', async () => {
    await refusedSignal(new Date(), 'cooldown', { cooldownMs: 20000 });
    // A refusal a person must act on went to Telegram too: the activity says so.
    await refusedSignal(new Date(Date.now() - 60_000), 'daily_loss_limit', {});
    const res = await api.call('GET', '/api/v1/activity?limit=10');
    expect(res.status).to.equal(200);
    const items = res.body.data as Json[];
    expect(items.find((i) => i.text === 'sma-cross buy refused by cooldown')).to.deep.include({
      kind: 'refusal',
      symbol: 'GOOG',
      details: { cooldownMs: 20000 },
    });
    expect(items.map((i) => i.text)).to.include('trading resumed by api');
    expect(items.map((i) => i.text)).to.include('sma-cross buy refused by daily_loss_limit (alerted)');
  });

  it('refuses a pause reason that is not a short text with 400 naming the field', async () => {
    const res = await api.call('POST', '/api/v1/control/pause', { body: { reason: 'x'.repeat(201) } });
    expect(res.status).to.equal(400);
    expect(JSON.stringify(errorOf(res.body).details)).to.include('reason');
    expect((await api.repos.control.get()).paused).to.equal(false);
  });

  it('force-exits a held position: 201 with a market sell of the whole position, filled at the broker', async () => {
    const bought = await api.call('POST', '/api/v1/orders', {
      body: { symbol: 'GOOG', side: 'buy', qty: 7 },
    });
    expect(bought.status).to.equal(201);
    // The platform's position is the portfolio manager's; here it is written as it would be.
    await api.repos.positions.upsert({
      symbol: 'GOOG',
      qty: '7',
      avgCost: '100',
      marketPrice: '100',
      realizedPnl: '0',
      unrealizedPnl: '0',
    });
    const exit = await api.call('POST', '/api/v1/positions/GOOG/close', { body: {} });
    expect(exit.status).to.equal(201);
    expect(dataOf(exit.body)).to.include({ symbol: 'GOOG', side: 'sell', type: 'market', status: 'filled' });
    expect(Number(dataOf(exit.body).qty)).to.equal(7);
    expect(String(dataOf(exit.body).clientOrderId)).to.match(/^man-exit-/);
  });

  it('answers 404 for a force-exit without an open position, and sends nothing', async () => {
    const before = api.alpaca.orders().length;
    const res = await api.call('POST', '/api/v1/positions/MSFT/close', { body: {} });
    expect(res.status).to.equal(404);
    expect(errorOf(res.body).message).to.equal('no open position in MSFT');
    expect(api.alpaca.orders()).to.have.length(before);
  });

  it('refuses a force-exit of a symbol that is not a ticker with 400', async () => {
    const res = await api.call('POST', '/api/v1/positions/goog/close', { body: {} });
    expect(res.status).to.equal(400);
  });
});
