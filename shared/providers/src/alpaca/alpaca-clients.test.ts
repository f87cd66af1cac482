import { CircuitOpenError, DataError, TransientError } from '@trading/domain';
import { loadConfig, ProviderAuthError, ProviderRejectedError } from '@trading/platform';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { captureLogger, googBars } from '@trading/testkit';
import { expect } from 'chai';

import { AlpacaMarketDataClient } from './alpaca-market-data-client.js';
import { AlpacaTradingClient } from './alpaca-trading-client.js';

const KEY = 'PK-canary-key-9d2';
const SECRET = 'sk-canary-secret-41f';

describe('Alpaca clients against the local Alpaca server', function () {
  this.timeout(30_000);
  let server: AlpacaServer;
  const env = (extra: Record<string, string> = {}) =>
    loadConfig({
      ALPACA_API_KEY: KEY,
      ALPACA_API_SECRET: SECRET,
      ALPACA_TRADING_URL: server.url,
      ALPACA_DATA_URL: server.url,
      RETRY_BASE_DELAY_MS: '10',
      RETRY_MAX_DELAY_MS: '50',
      HTTP_TIMEOUT_MS: '500',
      ...extra,
    });

  beforeEach(async () => {
    server = await startAlpacaServer({ keyId: KEY, secretKey: SECRET, cash: '100000' });
    server.setBars('GOOG', googBars());
  });
  afterEach(async () => server.close());

  describe('market data', () => {
    it('follows next_page_token across pages and returns every bar exactly, oldest first', async () => {
      const client = AlpacaMarketDataClient.fromConfig(env());
      const bars = await client.getBars({
        symbols: ['GOOG'],
        timeframe: '1Day',
        start: new Date('2000-01-01'),
        pageSize: 1000,
      });
      await client.close();
      const goog = bars.get('GOOG') ?? [];
      expect(goog).to.have.length(2148);
      expect(server.requests).to.equal(3);
      expect(goog[0]).to.deep.include({
        ts: new Date('2004-08-19T04:00:00Z'),
        open: 100,
        high: 104.06,
        close: 100.34,
        volume: 22351900,
      });
      expect(goog.at(-1)?.ts.toISOString()).to.equal('2013-03-01T05:00:00.000Z'.replace('05', '04'));
    });

    it('groups several symbols and gives the latest bar of each', async () => {
      server.setBars('MSFT', [
        { t: '2024-01-02T05:00:00Z', o: 370, h: 375, l: 366.5, c: 370.87, v: 25258600 },
      ]);
      const client = AlpacaMarketDataClient.fromConfig(env());
      const bars = await client.getBars({
        symbols: ['MSFT', 'GOOG'],
        timeframe: '1Day',
        start: new Date('2013-02-25'),
        pageSize: 2,
      });
      const latest = await client.getLatestBars(['GOOG', 'MSFT']);
      await client.close();
      expect(bars.get('GOOG')).to.have.length(5);
      expect(bars.get('MSFT')?.[0]?.close).to.equal(370.87);
      expect(latest.get('MSFT')?.close).to.equal(370.87);
      expect(latest.get('GOOG')?.ts.toISOString()).to.equal('2013-03-01T04:00:00.000Z');
    });

    it('a page with a null, a number or a list where a bar should be: those bars fail screening alone, the rest arrive', async () => {
      const { createServer } = await import('node:http');
      const good = { t: '2024-01-02T05:00:00Z', o: 10, h: 11, l: 9, c: 10.5, v: 100 };
      const odd = createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify(
            req.url?.startsWith('/v2/stocks/bars/latest')
              ? { bars: { STUK: null, GOOD: good } }
              : { bars: { STUK: [null, 5, [1], good], GOOD: [good] }, next_page_token: null },
          ),
        );
      });
      await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${String((odd.address() as { port: number }).port)}`;
      const client = AlpacaMarketDataClient.fromConfig(env({ ALPACA_DATA_URL: url }));
      try {
        const bars = await client.getBars({
          symbols: ['STUK', 'GOOD'],
          timeframe: '1Min',
          start: new Date(0),
        });
        const stuk = bars.get('STUK') ?? [];
        expect(stuk).to.have.length(4);
        expect(stuk.slice(0, 3).every((b) => Number.isNaN(b.close))).to.equal(true);
        expect(stuk[3]?.close).to.equal(10.5);
        expect(bars.get('GOOD')?.[0]?.close).to.equal(10.5);
        const latest = await client.getLatestBars(['STUK', 'GOOD']);
        expect(Number.isNaN(latest.get('STUK')?.close)).to.equal(true);
        expect(latest.get('GOOD')?.close).to.equal(10.5);
      } finally {
        await client.close();
        odd.close();
      }
    });

    it('turns a refused query into a data error: a safe message, the provider’s words redacted in `reason`', async () => {
      const client = AlpacaMarketDataClient.fromConfig(env());
      const err = await client
        .getBars({ symbols: ['GOOG'], timeframe: '2Day' as '1Day', start: new Date() })
        .catch((e: unknown) => e);
      await client.close();
      expect(err).to.be.instanceOf(ProviderRejectedError);
      expect((err as Error).message).to.equal('alpaca-data refused the request (HTTP 400)');
      expect((err as ProviderRejectedError).reason).to.equal('invalid timeframe: 2Day');
    });

    it('never puts a provider’s error text in a message: one quoting our key and secret is redacted', async () => {
      server.faults.set({ mode: 'refuse', status: 403, message: `bad key ${KEY} with secret ${SECRET}` });
      const client = AlpacaMarketDataClient.fromConfig(env());
      const err = (await client.getLatestBars(['GOOG']).catch((e: unknown) => e)) as ProviderRejectedError;
      await client.close();
      expect(err.message).to.equal('alpaca-data refused the request (HTTP 403)');
      expect(JSON.stringify({ message: err.message, details: err.details })).not.to.include(SECRET);
      expect(err.reason).to.equal('bad key *** with secret ***');
    });

    it('gives the latest trade of a symbol, with its time, as the fresh price the risk rules use', async () => {
      server.setPrice('GOOG', '801.5', new Date('2026-12-07T15:00:00Z'));
      const client = AlpacaMarketDataClient.fromConfig(env());
      expect(await client.latestPrice('GOOG')).to.deep.equal({
        price: '801.5',
        at: new Date('2026-12-07T15:00:00Z'),
      });
      expect(await client.latestPrice('NONE')).to.equal(undefined);
      await client.close();
    });

    it('treats a malformed answer as a data error, not a crash', async () => {
      server.faults.set({ mode: 'malformed', times: 1 });
      const client = AlpacaMarketDataClient.fromConfig(env());
      const err = await client.getLatestBars(['GOOG']).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(DataError);
      expect((err as DataError).code).to.equal('MALFORMED_RESPONSE');
      expect((await client.getLatestBars(['GOOG'])).get('GOOG')?.close).to.equal(806.19);
      await client.close();
    });
  });

  describe('trading', () => {
    it('reads the account and positions, submits an order that fills at the last price', async () => {
      const client = AlpacaTradingClient.fromConfig(env());
      const order = await client.submitOrder({
        clientOrderId: 'sig-abc-1',
        symbol: 'GOOG',
        side: 'buy',
        qty: '10',
      });
      expect(order).to.include({
        clientOrderId: 'sig-abc-1',
        status: 'filled',
        filledQty: '10',
        filledAvgPrice: '806.19',
      });
      const account = await client.getAccount();
      expect(account.cash).to.equal('91938.1');
      const [position] = await client.getPositions();
      expect(position).to.include({ symbol: 'GOOG', qty: '10', avgEntryPrice: '806.19' });
      expect((await client.getOrderByClientId('sig-abc-1'))?.id).to.equal(order.id);
      expect(await client.getOrderByClientId('never-sent')).to.equal(undefined);
      expect((await client.getOrder(order.id)).status).to.equal('filled');
      await client.close();
    });

    it('lists and cancels open orders', async () => {
      const client = AlpacaTradingClient.fromConfig(env());
      const open = await client.submitOrder({
        clientOrderId: 'limit-1',
        symbol: 'GOOG',
        side: 'buy',
        qty: '1',
        type: 'limit',
        limitPrice: '500',
      });
      expect(open.status).to.equal('accepted');
      expect((await client.listOrders({ status: 'open' })).map((o) => o.clientOrderId)).to.deep.equal([
        'limit-1',
      ]);
      await client.cancelOrder(open.id);
      expect((await client.getOrder(open.id)).status).to.equal('canceled');
      expect(await client.listOrders({ status: 'open' })).to.deep.equal([]);
      await client.close();
    });

    it('settles a duplicate client_order_id (422) by returning the existing order: one order at the broker', async () => {
      const client = AlpacaTradingClient.fromConfig(env());
      const first = await client.submitOrder({
        clientOrderId: 'sig-dup',
        symbol: 'GOOG',
        side: 'buy',
        qty: '1',
      });
      const again = await client.submitOrder({
        clientOrderId: 'sig-dup',
        symbol: 'GOOG',
        side: 'buy',
        qty: '1',
      });
      await client.close();
      expect(again.id).to.equal(first.id);
      expect(server.orders().filter((o) => o.clientOrderId === 'sig-dup')).to.have.length(1);
    });

    it('settles a submission whose answer was lost by looking it up, never submitting twice', async () => {
      server.faults.set({ mode: 'lost-response', times: 1, path: /^\/v2\/orders$/ });
      const client = AlpacaTradingClient.fromConfig(env());
      const order = await client.submitOrder({
        clientOrderId: 'sig-lost',
        symbol: 'GOOG',
        side: 'buy',
        qty: '2',
      });
      await client.close();
      expect(order).to.include({ clientOrderId: 'sig-lost', status: 'filled' });
      expect(server.orders()).to.have.length(1);
    });

    it('settles a submission that timed out before reaching the broker by looking up, then submitting once', async () => {
      server.faults.set({ mode: 'timeout', times: 1, path: /^\/v2\/orders$/ });
      const client = AlpacaTradingClient.fromConfig(env());
      const order = await client.submitOrder({
        clientOrderId: 'sig-timeout',
        symbol: 'GOOG',
        side: 'buy',
        qty: '3',
      });
      await client.close();
      expect(order.status).to.equal('filled');
      expect(server.orders().map((o) => o.clientOrderId)).to.deep.equal(['sig-timeout']);
    });

    it('passes a rejection (insufficient buying power) through as a data error without retrying', async () => {
      const client = AlpacaTradingClient.fromConfig(env());
      const err = await client
        .submitOrder({ clientOrderId: 'big', symbol: 'GOOG', side: 'buy', qty: '1000' })
        .catch((e: unknown) => e);
      await client.close();
      expect(err).to.be.instanceOf(DataError);
      expect((err as ProviderRejectedError).reason).to.include('insufficient buying power');
      expect(server.orders()).to.have.length(0);
      expect(server.requests).to.equal(1);
    });
  });

  describe('resilience', () => {
    it('retries 5xx with backoff until the server recovers', async () => {
      server.faults.set({ mode: 'error500', times: 2 });
      const client = AlpacaTradingClient.fromConfig(env());
      expect((await client.getAccount()).cash).to.equal('100000');
      await client.close();
      expect(server.requests).to.equal(3);
    });

    it('opens the breaker after 5 consecutive failures, rejects fast while open, recovers half-open', async () => {
      server.faults.set({ mode: 'error500' });
      const client = AlpacaTradingClient.fromConfig(
        env({ RETRY_MAX_RETRIES: '0', BREAKER_COOLDOWN_MS: '300' }),
      );
      for (let i = 0; i < 5; i++)
        expect(await client.getAccount().catch((e: unknown) => e)).to.be.instanceOf(TransientError);
      const before = server.requests;
      const started = Date.now();
      expect(await client.getAccount().catch((e: unknown) => e)).to.be.instanceOf(CircuitOpenError);
      expect(server.requests).to.equal(before);
      expect(Date.now() - started).to.be.below(50);
      server.faults.clear();
      await new Promise((r) => setTimeout(r, 350));
      expect((await client.getAccount()).status).to.equal('ACTIVE');
      expect(await client.getAccount()).to.include({ status: 'ACTIVE' });
      await client.close();
    });

    it('honours a 429 Retry-After before trying again', async () => {
      server.faults.set({ mode: 'rate-limit', times: 1, retryAfterS: 1 });
      const client = AlpacaTradingClient.fromConfig(env());
      const started = Date.now();
      await client.getAccount();
      await client.close();
      expect(Date.now() - started).to.be.at.least(990);
      expect(server.requests).to.equal(2);
    });

    it('retries a hung call after its timeout', async () => {
      server.faults.set({ mode: 'timeout', times: 1 });
      const client = AlpacaTradingClient.fromConfig(env({ HTTP_TIMEOUT_MS: '200' }));
      expect((await client.getAccount()).status).to.equal('ACTIVE');
      await client.close();
    });

    it('reuses keep-alive connections across calls: one pool per client, not one connection per call', async () => {
      const client = AlpacaTradingClient.fromConfig(env());
      for (let i = 0; i < 20; i++) await client.getAccount();
      // undici opens a second socket while releasing the first after the first answer; both are then reused.
      expect(server.connections).to.be.at.most(2);
      await Promise.all(Array.from({ length: 50 }, async () => client.getAccount()));
      await client.close();
      expect(server.requests).to.equal(70);
      expect(server.connections).to.be.at.most(8);
    });

    it('opens no connection before the first call (the pool is created lazily)', async () => {
      const client = AlpacaTradingClient.fromConfig(env());
      await new Promise((r) => setTimeout(r, 20));
      expect(server.connections).to.equal(0);
      await client.close();
    });

    it('refuses wrong credentials as a credential error, and never logs the keys', async () => {
      const { logger, lines } = captureLogger();
      const config = loadConfig({
        ALPACA_API_KEY: 'wrong',
        ALPACA_API_SECRET: 'also-wrong-secret',
        ALPACA_TRADING_URL: server.url,
      });
      const client = AlpacaTradingClient.fromConfig(config, { logger });
      const err = await client.getAccount().catch((e: unknown) => e);
      await client.close();
      expect(err).to.be.instanceOf(ProviderAuthError);
      expect(JSON.stringify(err) + String(err) + lines.join('')).not.to.match(/also-wrong-secret|sk-canary/);
    });
  });
});
