import { decodeEnvelope, type EventEnvelope, type OrderPayload, STREAMS } from '@trading/messaging';
import { expect } from 'chai';

import { ALPACA_SECRET, type ApiFixture, startApiFixture } from '../../testing/api-fixture.js';

type Json = Record<string, unknown>;
const dataOf = (body: Json) => body.data as Json;
const errorOf = (body: Json) =>
  body.error as { code: string; message: string; details: Json & { field?: string }[] };

describe('orders API (real PostgreSQL, Redis, local Alpaca): list, get, manual orders, cancel', function () {
  this.timeout(30_000);
  let api: ApiFixture;

  before(async function () {
    api = await startApiFixture(this);
    await api.repos.candles.upsertMany([
      {
        symbol: 'GOOG',
        timeframe: '1Day',
        ts: new Date('2024-01-02T00:00:00Z'),
        open: '99',
        high: '101',
        low: '98',
        close: '100',
        volume: '1000',
      },
    ]);
    api.alpaca.setPrice('GOOG', '100');
    api.alpaca.setPrice('AAPL', '150');
    api.alpaca.setPrice('MSFT', '300');
    await api.broker.ensureGroup(STREAMS.orders, 'api-test');
  });
  after(async () => {
    await api?.close();
  });
  afterEach(() => {
    api.alpaca.faults.clear();
    api.alpaca.setMarketOpen(true);
  });

  const place = async (body: Json) => api.call('POST', '/api/v1/orders', { body });

  describe('POST /orders (manual)', () => {
    it('places a market order through the risk checks: 201, a filled row, its fill, and order.updated on the stream', async () => {
      const res = await place({ symbol: 'GOOG', side: 'buy', qty: 5 });
      expect(res.status).to.equal(201);
      const order = dataOf(res.body);
      expect(order).to.include({ symbol: 'GOOG', side: 'buy', status: 'filled', signalId: null });
      expect(Number(order.qty)).to.equal(5);
      expect(res.headers.get('location')).to.equal(`/api/v1/orders/${String(order.id)}`);

      const row = await api.repos.orders.get(String(order.id));
      expect(row?.status).to.equal('filled');
      expect(await api.repos.trades.byOrder(String(order.id))).to.have.length(1);
      const entries = await api.broker.readGroup(STREAMS.orders, 'api-test', 't', 10);
      const events = entries.map((e) => decodeEnvelope(e.fields)) as EventEnvelope<OrderPayload>[];
      expect(events.map((e) => [e.type, e.payload.status, e.payload.fills.length])).to.deep.include([
        'order.updated',
        'filled',
        1,
      ]);
    });

    it('sizes the order with the risk rules when no qty is given (position cap 10,000 at 100 → 95 more)', async () => {
      const res = await place({ symbol: 'GOOG', side: 'buy' });
      expect(res.status).to.equal(201);
      expect(Number(dataOf(res.body).qty)).to.equal(95);
    });

    it('places once per idempotency key: a retry answers 200 with the same order, another order under it 409', async () => {
      const first = await place({ symbol: 'GOOG', side: 'sell', qty: 1, idempotencyKey: 'retry-me-1' });
      const again = await place({ symbol: 'GOOG', side: 'sell', qty: 1, idempotencyKey: 'retry-me-1' });
      expect([first.status, again.status]).to.deep.equal([201, 200]);
      expect(dataOf(again.body).id).to.equal(dataOf(first.body).id);
      expect(api.alpaca.orders().filter((o) => o.clientOrderId === 'man-retry-me-1')).to.have.length(1);
      const other = await place({ symbol: 'MSFT', side: 'buy', qty: 1, idempotencyKey: 'retry-me-1' });
      expect(other.status).to.equal(409);
      expect(errorOf(other.body).code).to.equal('IDEMPOTENCY_CONFLICT');
    });

    it('an idempotency key reused with any other qty, type or limit price: 409, nothing placed', async () => {
      const key = 'retry-me-2';
      const first = await place({ symbol: 'GOOG', side: 'sell', qty: 1, idempotencyKey: key });
      expect(first.status).to.equal(201);
      for (const changed of [
        { qty: 2 },
        { type: 'limit', limitPrice: '99' },
        { type: 'limit', limitPrice: '100' },
      ]) {
        const res = await place({ symbol: 'GOOG', side: 'sell', qty: 1, idempotencyKey: key, ...changed });
        expect(res.status, JSON.stringify(changed)).to.equal(409);
        expect(errorOf(res.body).code).to.equal('IDEMPOTENCY_CONFLICT');
      }
      const limit = await place({
        symbol: 'GOOG',
        side: 'sell',
        qty: 1,
        type: 'limit',
        limitPrice: '150',
        idempotencyKey: 'retry-me-3',
      });
      expect(limit.status).to.equal(201);
      const sameLimit = await place({
        symbol: 'GOOG',
        side: 'sell',
        qty: 1,
        type: 'limit',
        limitPrice: '150.00',
        idempotencyKey: 'retry-me-3',
      });
      expect(sameLimit.status).to.equal(200);
      const otherLimit = await place({
        symbol: 'GOOG',
        side: 'sell',
        qty: 1,
        type: 'limit',
        limitPrice: '151',
        idempotencyKey: 'retry-me-3',
      });
      expect(otherLimit.status).to.equal(409);
      expect(api.alpaca.orders().filter((o) => o.clientOrderId.startsWith('man-retry-me-'))).to.have.length(
        3,
      );
    });

    it('while the market is closed, places the order for the next open (opg): accepted, filled at the open', async () => {
      api.alpaca.setMarketOpen(false);
      const closed = await place({ symbol: 'GOOG', side: 'sell', qty: 1 });
      expect(closed.status).to.equal(201);
      expect(dataOf(closed.body).status).to.equal('accepted');
      // Listed among the open orders of the summary, so the dashboard can offer to cancel it.
      const summary = dataOf((await api.call('GET', '/api/v1/summary')).body);
      expect((summary.openOrderList as Json[]).map((o) => o.id)).to.include(dataOf(closed.body).id);
      api.alpaca.setMarketOpen(true);
      expect(api.alpaca.orders().at(-1)?.status).to.equal('filled');
    });

    it('refuses with 422 naming the rule and its numbers, and sends nothing to the broker', async () => {
      const before = api.alpaca.orders().length;
      const naked = await place({ symbol: 'MSFT', side: 'sell', qty: 1, type: 'limit', limitPrice: '300' });
      expect(naked.status).to.equal(422);
      expect(errorOf(naked.body).details).to.include({ rule: 'no_position' });
      expect(api.alpaca.orders()).to.have.length(before);
    });

    it('refuses an order above the size the rules allow with rule max_quantity', async () => {
      const res = await place({ symbol: 'AAPL', side: 'buy', qty: 1000, type: 'limit', limitPrice: '150' });
      expect(res.status).to.equal(422);
      expect(errorOf(res.body).details).to.deep.include({
        rule: 'max_quantity',
        requested: '1000',
        allowed: '66',
      });
    });

    it('answers 422 no_fresh_price for an order in a symbol the broker has no trade of', async () => {
      const res = await place({ symbol: 'ZZZZ', side: 'buy', qty: 1 });
      expect(res.status).to.equal(422);
      expect(errorOf(res.body).code).to.equal('RISK_REJECTED');
      expect(errorOf(res.body).details).to.include({ rule: 'no_fresh_price' });
    });

    it('sizes and caps a limit buy at the higher of its limit and the fresh price (never past the cap)', async () => {
      const res = await place({ symbol: 'AAPL', side: 'buy', qty: 60, type: 'limit', limitPrice: '200' });
      expect(res.status).to.equal(422);
      // 60 × 200 = 12,000 > 10,000: at the limit it may fill, so the limit is what counts.
      expect(errorOf(res.body).details).to.deep.include({ rule: 'max_quantity', allowed: '50' });
    });

    it('a broker refusal answers 422 BROKER_REJECTED with a safe message: the provider’s text never leaves', async () => {
      api.alpaca.faults.set({
        mode: 'refuse',
        status: 403,
        times: 1,
        path: /^\/v2\/orders$/,
        message: `secret ${ALPACA_SECRET} is not allowed to trade`,
      });
      const res = await place({ symbol: 'GOOG', side: 'sell', qty: 1, idempotencyKey: 'refused-1' });
      expect(res.status).to.equal(422);
      expect(errorOf(res.body)).to.deep.include({
        code: 'BROKER_REJECTED',
        message: 'the broker refused the order',
      });
      expect(JSON.stringify(res.body)).not.to.include(ALPACA_SECRET);
      expect(JSON.stringify(res.body)).not.to.include('not allowed');
      const row = await api.repos.orders.findByClientOrderId('man-refused-1');
      expect(row?.status).to.equal('rejected');
      expect(row?.rejectReason).to.equal('secret *** is not allowed to trade');
      expect(api.captured.lines.join('\n')).not.to.include(ALPACA_SECRET);
    });

    it('a broker refusal quoting our secret altered (letter case, cut short, base64 of key:secret) reaches no client', async () => {
      const altered = [
        ALPACA_SECRET.toUpperCase(),
        ALPACA_SECRET.slice(0, -1),
        Buffer.from(`key:${ALPACA_SECRET}`).toString('base64'),
        encodeURIComponent(ALPACA_SECRET.slice(3)),
      ];
      for (const [i, form] of altered.entries()) {
        api.alpaca.faults.set({
          mode: 'refuse',
          status: 403,
          times: 1,
          path: /^\/v2\/orders$/,
          message: `credentials ${form} refused`,
        });
        const res = await place({
          symbol: 'GOOG',
          side: 'sell',
          qty: 1,
          idempotencyKey: `altered-${String(i)}`,
        });
        expect(res.status).to.equal(422);
        const row = await api.repos.orders.findByClientOrderId(`man-altered-${String(i)}`);
        expect(row?.rejectReason, form).to.equal('credentials *** refused');
      }
      const seen = JSON.stringify([
        (await api.call('GET', '/api/v1/orders?limit=100')).body,
        (await api.call('GET', '/api/v1/summary')).body,
      ]);
      for (const form of altered) expect(seen, form).not.to.include(form);
    });

    const badBodies: [string, Json, string][] = [
      ['no side', { symbol: 'GOOG' }, 'body.side'],
      ['a lower-case symbol', { symbol: 'goog', side: 'buy' }, 'body.symbol'],
      ['a zero qty', { symbol: 'GOOG', side: 'buy', qty: 0 }, 'body.qty'],
      ['a fractional qty', { symbol: 'GOOG', side: 'buy', qty: 1.5 }, 'body.qty'],
      ['a limit order without limitPrice', { symbol: 'GOOG', side: 'buy', type: 'limit' }, 'body.limitPrice'],
      ['a market order with limitPrice', { symbol: 'GOOG', side: 'buy', limitPrice: '1' }, 'body.limitPrice'],
      ...['0', '0.00', '00', '-1', '0.00001'].map((limitPrice): [string, Json, string] => [
        `a limitPrice of ${limitPrice}`,
        { symbol: 'GOOG', side: 'sell', type: 'limit', limitPrice },
        'body.limitPrice',
      ]),
      ['an unknown field', { symbol: 'GOOG', side: 'buy', leverage: 10 }, 'body.leverage'],
      [
        'a bad idempotency key',
        { symbol: 'GOOG', side: 'buy', idempotencyKey: 'a b' },
        'body.idempotencyKey',
      ],
    ];
    for (const [what, body, field] of badBodies) {
      it(`answers 400 naming ${field} for ${what}`, async () => {
        const res = await place(body);
        expect(res.status).to.equal(400);
        expect(errorOf(res.body).code).to.equal('VALIDATION_FAILED');
        expect(errorOf(res.body).details.map((d) => d.field)).to.include(field);
      });
    }
  });

  describe('GET /orders and /orders/:id', () => {
    it('lists newest first, filtered by status and symbol', async () => {
      const all = dataOf((await api.call('GET', '/api/v1/orders')).body) as unknown as Json[];
      expect(all.length).to.be.at.least(3);
      const times = all.map((o) => String(o.createdAt));
      expect([...times].sort().reverse()).to.deep.equal(times);
      const filled = (await api.call('GET', '/api/v1/orders?status=filled&symbol=GOOG')).body.data as Json[];
      expect(filled.every((o) => o.status === 'filled' && o.symbol === 'GOOG')).to.equal(true);
      expect((await api.call('GET', '/api/v1/orders?status=done')).status).to.equal(400);
    });

    it('answers one order with its fills; 404 for an unknown id; 400 for a malformed one', async () => {
      const [first] = (await api.call('GET', '/api/v1/orders?status=filled&limit=1')).body.data as Json[];
      const res = await api.call('GET', `/api/v1/orders/${String(first?.id)}`);
      expect(res.status).to.equal(200);
      expect(dataOf(res.body).trades).to.have.length(1);
      const missing = await api.call('GET', '/api/v1/orders/00000000-0000-4000-8000-000000000000');
      expect(missing.status).to.equal(404);
      expect(errorOf(missing.body).code).to.equal('NOT_FOUND');
      expect((await api.call('GET', '/api/v1/orders/42')).status).to.equal(400);
    });
  });

  describe('POST /orders/:id/cancel', () => {
    it('cancels an open limit order (202, canceled at the broker and in the table); a second cancel is 409', async () => {
      const placed = await place({ symbol: 'GOOG', side: 'sell', qty: 1, type: 'limit', limitPrice: '500' });
      expect(placed.status).to.equal(201);
      const id = String(dataOf(placed.body).id);
      expect(dataOf(placed.body).status).to.equal('accepted');

      const res = await api.call('POST', `/api/v1/orders/${id}/cancel`);
      expect(res.status).to.equal(202);
      expect(dataOf(res.body).status).to.equal('canceled');
      expect((await api.repos.orders.get(id))?.status).to.equal('canceled');

      const again = await api.call('POST', `/api/v1/orders/${id}/cancel`);
      expect(again.status).to.equal(409);
      expect(errorOf(again.body).code).to.equal('ORDER_FINAL');
    });

    it('answers 404 for an unknown order', async () => {
      const res = await api.call('POST', '/api/v1/orders/00000000-0000-4000-8000-000000000000/cancel');
      expect(res.status).to.equal(404);
    });
  });
  // Last: the failures open the Alpaca circuit breaker.
  describe('when the broker fails', () => {
    it('answers 503 (not 500) when the broker keeps failing, and no order is left half-placed as filled', async () => {
      api.alpaca.faults.set({ mode: 'error500', path: /^\/v2\/account/ });
      const res = await place({ symbol: 'GOOG', side: 'sell', qty: 1 });
      expect(res.status).to.equal(503);
      expect(errorOf(res.body)).to.deep.equal({
        code: 'UNAVAILABLE',
        message: 'a dependency is unavailable; try again',
      });
    });
  });
});
