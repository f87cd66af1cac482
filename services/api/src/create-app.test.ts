import { createBroker } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, listen, loadConfig } from '@trading/platform';
import { AlpacaMarketDataClient, AlpacaTradingClient, TelegramNotifier } from '@trading/providers';
import { createDb, createRepositories } from '@trading/store';
import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';

import { createApp } from './create-app.js';
import { BoundedMap } from './entry-points/http/rate-limit.js';
import { ALPACA_SECRET, type ApiFixture, startApiFixture, TOKEN } from './testing/api-fixture.js';

describe('API app (real PostgreSQL and Redis): auth, CORS, errors, health, docs', function () {
  this.timeout(30_000);
  let api: ApiFixture;

  before(async function () {
    api = await startApiFixture(this);
  });
  after(async () => {
    await api?.close();
  });

  describe('auth', () => {
    it('answers 401 with WWW-Authenticate: Bearer and the error shape when the token is missing', async () => {
      const res = await api.call('GET', '/api/v1/signals', { headers: {} });
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.equal('Bearer');
      expect(res.body).to.deep.equal({ error: { code: 'UNAUTHORIZED', message: 'missing bearer token' } });
    });

    it('answers 401 for a wrong, an oversized or a malformed token, never echoing the secret', async () => {
      for (const header of [
        'Bearer wrong',
        `Bearer ${'x'.repeat(10_000)}`,
        'Basic abc',
        `bearer ${TOKEN}x`,
      ]) {
        const res = await api.call('GET', '/api/v1/signals', { headers: { Authorization: header } });
        expect(res.status, header.slice(0, 20)).to.equal(401);
        expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
        expect(JSON.stringify(res.body)).not.to.include(TOKEN);
      }
    });

    it('guards every /api/v1 endpoint, POSTs included', async () => {
      for (const [method, path] of [
        ['GET', '/api/v1/summary'],
        ['GET', '/api/v1/orders'],
        ['POST', '/api/v1/orders'],
        ['POST', '/api/v1/backtests'],
        ['GET', '/api/v1/strategies'],
      ] as const) {
        const res = await api.call(method, path, { headers: {}, body: {} });
        expect(res.status, `${method} ${path}`).to.equal(401);
      }
    });

    it('leaves /health, /openapi.json and /docs open; /metrics is not on the public port', async () => {
      const health = await api.call('GET', '/health', { headers: {} });
      expect(health.status).to.equal(200);
      expect(health.body).to.deep.equal({ status: 'ok', checks: { database: 'ok', broker: 'ok' } });
      for (const path of ['/openapi.json', '/docs']) {
        expect((await fetch(`${api.url}${path}`)).status, path).to.equal(200);
      }
      for (const path of ['/metrics', '/METRICS', '/metrics/']) {
        expect((await fetch(`${api.url}${path}`)).status, path).to.equal(404);
      }
    });
  });

  describe('CORS', () => {
    it('allows a listed origin for GET and POST with Authorization and Content-Type', async () => {
      const res = await fetch(`${api.url}/api/v1/signals`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://desk.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
      expect(res.status).to.equal(204);
      expect(res.headers.get('access-control-allow-origin')).to.equal('https://desk.example');
      expect(res.headers.get('access-control-allow-methods')).to.equal('GET,POST');
      expect(res.headers.get('access-control-allow-headers')).to.equal('Authorization,Content-Type');
    });

    it('gives an origin not on the list no CORS headers, on preflight and on the request', async () => {
      const preflight = await fetch(`${api.url}/api/v1/signals`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).to.equal(null);
      const res = await api.call('GET', '/api/v1/signals', {
        headers: { Authorization: `Bearer ${TOKEN}`, Origin: 'https://evil.example' },
      });
      expect(res.status).to.equal(403);
      expect((res.body.error as { code: string }).code).to.equal('CROSS_ORIGIN_REFUSED');
      expect(res.headers.get('access-control-allow-origin')).to.equal(null);
    });
  });

  describe('errors', () => {
    it('answers unknown routes and methods with the JSON error shape', async () => {
      expect((await api.call('GET', '/api/v1/nothing')).status).to.equal(404);
      expect((await api.call('GET', '/nope', { headers: {} })).body).to.deep.equal({
        error: { code: 'NOT_FOUND', message: 'no route for GET /nope' },
      });
      const res = await api.call('DELETE', '/health', { headers: {} });
      expect(res.status).to.equal(405);
      expect((res.body.error as { code: string }).code).to.equal('METHOD_NOT_ALLOWED');
    });

    it('answers malformed JSON, a wrong content type and an oversized body with 4xx JSON, never 500', async () => {
      const cases: [Record<string, string>, string, number][] = [
        [{ 'Content-Type': 'application/json' }, '{"symbol": "GOOG",', 400],
        [{ 'Content-Type': 'text/plain' }, 'symbol=GOOG', 415],
        [{ 'Content-Type': 'application/json' }, JSON.stringify({ symbol: 'x'.repeat(100_000) }), 413],
      ];
      for (const [headers, raw, status] of cases) {
        const res = await api.call('POST', '/api/v1/backtests', {
          raw,
          headers: { Authorization: `Bearer ${TOKEN}`, ...headers },
        });
        expect(res.status, raw.slice(0, 20)).to.equal(status);
        expect(res.body).to.have.nested.property('error.code').that.is.a('string');
      }
    });
  });

  describe('client floods raise no alert', () => {
    it('connections reset right after a request: each counted by the rate limit, none reaches the top-level handler', async () => {
      const { connect } = await import('node:net');
      const { port } = new URL(api.url);
      const before = api.fatals.length;
      for (let i = 0; i < 100; i++) {
        await new Promise<void>((resolve) => {
          const socket = connect(Number(port), '127.0.0.1', () => {
            socket.write(
              `GET /api/v1/summary HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
            );
            socket.resetAndDestroy();
          });
          socket.on('close', () => resolve());
          socket.on('error', () => resolve());
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(api.fatals.slice(before).map(String)).to.deep.equal([]);
      expect(await api.metrics.registry.getSingleMetricAsString('errors_total')).not.to.match(
        /kind="fatal"\} [1-9]/,
      );
    });

    it('/docs/assets/<an Object.prototype member>: 404, no file read, no alert', async () => {
      const before = api.fatals.length;
      for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
        const res = await api.call('GET', `/docs/assets/${name}`, { headers: {} });
        expect(res.status, name).to.equal(404);
        expect(JSON.stringify(res.body)).not.to.include('node_modules');
      }
      expect(api.fatals.slice(before)).to.deep.equal([]);
    });
  });

  describe('/openapi.json and /docs', () => {
    it('documents every endpoint with its parameters, bodies, answers and bearer security', async () => {
      const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
        components: { securitySchemes: Record<string, unknown> };
      };
      expect(doc.openapi).to.equal('3.0.3');
      const operations = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
      expect(operations).to.include.members([
        'getSummary',
        'listSignals',
        'listOrders',
        'getOrder',
        'placeOrder',
        'cancelOrder',
        'listTrades',
        'listPositions',
        'getPortfolio',
        'getPortfolioHistory',
        'listScores',
        'listStrategies',
        'queueBacktest',
        'getBacktest',
        'listCandles',
      ]);
      expect(doc.paths['/api/v1/orders/{id}']?.get?.responses).to.include.keys('200', '401', '404', '429');
      expect(doc.components.securitySchemes).to.have.key('bearerAuth');
    });

    it('serves the docs page and its assets locally (no CDN), with a CSP that allows only this origin', async () => {
      const page = await fetch(`${api.url}/docs`);
      const html = await page.text();
      expect(page.headers.get('content-security-policy')).to.include("script-src 'self'");
      expect(html).not.to.match(/https?:\/\//);
      for (const asset of html.match(/\/docs\/assets\/[\w.-]+/g) ?? []) {
        const res = await fetch(`${api.url}${asset}`);
        expect(res.status, asset).to.equal(200);
        expect((await res.arrayBuffer()).byteLength, asset).to.be.greaterThan(10);
      }
      expect((await fetch(`${api.url}/docs/assets/../../package.json`)).status).to.equal(404);
    });
  });

  it('counts requests by route pattern in its metrics (served on HEALTH_PORT)', async () => {
    await api.call('GET', '/api/v1/strategies');
    const text = await api.metrics.registry.metrics();
    expect(text).to.match(/http_requests_total\{[^}]*route="\/api\/v1\/strategies"[^}]*status="200"/);
  });

  it('never answers with a secret: every documented GET, errors and failures included', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const paths = Object.keys(doc.paths).map((p) =>
      p.replace('{id}', '00000000-0000-4000-8000-000000000000').replace('{symbol}', 'GOOG'),
    );
    api.alpaca.faults.set({ mode: 'error500' });
    try {
      const answers = await Promise.all([
        ...paths.map(async (p) => api.call('GET', p)),
        api.call('GET', '/api/v1/signals?symbol=bad'),
        api.call('POST', '/api/v1/orders', {
          body: { symbol: 'GOOG', side: 'buy', qty: 1, type: 'limit', limitPrice: '1' },
        }),
        api.call('GET', '/health', { headers: {} }),
        api.call('GET', '/metrics', { headers: {} }),
      ]);
      expect(answers.map((a) => a.status)).to.include(503);
      for (const a of answers) {
        let text = JSON.stringify(a.body);
        a.headers.forEach((value, name) => {
          text += `${name}: ${value}\n`;
        });
        expect(text).not.to.include(TOKEN);
        expect(text).not.to.include(ALPACA_SECRET);
      }
    } finally {
      api.alpaca.faults.clear();
    }
  });

  it('never writes the API token or the broker secret to a log line', () => {
    const all = api.captured.lines.join('\n');
    expect(all).not.to.include(TOKEN);
    expect(all).not.to.include(ALPACA_SECRET);
  });
});

describe('API app in dev mode (no API_AUTH_TOKEN), embedded database and broker', () => {
  it('lets requests through and warns once at start', async () => {
    const captured = captureLogger();
    const config = loadConfig({ DATA_DIR: 'memory://' });
    const db = createDb(config);
    await migrateLatest(db.knex);
    const broker = await createBroker(config, { logger: captured.logger });
    const trading = AlpacaTradingClient.fromConfig(config);
    const prices = AlpacaMarketDataClient.fromConfig(config);
    const app = createApp({
      config,
      repos: createRepositories(db.knex),
      broker,
      trading,
      prices,
      notifier: new TelegramNotifier(config),
      logger: captured.logger,
      metrics: createMetrics('api'),
      rateLimitStore: { driver: 'memory', db: new BoundedMap(10) },
      enforceResponseSchemas: true,
    });
    const server = await listen(app.callback(), 0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${String(server.port)}/api/v1/summary`);
    await server.close();
    await trading.close();
    await prices.close();
    await broker.close();
    await db.close();
    expect(res.status).to.equal(200);
    expect(captured.records().filter((r) => String(r.message).includes('dev mode'))).to.have.length(1);
  });
});
