import { expect } from 'chai';

import { type ApiFixture, startApiFixture, TOKEN } from '../../testing/api-fixture.js';
import { rawRequest as raw, spellings } from '../../testing/path-spellings.js';

describe('API routes under every spelling of their path (real PostgreSQL, Redis, local Alpaca)', function () {
  this.timeout(60_000);
  let api: ApiFixture;
  let routes: { method: string; path: string }[];

  before(async function () {
    api = await startApiFixture(this, { API_RATE_LIMIT_PER_MIN: '100000' });
    api.alpaca.setPrice('GOOG', '100');
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({
        method: method.toUpperCase(),
        path: path.replace('{id}', '00000000-0000-4000-8000-000000000000').replace('{symbol}', 'GOOG'),
      })),
    );
  });
  after(async () => {
    await api?.close();
  });

  const ORDER = JSON.stringify({ symbol: 'GOOG', side: 'buy', qty: 1 });
  const credentials: [string, Record<string, string>][] = [
    ['no token', {}],
    ['a wrong token', { Authorization: 'Bearer wrong' }],
    ['the token in another case', { Authorization: `Bearer ${TOKEN.toUpperCase()}` }],
  ];

  it('without the token: 401, 404 or 405 for every route under every spelling, never data, never an order', async () => {
    expect(routes.length).to.be.greaterThan(10);
    const seen = new Set<number>();
    for (const route of routes) {
      for (const path of [route.path, ...spellings(route.path)]) {
        for (const [what, headers] of credentials) {
          const post = route.method === 'POST';
          const res = await raw(
            api.url,
            route.method,
            path,
            post ? { ...headers, 'Content-Type': 'application/json' } : headers,
            post ? ORDER : undefined,
          );
          seen.add(res.status);
          // 405 where a spelling lands on another route's path (`POST /orders/.` is `GET /orders/:id`).
          expect([401, 404, 405], `${route.method} ${path} with ${what}: ${res.text}`).to.include(res.status);
          expect(JSON.parse(res.text), path).to.have.property('error');
        }
      }
    }
    expect([...seen]).to.include.members([401, 404]);
    expect(api.alpaca.orders()).to.deep.equal([]);
    expect(await api.repos.orders.list({ limit: 10 })).to.deep.equal([]);
  });

  it('with the token, only the exact spelling is served: every other one is a 4xx with the error shape', async () => {
    for (const route of routes.filter((r) => r.method === 'GET')) {
      for (const path of spellings(route.path)) {
        const res = await raw(api.url, 'GET', path, { Authorization: `Bearer ${TOKEN}` });
        // 404, or 400 where a dot segment lands in a path parameter (`/orders/.`): never data.
        expect([400, 404], `GET ${path}`).to.include(res.status);
        expect(JSON.parse(res.text)).to.have.property('error');
      }
    }
  });

  it('the open routes match exactly too: /Health, /OPENAPI.JSON and /docs/ are 404', async () => {
    for (const path of [
      '/Health',
      '/HEALTH',
      '/health/',
      '/OPENAPI.JSON',
      '/openapi.json/',
      '/Docs',
      '/metrics',
    ]) {
      expect((await raw(api.url, 'GET', path, {})).status, path).to.equal(404);
    }
  });

  it('a method a route lacks answers 405 with Allow and the JSON error shape', async () => {
    const res = await raw(api.url, 'DELETE', '/api/v1/orders', { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).to.equal(405);
    expect(res.allow?.split(/,\s*/)).to.include.members(['GET', 'POST']);
    expect(JSON.parse(res.text)).to.have.nested.property('error.code', 'METHOD_NOT_ALLOWED');
    const unknown = await raw(api.url, 'PROPFIND', '/api/v1/orders', { Authorization: `Bearer ${TOKEN}` });
    expect(unknown.status).to.equal(405);
  });
});
