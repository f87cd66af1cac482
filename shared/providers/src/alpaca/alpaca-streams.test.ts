import { createMetrics, loadConfig, Secret } from '@trading/platform';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { captureLogger, waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { reconnectDelay } from '../stream/reconnecting-socket.js';
import { AlpacaMarketStream, type StreamBar } from './alpaca-market-stream.js';
import { AlpacaTradeStream, type TradeUpdate } from './alpaca-trade-stream.js';
import { AlpacaTradingClient } from './alpaca-trading-client.js';

const KEY = 'PK-stream-canary-7e1';
const SECRET = 'sk-stream-canary-c03';
const FAST = { initialDelayMs: 20, maxDelayMs: 200, heartbeatMs: 100 };

const bar = (minute: number, close = 100 + minute) => ({
  t: new Date(Date.UTC(2026, 10, 27, 15, minute)).toISOString(),
  o: close,
  h: close + 1,
  l: close - 1,
  c: close,
  v: 1000,
});

describe('reconnectDelay', () => {
  const policy = { initialDelayMs: 1000, maxDelayMs: 30_000 };

  it('doubles its ceiling per attempt up to the maximum, with full jitter', () => {
    expect(reconnectDelay(policy, 0, false, 0.999)).to.be.closeTo(999, 1);
    expect(reconnectDelay(policy, 3, false, 0.5)).to.equal(4000);
    expect(reconnectDelay(policy, 20, false, 0.999)).to.be.closeTo(29_970, 1);
    expect(reconnectDelay(policy, 5, false, 0)).to.equal(0);
  });

  it('after a refusal waits at least a quarter of the maximum', () => {
    expect(reconnectDelay(policy, 0, true, 0)).to.equal(7500);
    expect(reconnectDelay(policy, 0, true, 0.999)).to.be.closeTo(7500, 1);
    expect(reconnectDelay(policy, 10, true, 0.5)).to.equal(18_750);
  });
});

describe('Alpaca streams against the local Alpaca server', function () {
  this.timeout(20_000);
  let server: AlpacaServer;
  const closers: { close(): Promise<void> }[] = [];
  const config = (extra: Record<string, string> = {}) =>
    loadConfig({
      ALPACA_API_KEY: KEY,
      ALPACA_API_SECRET: SECRET,
      ALPACA_TRADING_URL: server.url,
      ALPACA_DATA_URL: server.url,
      ALPACA_DATA_STREAM_URL: `${server.url.replace('http', 'ws')}/v2`,
      ...extra,
    });

  function marketStream(options: { extra?: Record<string, string>; symbols?: string[] } = {}) {
    const bars: StreamBar[] = [];
    const subscribed: { symbols: string[]; first: boolean }[] = [];
    const log = captureLogger([new Secret(KEY), new Secret(SECRET)]);
    const metrics = createMetrics('stream-test');
    const stream = new AlpacaMarketStream({
      config: config(options.extra),
      channels: ['bars', 'updatedBars'],
      logger: log.logger,
      metrics,
      policy: FAST,
      handler: {
        onBars: async (b) => {
          bars.push(...b);
          return Promise.resolve();
        },
        onSubscribed: async (symbols, first) => {
          subscribed.push({ symbols, first });
          return Promise.resolve();
        },
      },
    });
    stream.start(options.symbols ?? ['GOOG']);
    closers.push(stream);
    return { stream, bars, subscribed, log, metrics };
  }

  beforeEach(async () => {
    server = await startAlpacaServer({ keyId: KEY, secretKey: SECRET, feeds: ['iex'] });
    server.setBars('GOOG', [bar(0)]);
    server.setBars('MSFT', [bar(0, 400)]);
  });
  afterEach(async () => {
    for (const c of closers.splice(0)) await c.close();
    await server.close();
  });

  it('market data: authenticates, subscribes the watch list and hands bars over in order', async () => {
    const { stream, bars, subscribed } = marketStream();
    await waitFor(() => stream.live, { what: 'live' });
    expect(server.streams.subscribed()).to.deep.equal(['GOOG']);
    expect(subscribed).to.deep.equal([{ symbols: ['GOOG'], first: true }]);
    server.setBars('GOOG', [bar(0), bar(1), bar(2)]);
    server.setBars('MSFT', [bar(0, 400), bar(1, 401)]);
    await waitFor(() => bars.length === 2, { what: 'two bars' });
    await stream.idle();
    expect(bars.map((b) => [b.symbol, b.ts.toISOString(), b.close, b.channel])).to.deep.equal([
      ['GOOG', bar(1).t, 101, 'bars'],
      ['GOOG', bar(2).t, 102, 'bars'],
    ]);
  });

  it('market data: follows watch-list changes on the same connection', async () => {
    const { stream, bars, subscribed } = marketStream();
    await waitFor(() => stream.live, { what: 'live' });
    stream.setSymbols(['MSFT']);
    await waitFor(() => server.streams.subscribed().join() === 'MSFT', { what: 'MSFT only' });
    await stream.idle();
    expect(subscribed.at(-1)).to.deep.equal({ symbols: ['MSFT'], first: false });
    server.setBars('GOOG', [bar(0), bar(1)]);
    server.setBars('MSFT', [bar(0, 400), bar(1, 401)]);
    await waitFor(() => bars.length === 1, { what: 'the MSFT bar' });
    expect(bars[0]?.symbol).to.equal('MSFT');
    expect(server.streams.handshakes().data).to.equal(1);
  });

  it('market data: bars of a symbol or a channel not subscribed are counted and dropped, never handed over', async () => {
    const { stream, bars, metrics } = marketStream();
    await waitFor(() => stream.live, { what: 'live' });
    server.streams.sendRaw([
      { T: 'b', S: 'ROGU', ...bar(1, 50) },
      { T: 'd', S: 'GOOG', ...bar(1, 100) },
      { T: 'b', S: 'MSFT', ...bar(1, 400) },
      { T: 'b', S: 'GOOG', ...bar(1, 101) },
    ]);
    await waitFor(() => bars.length === 1, { what: 'the GOOG bar' });
    await stream.idle();
    expect(bars.map((b) => [b.symbol, b.channel])).to.deep.equal([['GOOG', 'bars']]);
    const stray = await metrics.registry.getSingleMetricAsString('alpaca_stream_stray_bars_total');
    expect(stray)
      .to.match(/channel="bars"[^}]*} 2/)
      .and.to.match(/channel="dailyBars"[^}]*} 1/);
  });

  it('market data: a corrected bar arrives on updatedBars', async () => {
    const { stream, bars } = marketStream();
    await waitFor(() => stream.live, { what: 'live' });
    server.setBars('GOOG', [{ ...bar(0), c: 100.5, h: 101 }]);
    await waitFor(() => bars.length === 1, { what: 'the update' });
    expect(bars[0]).to.deep.include({ channel: 'updatedBars', close: 100.5 });
  });

  it('market data: a dropped connection is reopened and resubscribed, announced as a first subscription', async () => {
    const { stream, subscribed, metrics } = marketStream();
    await waitFor(() => stream.live, { what: 'live' });
    server.streams.drop();
    await waitFor(() => server.streams.handshakes().data >= 2 && stream.live, { what: 'live again' });
    await stream.idle();
    expect(subscribed.filter((s) => s.first)).to.have.length(2);
    const text = await metrics.registry.metrics();
    expect(text).to.match(/alpaca_stream_reconnects_total\{[^}]*stream="market-data"[^}]*\} [1-9]/);
    expect(text).to.match(/alpaca_stream_connected\{[^}]*stream="market-data"[^}]*\} 1/);
  });

  it('POST /__streams injects a stream fault from another process; an unknown one is a 400', async () => {
    const { stream } = marketStream();
    await waitFor(() => stream.live, { what: 'live' });
    const post = async (body: unknown) =>
      fetch(`${server.url}/__streams`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ action: 'drop' })).status).to.equal(204);
    await waitFor(() => server.streams.handshakes().data >= 2 && stream.live, { what: 'reopened' });
    expect((await post({ action: 'melt' })).status).to.equal(400);
  });

  it('market data: a silent connection (no data, pings unanswered) is cut and reopened', async () => {
    const { stream, log } = marketStream();
    await waitFor(() => stream.live, { what: 'live' });
    server.streams.stall();
    await waitFor(() => server.streams.handshakes().data >= 2 && stream.live, { what: 'reopened' });
    expect(log.lines.some((l) => l.includes('stream silent'))).to.equal(true);
  });

  it('market data: refused authentication keeps it down, says so without the key, then recovers', async () => {
    server.streams.refuseAuth(400);
    const { stream, log, metrics } = marketStream();
    await waitFor(async () => (await metrics.registry.metrics()).includes('code="402"'), { what: '402' });
    expect(stream.live).to.equal(false);
    await waitFor(() => stream.live, { what: 'live after the refusal' });
    const text = log.lines.join('\n');
    expect(text).to.include('402 auth failed');
    expect(text).not.to.include(KEY);
    expect(text).not.to.include(SECRET);
  });

  it('market data: a second connection of the account is refused with 406, the first stays live', async () => {
    const first = marketStream();
    await waitFor(() => first.stream.live, { what: 'first live' });
    const second = marketStream();
    await waitFor(async () => (await second.metrics.registry.metrics()).includes('code="406"'), {
      what: '406',
    });
    expect(second.stream.live).to.equal(false);
    expect(first.stream.live).to.equal(true);
  });

  it('market data: a feed the plan lacks is refused with 409 and never goes live', async () => {
    const { stream, metrics } = marketStream({ extra: { ALPACA_DATA_FEED: 'sip' } });
    await waitFor(async () => (await metrics.registry.metrics()).includes('code="409"'), { what: '409' });
    expect(stream.live).to.equal(false);
  });

  it('trade updates: listens, and binary frames bring new and fill with the order and its execution', async () => {
    const updates: TradeUpdate[] = [];
    let listening = 0;
    const cfg = config();
    const stream = new AlpacaTradeStream({
      config: cfg,
      logger: captureLogger().logger,
      policy: FAST,
      handler: {
        onUpdate: async (u) => {
          updates.push(u);
          return Promise.resolve();
        },
        onListening: async () => {
          listening++;
          return Promise.resolve();
        },
      },
    });
    closers.push(stream);
    stream.start();
    await waitFor(() => stream.live, { what: 'listening' });
    const trading = AlpacaTradingClient.fromConfig(cfg);
    closers.push(trading);
    await trading.submitOrder({
      clientOrderId: 'stream-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: '2',
      type: 'market',
    });
    await waitFor(() => updates.length === 2, { what: 'new and fill' });
    expect(
      updates.map((u) => [u.event, u.order.clientOrderId, u.order.status, u.order.filledQty]),
    ).to.deep.equal([
      ['new', 'stream-1', 'accepted', '0'],
      ['fill', 'stream-1', 'filled', '2'],
    ]);
    expect(updates[1]?.executionId).to.be.a('string');
    expect(listening).to.equal(1);
    server.streams.drop();
    await waitFor(() => listening === 2 && stream.live, { what: 'listening again' });
  });

  it('trade updates: refused keys keep it down', async () => {
    const stream = new AlpacaTradeStream({
      config: config({ ALPACA_API_SECRET: 'wrong' }),
      logger: captureLogger().logger,
      policy: FAST,
      handler: { onUpdate: async () => Promise.resolve(), onListening: async () => Promise.resolve() },
    });
    closers.push(stream);
    stream.start();
    await waitFor(() => server.streams.handshakes().trading >= 1, { what: 'a handshake' });
    await new Promise((r) => setTimeout(r, 100));
    expect(stream.live).to.equal(false);
  });
});
