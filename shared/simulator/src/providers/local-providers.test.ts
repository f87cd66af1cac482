import { expect } from 'chai';

import { type AlpacaServer, startAlpacaServer } from './alpaca-server.js';
import { startAnthropicServer } from './anthropic-server.js';
import { startFinnhubServer } from './finnhub-server.js';
import { startTelegramServer } from './telegram-server.js';

async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
}

describe('local provider servers speak the providers’ wire formats', function () {
  this.timeout(20_000);

  describe('Alpaca', () => {
    let server: AlpacaServer;
    const auth = { 'APCA-API-KEY-ID': 'k', 'APCA-API-SECRET-KEY': 's', 'content-type': 'application/json' };
    before(async () => {
      server = await startAlpacaServer({ keyId: 'k', secretKey: 's', fillMode: 'manual' });
      server.setBars('AAPL', [
        { t: '2024-01-02T05:00:00Z', o: 1, h: 2, l: 0.5, c: 1.5, v: 10 },
        { t: '2024-01-03T05:00:00Z', o: 1.5, h: 2, l: 1, c: 1.8, v: 12 },
        { t: '2024-01-04T05:00:00Z', o: 1.8, h: 2.2, l: 1.7, c: 2.1, v: 9 },
      ]);
    });
    after(async () => server.close());

    it('refuses a request without both auth headers with Alpaca’s 401 body', async () => {
      const res = await call(`${server.url}/v2/account`, { headers: { 'APCA-API-KEY-ID': 'k' } });
      expect(res).to.deep.include({
        status: 401,
        body: { code: 40110000, message: 'request is not authorized' },
      });
    });

    it('pages bars with next_page_token until null', async () => {
      const first = await call(`${server.url}/v2/stocks/bars?symbols=AAPL&timeframe=1Day&limit=2`, {
        headers: auth,
      });
      const page1 = first.body as { bars: { AAPL: unknown[] }; next_page_token: string };
      expect(page1.bars.AAPL).to.have.length(2);
      const second = await call(
        `${server.url}/v2/stocks/bars?symbols=AAPL&timeframe=1Day&limit=2&page_token=${page1.next_page_token}`,
        {
          headers: auth,
        },
      );
      expect(second.body).to.deep.equal({
        bars: { AAPL: [{ t: '2024-01-04T05:00:00Z', o: 1.8, h: 2.2, l: 1.7, c: 2.1, v: 9 }] },
        next_page_token: null,
      });
    });

    it('refuses a duplicate client_order_id with 422, keeps partial fills in manual mode, refuses to cancel a filled order', async () => {
      const body = JSON.stringify({
        client_order_id: 'x-1',
        symbol: 'AAPL',
        side: 'buy',
        qty: '10',
        type: 'market',
        time_in_force: 'day',
      });
      const created = await call(`${server.url}/v2/orders`, { method: 'POST', headers: auth, body });
      const order = created.body as { id: string; status: string };
      expect(order.status).to.equal('accepted');
      const dup = await call(`${server.url}/v2/orders`, { method: 'POST', headers: auth, body });
      expect(dup).to.deep.include({
        status: 422,
        body: { code: 40004220, message: 'client_order_id must be unique' },
      });
      server.fill(order.id, '4', '2.1');
      const partial = await call(`${server.url}/v2/orders/${order.id}`, { headers: auth });
      expect(partial.body).to.deep.include({
        status: 'partially_filled',
        filled_qty: '4',
        filled_avg_price: '2.1',
      });
      server.fill(order.id, '6', '2.2');
      const filled = await call(`${server.url}/v2/orders/${order.id}`, { headers: auth });
      expect(filled.body).to.deep.include({ status: 'filled', filled_qty: '10', filled_avg_price: '2.16' });
      const cancel = await call(`${server.url}/v2/orders/${order.id}`, { method: 'DELETE', headers: auth });
      expect(cancel.status).to.equal(422);
    });

    it('takes faults over HTTP from other processes (POST/DELETE /__faults)', async () => {
      await call(`${server.url}/__faults`, {
        method: 'POST',
        body: JSON.stringify({ mode: 'error500', times: 1, path: '^/v2/account$' }),
      });
      expect((await call(`${server.url}/v2/account`, { headers: auth })).status).to.equal(500);
      expect((await call(`${server.url}/v2/account`, { headers: auth })).status).to.equal(200);
      await call(`${server.url}/__faults`, {
        method: 'POST',
        body: JSON.stringify({ mode: 'rate-limit', retryAfterS: 7 }),
      });
      const limited = await call(`${server.url}/v2/clock`, { headers: auth });
      expect(limited.status).to.equal(429);
      expect(limited.headers.get('retry-after')).to.equal('7');
      await call(`${server.url}/__faults`, { method: 'DELETE' });
      expect((await call(`${server.url}/v2/clock`, { headers: auth })).status).to.equal(200);
    });
  });

  it('Finnhub refuses a missing token and bad dates', async () => {
    const server = await startFinnhubServer({ token: 't' });
    expect(
      await call(`${server.url}/api/v1/company-news?symbol=A&from=2024-01-01&to=2024-01-02`),
    ).to.deep.include({
      status: 401,
      body: { error: 'Invalid API key' },
    });
    expect((await call(`${server.url}/api/v1/company-news?symbol=A&from=x&to=y&token=t`)).status).to.equal(
      422,
    );
    await server.close();
  });

  it('Anthropic answers errors in its {type: "error", error} shape', async () => {
    const server = await startAnthropicServer({ apiKey: 'a' });
    const noKey = await call(`${server.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(noKey).to.deep.include({
      status: 401,
      body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
    });
    const noModel = await call(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'a', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ max_tokens: 5, messages: [] }),
    });
    expect(noModel.status).to.equal(400);
    await server.close();
  });

  it('Telegram refuses a wrong token with {ok: false, error_code, description}', async () => {
    const server = await startTelegramServer({ token: 'good' });
    const res = await call(`${server.url}/botbad/sendMessage`, {
      method: 'POST',
      body: JSON.stringify({ chat_id: 1, text: 'x' }),
    });
    expect(res).to.deep.include({
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    await server.close();
  });
});
