// The hostile phase at the edges a web page, a rude client and a race reach (issue 29), against the
// tokenless local API as `npm start` serves it: a page from another origin in headless Chromium and
// a DNS-rebinding Host cannot pause, sell, cancel, order or read; connection-reset and
// /docs/assets floods raise no Telegram message; text PostgreSQL cannot store is refused and a
// pause always engages; 30 parallel orders keep the order limit; 200 live-stream clients that leave
// early free their slots; a reused idempotency key with another qty is a conflict; a broker refusal
// quoting our secret altered reaches no client.
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';

import { startTelegramServer, type TelegramServer } from '@trading/simulator';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';

import {
  ALPACA_SECRET,
  type ApiFixture,
  startApiFixture,
} from '../../services/api/src/testing/api-fixture.js';
import { launchChromium } from '../support/chromium.js';
import { CANARIES, closeKeepingOutput, keepEmitted, printTable, record } from './report.js';

const CHAT = 4242;
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** How many requests the API answered with `status` (its own counter, all routes). */
async function answered(api: ApiFixture, status: number): Promise<number> {
  const text = await api.metrics.registry.getSingleMetricAsString('http_requests_total');
  return text
    .split('\n')
    .filter((l) => l.includes(`status="${String(status)}"`))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

describe('reliability: hostile edges of the tokenless API (cross-site pages, floods, unstorable text, races)', function () {
  this.timeout(600_000);
  let api: ApiFixture;
  let telegram: TelegramServer;
  let browser: Browser | undefined;
  let evil: Server | undefined;
  const figures: Record<string, string | number>[] = [];

  before(async function () {
    telegram = await startTelegramServer({ token: CANARIES.TELEGRAM_BOT_TOKEN });
    api = await startApiFixture(this, {
      API_AUTH_TOKEN: '',
      API_ORDER_RATE_LIMIT_PER_MIN: '10',
      // Each check counts as its own client (X-Forwarded-For), so one's orders spend no other's limit.
      TRUSTED_PROXY: 'true',
      TELEGRAM_BOT_TOKEN: CANARIES.TELEGRAM_BOT_TOKEN,
      TELEGRAM_CHAT_ID: String(CHAT),
      TELEGRAM_BASE_URL: telegram.url,
    });
    api.alpaca.setPrice('GOOG', '100');
  });
  after(async () => {
    printTable('Hostile edges (issue 29)', figures);
    record('hostileEdges', figures);
    await browser?.close();
    evil?.close();
    await closeKeepingOutput(api);
    await telegram?.close();
  });

  it('1. a page from another origin, and a rebinding Host, cannot pause, sell, cancel, order or read', async function () {
    // What a visited page would hit: a position to force-exit and an open order to cancel.
    const bought = await api.call('POST', '/api/v1/orders', {
      body: { symbol: 'GOOG', side: 'buy', qty: 27 },
    });
    expect(bought.status).to.equal(201);
    await api.repos.positions.upsert({
      symbol: 'GOOG',
      qty: '27',
      avgCost: '100',
      marketPrice: '100',
      realizedPnl: '0',
      unrealizedPnl: '0',
    });
    const open = await api.call('POST', '/api/v1/orders', {
      body: { symbol: 'GOOG', side: 'buy', qty: 1, type: 'limit', limitPrice: '1' },
    });
    expect(open.status).to.equal(201);
    const openId = (open.body.data as { id: string }).id;
    const ordersBefore = api.alpaca.orders().length;
    const refusedBefore =
      (await answered(api, 403)) + (await answered(api, 415)) + (await answered(api, 421));

    const target = api.url;
    const page = `<!doctype html><meta charset="utf-8"><body>
<iframe name="sink"></iframe>
<script>
const API = ${JSON.stringify(target)};
function form(path, enctype, fields) {
  const f = document.createElement('form');
  f.method = 'POST'; f.action = API + path; f.enctype = enctype; f.target = 'sink';
  for (const [k, v] of Object.entries(fields)) {
    const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i);
  }
  document.body.appendChild(f);
  return new Promise((resolve) => { document.querySelector('iframe').onload = resolve; f.submit(); setTimeout(resolve, 3000); });
}
window.attack = async () => {
  const out = {};
  await fetch(API + '/api/v1/control/pause', { method: 'POST', mode: 'no-cors', body: '{"reason":"pwned"}' }).catch(() => {});
  await fetch(API + '/api/v1/control/pause', { method: 'POST', mode: 'no-cors' }).catch(() => {});
  await fetch(API + '/api/v1/orders/${openId}/cancel', { method: 'POST', mode: 'no-cors' }).catch(() => {});
  try {
    const r = await fetch(API + '/api/v1/orders', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ symbol: 'GOOG', side: 'sell', qty: 27 }) });
    out.jsonOrder = r.status;
  } catch { out.jsonOrder = 'blocked'; }
  try { out.read = (await fetch(API + '/api/v1/summary')).status; } catch { out.read = 'blocked'; }
  await form('/api/v1/positions/GOOG/close', 'text/plain', { '{"x":"': '"}' });
  await form('/api/v1/control/pause', 'application/x-www-form-urlencoded', { reason: 'pwned' });
  await form('/api/v1/orders/${openId}/cancel', 'multipart/form-data', { a: 'b' });
  return out;
};
</script>`;
    evil = createServer((_, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page);
    });
    await new Promise<void>((resolve) => evil?.listen(0, '127.0.0.1', resolve));
    const evilPort = (evil.address() as { port: number }).port;
    const apiPort = new URL(api.url).port;

    // DNS rebinding as a resolver would do it: the attacker's name answers with loopback.
    browser = await launchChromium(this, ['--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1']);
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${String(evilPort)}/`);
    const crossSite = await tab.evaluate(async () =>
      (window as unknown as { attack: () => Promise<Record<string, unknown>> }).attack(),
    );

    // Rebinding: the page's origin is the attacker's name on the API's port, so the browser calls it
    // same-origin; only the Host tells.
    await tab.goto(`http://rebind.attacker.test:${apiPort}/`);
    const rebound = await tab.evaluate(async () => {
      const read = await fetch('/api/v1/summary');
      const order = await fetch('/api/v1/orders', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ symbol: 'GOOG', side: 'sell', qty: 27 }),
      });
      return { read: read.status, readBody: await read.text(), order: order.status };
    });

    const refused =
      (await answered(api, 403)) + (await answered(api, 415)) + (await answered(api, 421)) - refusedBefore;
    const control = await api.repos.control.get();
    const cancelled = (await api.repos.orders.get(openId))?.status;
    figures.push({
      check: 'cross-site page + rebinding',
      attempts: 9,
      refused,
      paused: String(control.paused),
      ordersSent: api.alpaca.orders().length - ordersBefore,
      detail: JSON.stringify({ ...crossSite, rebindRead: rebound.read, rebindOrder: rebound.order }),
    });
    expect(control.paused).to.equal(false);
    expect(api.alpaca.orders().length).to.equal(ordersBefore);
    expect(cancelled).not.to.equal('canceled');
    expect(crossSite.read).to.equal('blocked');
    expect(crossSite.jsonOrder).to.equal('blocked');
    expect(rebound).to.deep.include({ read: 421, order: 421 });
    expect(rebound.readBody).not.to.include('portfolio');
    expect(refused).to.be.at.least(7);
  });

  it('3. connection-reset and /docs/assets floods raise 0 Telegram messages; a real alert still goes', async () => {
    const before = telegram.messages.length;
    const fatalsBefore = api.fatals.length;
    const { port } = new URL(api.url);
    for (let i = 0; i < 100; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(`GET /api/v1/summary HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
          socket.resetAndDestroy();
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }
    const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', '..%2Fpackage.json'];
    const statuses = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${api.url}/docs/assets/${names[i % names.length] ?? ''}`);
      statuses.add(res.status);
      keepEmitted('apiAnswers', await res.text());
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const flood = telegram.messages.length - before;
    // The channel works: a trader's action is announced.
    await api.controls.pause('api', 'flood check');
    await api.controls.resume('api');
    for (let i = 0; i < 50 && telegram.messages.length - before < flood + 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    figures.push({
      check: 'reset + /docs/assets floods',
      attempts: 300,
      refused: [...statuses].join('/'),
      paused: 'false',
      ordersSent: 0,
      detail: JSON.stringify({ telegramFromFloods: flood, fatals: api.fatals.length - fatalsBefore }),
    });
    expect(telegram.messages.slice(before, before + flood)).to.deep.equal([]);
    expect(api.fatals.length - fatalsBefore).to.equal(0);
    expect([...statuses]).to.deep.equal([404]);
    expect(telegram.messages.length - before).to.equal(2);
  });

  it('4. NUL and lone surrogates are refused with 400; a pause always engages (API and Telegram path)', async () => {
    const texts = ['halt\u0000now', 'halt\ud800', '\udc00'];
    const statuses: number[] = [];
    for (const reason of texts)
      statuses.push((await api.call('POST', '/api/v1/control/pause', { body: { reason } })).status);
    const refusedUnpaused = !(await api.repos.control.get()).paused;
    const ok = await api.call('POST', '/api/v1/control/pause', { body: { reason: 'halt now' } });
    await api.controls.resume('api');
    const viaBot = await api.controls.pause('telegram', 'halt\u0000now');
    await api.controls.resume('api');
    figures.push({
      check: 'unstorable text',
      attempts: 5,
      refused: statuses.filter((s) => s === 400).length,
      paused: `${String(ok.status === 200)}/${String(viaBot.paused)}`,
      ordersSent: 0,
      detail: JSON.stringify({ statuses }),
    });
    expect(statuses).to.deep.equal([400, 400, 400]);
    expect(refusedUnpaused).to.equal(true);
    expect(ok.status).to.equal(200);
    expect(viaBot.paused).to.equal(true);
  });

  it('5. 30 parallel orders with API_ORDER_RATE_LIMIT_PER_MIN=10: at most 10 placed', async () => {
    const ordersBefore = api.alpaca.orders().length;
    const answers = await Promise.all(
      Array.from({ length: 30 }, async () =>
        api.call('POST', '/api/v1/orders', {
          headers: { ...JSON_TYPE, 'X-Forwarded-For': '203.0.113.50' },
          body: { symbol: 'GOOG', side: 'sell', qty: 1 },
        }),
      ),
    );
    const byStatus: Record<number, number> = {};
    for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    const sent = api.alpaca.orders().length - ordersBefore;
    figures.push({
      check: '30 parallel orders, limit 10',
      attempts: 30,
      refused: byStatus[429] ?? 0,
      paused: 'false',
      ordersSent: sent,
      detail: JSON.stringify(byStatus),
    });
    expect(sent).to.be.at.least(1).and.at.most(10);
    expect(byStatus[201] ?? 0).to.equal(sent);
  });

  it('6. 200 live-stream clients that disconnect early leave the count at 0; the next one is served', async () => {
    const { request } = await import('node:http');
    const { port } = new URL(api.url);
    await Promise.all(
      Array.from(
        { length: 200 },
        async (_, i) =>
          new Promise<void>((resolve) => {
            const req = request({ host: '127.0.0.1', port, path: '/api/v1/stream', agent: false }, (res) => {
              res.resume();
            });
            req.on('error', () => resolve());
            req.on('close', () => resolve());
            req.end();
            setTimeout(() => req.destroy(), i % 10);
          }),
      ),
    );
    let clients = -1;
    for (let i = 0; i < 100; i++) {
      const text = await api.metrics.registry.getSingleMetricAsString('api_stream_clients');
      clients = Number(/api_stream_clients\S* (\d+)/.exec(text)?.[1] ?? -1);
      if (clients === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const next = await fetch(`${api.url}/api/v1/stream`);
    const nextStatus = next.status;
    await next.body?.cancel();
    figures.push({
      check: '200 early-leaving stream clients',
      attempts: 200,
      refused: 0,
      paused: 'false',
      ordersSent: 0,
      detail: JSON.stringify({ clientsAfter: clients, next: nextStatus }),
    });
    expect(clients).to.equal(0);
    expect(nextStatus).to.equal(200);
  });

  it('7–8. a reused idempotency key with another qty is a 409; a refusal quoting our secret altered reaches no client', async () => {
    const client = { ...JSON_TYPE, 'X-Forwarded-For': '203.0.113.78' };
    const first = await api.call('POST', '/api/v1/orders', {
      headers: client,
      body: { symbol: 'GOOG', side: 'buy', qty: 1, idempotencyKey: 'edge-1' },
    });
    const reused = await api.call('POST', '/api/v1/orders', {
      headers: client,
      body: { symbol: 'GOOG', side: 'buy', qty: 5, idempotencyKey: 'edge-1' },
    });
    api.alpaca.faults.set({
      mode: 'refuse',
      status: 403,
      times: 1,
      path: /^\/v2\/orders$/,
      message: `key ${Buffer.from(`key:${ALPACA_SECRET}`).toString('base64')} / ${ALPACA_SECRET.toUpperCase().slice(0, -1)}`,
    });
    const refusedByBroker = await api.call('POST', '/api/v1/orders', {
      headers: client,
      body: { symbol: 'GOOG', side: 'buy', qty: 1, idempotencyKey: 'edge-2' },
    });
    const seen = JSON.stringify((await api.call('GET', '/api/v1/summary')).body);
    keepEmitted('apiAnswers', seen);
    const leaked = [
      ALPACA_SECRET.slice(0, 8),
      Buffer.from(`key:${ALPACA_SECRET}`).toString('base64').slice(0, 12),
    ].filter((s) => seen.toLowerCase().includes(s.toLowerCase()));
    figures.push({
      check: 'idempotency + altered secrets',
      attempts: 3,
      refused: reused.status,
      paused: 'false',
      ordersSent: first.status === 201 ? 1 : 0,
      detail: JSON.stringify({ reused: reused.status, leaked: leaked.length }),
    });
    expect(first.status).to.equal(201);
    expect(reused.status).to.equal(409);
    expect(refusedByBroker.status).to.equal(422);
    expect(leaked).to.deep.equal([]);
  });
});
