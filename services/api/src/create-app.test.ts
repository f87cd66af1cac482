import { migrateLatest } from '@trading/migrations';
import {
  createDb,
  createMetrics,
  createRepositories,
  type Db,
  type HttpServer,
  listen,
  loadConfig,
  type Repositories,
} from '@trading/shared';
import { expect } from 'chai';

import { captureLogger } from '../../../shared/src/test-support/capture-logger.js';
import { createPostgresDatabase } from '../../../shared/src/test-support/databases.js';
import { requirePostgres } from '../../../test/support/requirements.js';
import { createApp } from './create-app.js';

const TOKEN = 'api-canary-token-5c1d';

describe('API app (real PostgreSQL): auth, CORS, validation, errors, signals', function () {
  this.timeout(30_000);
  let db: Db;
  let repos: Repositories;
  let server: HttpServer;
  let drop: () => Promise<void>;
  const captured = captureLogger();

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    const config = loadConfig({
      DATABASE_URL: pg.url,
      API_AUTH_TOKEN: TOKEN,
      CORS_ORIGINS: 'http://localhost:3000,https://desk.example',
    });
    db = createDb(config);
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    for (let d = 1; d <= 3; d++) {
      for (const symbol of ['GOOG', 'MSFT']) {
        await repos.signals.insertOnce({
          symbol,
          strategy: d === 3 ? 'rsi-reversion' : 'sma-cross',
          side: 'buy',
          strength: '1',
          price: '100',
          params: {},
          reason: `signal ${symbol} ${d}`,
          timeframe: '1Day',
          barTs: new Date(Date.UTC(2024, 0, d)),
        });
      }
    }
    const app = createApp({
      config,
      repos,
      logger: captured.logger,
      metrics: createMetrics('api'),
      checks: { database: async () => db.ping() },
    });
    server = await listen(app.callback(), 0, '127.0.0.1');
  });
  after(async () => {
    await server.close();
    await db.close();
    await drop();
  });

  const get = async (
    path: string,
    headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` },
  ) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers });
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json().catch(() => undefined)) as Record<string, unknown>,
    };
  };

  describe('auth', () => {
    it('answers 401 with WWW-Authenticate: Bearer and the error shape when the token is missing', async () => {
      const res = await get('/api/v1/signals', {});
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
        const res = await get('/api/v1/signals', { Authorization: header });
        expect(res.status, header.slice(0, 20)).to.equal(401);
        expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
        expect(JSON.stringify(res.body)).not.to.include(TOKEN);
      }
    });

    it('leaves /health and /metrics open', async () => {
      expect((await get('/health', {})).body).to.deep.equal({ status: 'ok' });
      const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(metrics.status).to.equal(200);
    });
  });

  describe('CORS', () => {
    it('allows a listed origin for GET and POST with Authorization and Content-Type', async () => {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/signals`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://desk.example',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization',
        },
      });
      expect(res.headers.get('access-control-allow-origin')).to.equal('https://desk.example');
      expect(res.headers.get('access-control-allow-methods')).to.equal('GET,POST');
      expect(res.headers.get('access-control-allow-headers')).to.equal('Authorization,Content-Type');
    });

    it('gives an origin not on the list no CORS headers', async () => {
      const res = await get('/api/v1/signals', {
        Authorization: `Bearer ${TOKEN}`,
        Origin: 'https://evil.example',
      });
      expect(res.status).to.equal(200);
      expect(res.headers.get('access-control-allow-origin')).to.equal(null);
    });
  });

  describe('GET /api/v1/signals', () => {
    it('lists signals newest first with the page it served', async () => {
      const res = await get('/api/v1/signals?days=365');
      const data = res.body.data as { symbol: string; reason: string }[];
      expect(res.status).to.equal(200);
      expect(data).to.have.length(6);
      expect(res.body.page).to.deep.equal({ limit: 50, offset: 0 });
    });

    it('filters by symbol and strategy and pages with a stable order', async () => {
      const goog = (await get('/api/v1/signals?symbol=GOOG&strategy=sma-cross')).body.data as {
        symbol: string;
        strategy: string;
      }[];
      expect(goog.map((s) => [s.symbol, s.strategy])).to.deep.equal([
        ['GOOG', 'sma-cross'],
        ['GOOG', 'sma-cross'],
      ]);
      const p1 = (await get('/api/v1/signals?limit=4')).body.data as { id: string }[];
      const p2 = (await get('/api/v1/signals?limit=4&offset=4')).body.data as { id: string }[];
      expect(new Set([...p1, ...p2].map((s) => s.id)).size).to.equal(6);
    });

    const bad: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['days=0', 'days'],
      ['days=366', 'days'],
      ['symbol=goog', 'symbol'],
      ['symbol=TOOLONG', 'symbol'],
      ['color=red', 'color'],
      ['offset=-1', 'offset'],
    ];
    for (const [query, field] of bad) {
      it(`answers 400 naming ${field} for ?${query}`, async () => {
        const res = await get(`/api/v1/signals?${query}`);
        expect(res.status).to.equal(400);
        const error = res.body.error as { code: string; details: { field: string }[] };
        expect(error.code).to.equal('VALIDATION_FAILED');
        expect(error.details.map((d) => d.field)).to.include(field);
      });
    }
  });

  it('answers unknown routes and methods with the JSON error shape, not a 500', async () => {
    expect(await get('/api/v1/nothing')).to.deep.include({ status: 404 });
    expect((await get('/nope', {})).body).to.deep.equal({
      error: { code: 'NOT_FOUND', message: 'no route for GET /nope' },
    });
    const res = await fetch(`http://127.0.0.1:${server.port}/health`, { method: 'DELETE' });
    expect(res.status).to.equal(405);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('METHOD_NOT_ALLOWED');
  });

  it('never writes the token to a log line', () => {
    expect(captured.lines.join('\n')).not.to.include(TOKEN);
  });
});

describe('API app in dev mode (no API_AUTH_TOKEN)', () => {
  it('lets requests through and warns once at start', async () => {
    const captured = captureLogger();
    const config = loadConfig({ DATA_DIR: 'memory://' });
    const db = createDb(config);
    await migrateLatest(db.knex);
    const app = createApp({
      config,
      repos: createRepositories(db.knex),
      logger: captured.logger,
      metrics: createMetrics('api'),
    });
    const server = await listen(app.callback(), 0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/signals`);
    await server.close();
    await db.close();
    expect(res.status).to.equal(200);
    expect(captured.records().filter((r) => String(r.message).includes('dev mode'))).to.have.length(1);
  });
});
